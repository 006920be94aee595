"""Status numbers and the exception hierarchy.

Every failure of the C library is raised as an :class:`OfflineResetError` subclass chosen by its
status number; the exception carries the number, the library's message and the details
(``mistyped_group``, ``code_epoch``/``current_epoch``, ``found_version``). ``Status`` is checked
against ``include/offline_reset.h`` by ``tests/test_header.py``.
"""

from __future__ import annotations

import enum
from typing import Dict, Optional, Type


class Status(enum.IntEnum):
    """``olr_status``: the C ABI's status numbers (stable, never reused)."""

    OK = 0
    MALFORMED_INPUT = 1
    MISTYPED = 2
    UNSUPPORTED_VERSION = 3
    KEY_ROTATED = 4
    EXPIRED = 5
    NOT_YET_VALID = 6
    REJECTED = 7
    INVALID_KEY_MATERIAL = 8
    WRONG_WRAPPING_KEY = 9
    RNG_FAILURE = 10
    TRUNCATED = 11
    CORRUPTED = 12
    WRONG_KIND = 13
    WRAPPING_MISMATCH = 14
    INVALID_USERNAME = 15
    INVALID_DOMAIN = 16
    INVALID_PASSWORD = 17
    INVALID_POLICY = 18
    TIME_OUT_OF_RANGE = 19
    EPOCHS_EXHAUSTED = 20
    ALREADY_USED = 21
    SUPERSEDED = 22
    CODE_BEFORE_ROTATION = 23
    REDEPLOY_NEEDED = 24
    LEDGER_FULL = 25
    UTF16_TEXT = 26
    CLOCK_SET_BACK = 27
    TOO_MANY_ATTEMPTS = 28
    LEDGER_OF_ANOTHER_MACHINE = 29
    LEDGER_ROLLED_BACK = 30
    PACKAGE_EPOCH_TOO_OLD = 31
    PACKAGE_SIGNATURE_INVALID = 32
    INVALID_SID = 33
    OUT_OF_MEMORY = 34
    PKCS11_NOT_BUILT = 35
    TOKEN_MODULE_NOT_FOUND = 36
    TOKEN_ABSENT = 37
    TOKEN_WRONG_PIN = 38
    TOKEN_KEY_MISSING = 39
    TOKEN_RING_EXISTS = 40
    TOKEN_FAILURE = 41
    KEYS_IN_TOKEN = 42
    NULL_POINTER = 100
    INVALID_UTF8 = 101
    BUFFER_TOO_SMALL = 102
    INVALID_LENGTH = 103
    PANIC = 104
    INVALID_UTF16 = 105


class OfflineResetError(Exception):
    """A failure of the offline-reset library.

    Attributes:
        status: the status number (an :class:`int`; a :class:`Status` when known).
        message: the library's plain-language English message for the status.
        mistyped_group, code_epoch, current_epoch, found_version: the details
            (``olr_error_details``), zero when they do not apply.
    """

    status: int

    def __init__(
        self,
        status: int,
        message: str,
        *,
        mistyped_group: int = 0,
        code_epoch: int = 0,
        current_epoch: int = 0,
        found_version: int = 0,
    ) -> None:
        super().__init__(message)
        try:
            self.status = Status(status)
        except ValueError:
            self.status = status
        self.message = message
        self.mistyped_group = mistyped_group
        self.code_epoch = code_epoch
        self.current_epoch = current_epoch
        self.found_version = found_version

    @property
    def details(self) -> Dict[str, int]:
        """The four detail fields, as ``olr_error_details`` has them."""
        return {
            "mistyped_group": self.mistyped_group,
            "code_epoch": self.code_epoch,
            "current_epoch": self.current_epoch,
            "found_version": self.found_version,
        }

    def __str__(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.details.items() if v)
        return f"{self.message} (status {int(self.status)}{', ' + extra if extra else ''})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={int(self.status)}, message={self.message!r})"


class MalformedInputError(OfflineResetError):
    """1: the input is not in the expected format."""


class MistypedError(OfflineResetError):
    """2: a typed code failed its typing checks. ``group`` is the 1-based group to retype, or 0
    when only the whole-code check fails (at least two symbols wrong somewhere)."""

    @property
    def group(self) -> int:
        return self.mistyped_group


class UnsupportedVersionError(OfflineResetError):
    """3: made by a protocol or format version this library does not implement; ``found_version``."""


class KeyRotatedError(OfflineResetError):
    """4: the code is for another key generation (``code_epoch``, ``current_epoch``)."""


class ExpiredError(OfflineResetError):
    """5: the reset code's lifetime has passed."""


class NotYetValidError(OfflineResetError):
    """6: the reset code's issue time is in the future (check the clock)."""


class RejectedError(OfflineResetError):
    """7: the reset code does not open for this machine, account and new password."""


class InvalidKeyMaterialError(OfflineResetError):
    """8: not valid key material, or a wrapping key that is not 64 bytes."""


class WrongWrappingKeyError(OfflineResetError):
    """9: wrapped under another wrapping key."""


class RngFailureError(OfflineResetError):
    """10: the operating system's random number generator failed."""


class TruncatedError(OfflineResetError):
    """11: the object ends before its declared length."""


class CorruptedError(OfflineResetError):
    """12: checksum or authentication failed: damaged or tampered with."""


class WrongKindError(OfflineResetError):
    """13: another kind of object (a machine state given as a key ring)."""


class WrappingMismatchError(OfflineResetError):
    """14: a wrapped object without a key, or a key for a plain object."""


class InvalidUsernameError(OfflineResetError):
    """15: the username cannot be used (:func:`offline_reset.name_problem` says why)."""


class InvalidDomainError(OfflineResetError):
    """16: the offline user domain (or FQDN) cannot be used."""


class InvalidPasswordError(OfflineResetError):
    """17: the new password is empty or longer than 1024 UTF-8 bytes."""


class InvalidPolicyError(OfflineResetError):
    """18: a policy or password-cost value is out of range."""


class TimeOutOfRangeError(OfflineResetError):
    """19: a time before 2025 or after 2152."""


class EpochsExhaustedError(OfflineResetError):
    """20: the key ring has used every epoch number."""


class AlreadyUsedError(OfflineResetError):
    """21: the replay ledger already holds this reset code: a code works once."""


class SupersededError(OfflineResetError):
    """22: a code for this account issued at the same minute or later was already accepted."""


class CodeBeforeRotationError(OfflineResetError):
    """23: the code's epoch is older than the machine's: request a new code
    (``code_epoch``, ``current_epoch`` = the machine's epoch)."""


class RedeployNeededError(OfflineResetError):
    """24: the code's epoch is newer than the machine's: redeploy the login integration."""


class LedgerFullError(OfflineResetError):
    """25: the replay ledger holds its maximum number of account records (1024) or of code
    records (256) and this redeem needs another: the code is refused (the ledger fails closed)."""


class Utf16TextError(OfflineResetError):
    """26: text arrived as UTF-16 where UTF-8 was expected (save the file as UTF-8)."""


class ClockSetBackError(OfflineResetError):
    """27: ``now`` is earlier than a time the replay ledger already saw, by more than the clock
    skew: fix the clock (the ledger is unchanged)."""


class TooManyAttemptsError(OfflineResetError):
    """28: the failed-attempt limit of this reset code or of this account is reached: request a
    new code, or wait for the window to pass."""


class LedgerOfAnotherMachineError(OfflineResetError):
    """29: the replay ledger belongs to another machine or to an earlier enrollment of this one
    (after a redeployment to a new epoch, start a new ledger)."""


class LedgerRolledBackError(OfflineResetError):
    """30: the replay ledger's generation is below the minimum given: an older copy of the file.
    Refuse resets until an administrator acts."""


class PackageEpochTooOldError(OfflineResetError):
    """31: the deployment package's epoch is older than the machine's, or the same epoch with
    another server key or password cost."""


class PackageSignatureInvalidError(OfflineResetError):
    """32: the deployment package's signature does not verify, or its signer is not the key the
    machine pinned."""


class InvalidSidError(OfflineResetError):
    """33: the account SID is not a binary SID (revision 1, 1 to 15 sub-authorities,
    ``8 + 4 * count`` bytes)."""


class OutOfMemoryError(OfflineResetError):
    """34: the memory for the password binding (Argon2id) could not be reserved (a redeem then
    leaves the ledger unchanged)."""


class Pkcs11NotBuiltError(OfflineResetError):
    """35: this library was built without PKCS#11 support (build it with
    ``cargo build --release --features pkcs11``; ABI 2.1)."""


class TokenModuleNotFoundError(OfflineResetError):
    """36: the PKCS#11 module could not be loaded or initialized (wrong path, not a PKCS#11
    module)."""


class TokenAbsentError(OfflineResetError):
    """37: no slot of the PKCS#11 module holds a token with the given label."""


class TokenWrongPinError(OfflineResetError):
    """38: the token refused the PIN (wrong, expired or locked)."""


class TokenKeyMissingError(OfflineResetError):
    """39: the token holds no key ring under the label prefix, or one of its keys is missing or
    is not the one recorded."""


class TokenRingExistsError(OfflineResetError):
    """40: the token already holds a key ring under the label prefix."""


class TokenFailureError(OfflineResetError):
    """41: the PKCS#11 token refused or failed an operation (not the PIN, not a missing key)."""


class KeysInTokenError(OfflineResetError):
    """42: the key ring's keys are held in a PKCS#11 token and never leave it: it cannot be
    exported (back up the token instead), nor copied into a token again."""


class NullPointerError(OfflineResetError):
    """100: a required pointer is NULL (a bug in the binding)."""


class InvalidUtf8Error(OfflineResetError):
    """101: a string is not valid UTF-8."""


class BufferTooSmallError(OfflineResetError):
    """102: an output buffer is too small (a bug in the binding)."""


class InvalidLengthError(OfflineResetError):
    """103: an input is longer than 64 KiB."""


class PanicError(OfflineResetError):
    """104: the library panicked (a bug: please report it)."""


class InvalidUtf16Error(OfflineResetError):
    """105: a string is not valid UTF-16: it holds an unpaired surrogate (only the C ABI's
    ``_utf16`` functions return it; this binding passes UTF-8, so it never sees it)."""


#: The exception class of each status number.
ERROR_CLASSES: Dict[int, Type[OfflineResetError]] = {
    Status.MALFORMED_INPUT: MalformedInputError,
    Status.MISTYPED: MistypedError,
    Status.UNSUPPORTED_VERSION: UnsupportedVersionError,
    Status.KEY_ROTATED: KeyRotatedError,
    Status.EXPIRED: ExpiredError,
    Status.NOT_YET_VALID: NotYetValidError,
    Status.REJECTED: RejectedError,
    Status.INVALID_KEY_MATERIAL: InvalidKeyMaterialError,
    Status.WRONG_WRAPPING_KEY: WrongWrappingKeyError,
    Status.RNG_FAILURE: RngFailureError,
    Status.TRUNCATED: TruncatedError,
    Status.CORRUPTED: CorruptedError,
    Status.WRONG_KIND: WrongKindError,
    Status.WRAPPING_MISMATCH: WrappingMismatchError,
    Status.INVALID_USERNAME: InvalidUsernameError,
    Status.INVALID_DOMAIN: InvalidDomainError,
    Status.INVALID_PASSWORD: InvalidPasswordError,
    Status.INVALID_POLICY: InvalidPolicyError,
    Status.TIME_OUT_OF_RANGE: TimeOutOfRangeError,
    Status.EPOCHS_EXHAUSTED: EpochsExhaustedError,
    Status.ALREADY_USED: AlreadyUsedError,
    Status.SUPERSEDED: SupersededError,
    Status.CODE_BEFORE_ROTATION: CodeBeforeRotationError,
    Status.REDEPLOY_NEEDED: RedeployNeededError,
    Status.LEDGER_FULL: LedgerFullError,
    Status.UTF16_TEXT: Utf16TextError,
    Status.CLOCK_SET_BACK: ClockSetBackError,
    Status.TOO_MANY_ATTEMPTS: TooManyAttemptsError,
    Status.LEDGER_OF_ANOTHER_MACHINE: LedgerOfAnotherMachineError,
    Status.LEDGER_ROLLED_BACK: LedgerRolledBackError,
    Status.PACKAGE_EPOCH_TOO_OLD: PackageEpochTooOldError,
    Status.PACKAGE_SIGNATURE_INVALID: PackageSignatureInvalidError,
    Status.INVALID_SID: InvalidSidError,
    Status.OUT_OF_MEMORY: OutOfMemoryError,
    Status.PKCS11_NOT_BUILT: Pkcs11NotBuiltError,
    Status.TOKEN_MODULE_NOT_FOUND: TokenModuleNotFoundError,
    Status.TOKEN_ABSENT: TokenAbsentError,
    Status.TOKEN_WRONG_PIN: TokenWrongPinError,
    Status.TOKEN_KEY_MISSING: TokenKeyMissingError,
    Status.TOKEN_RING_EXISTS: TokenRingExistsError,
    Status.TOKEN_FAILURE: TokenFailureError,
    Status.KEYS_IN_TOKEN: KeysInTokenError,
    Status.NULL_POINTER: NullPointerError,
    Status.INVALID_UTF8: InvalidUtf8Error,
    Status.BUFFER_TOO_SMALL: BufferTooSmallError,
    Status.INVALID_LENGTH: InvalidLengthError,
    Status.PANIC: PanicError,
    Status.INVALID_UTF16: InvalidUtf16Error,
}


def error_class(status: int) -> Type[OfflineResetError]:
    """The exception class for a status number (:class:`OfflineResetError` for unknown ones)."""
    return ERROR_CLASSES.get(status, OfflineResetError)


def make_error(status: int, message: str, details: Optional[object] = None) -> OfflineResetError:
    """The exception for a failed call (``details`` is an ``ErrorDetails`` or None)."""
    fields = {}
    if details is not None:
        fields = {
            "mistyped_group": int(getattr(details, "mistyped_group")),
            "code_epoch": int(getattr(details, "code_epoch")),
            "current_epoch": int(getattr(details, "current_epoch")),
            "found_version": int(getattr(details, "found_version")),
        }
    return error_class(status)(status, message, **fields)

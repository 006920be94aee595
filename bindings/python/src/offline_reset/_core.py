"""The Python API over the C ABI: thin wrappers, no protocol logic (docs/BINDINGS.md)."""

from __future__ import annotations

import ctypes
import datetime
import enum
import os
import threading
from contextlib import contextmanager
from ctypes import byref, c_bool, c_size_t, c_uint16, c_uint32, c_uint64, c_void_p, create_string_buffer
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple, Union

from ._native import LIB, AcceptedResetC, ErrorDetails, TypingProgressC
from .errors import Status, make_error

Text = Union[str, bytes]
"""Text input: a ``str`` (encoded as UTF-8 by the binding) or UTF-8 ``bytes``."""
Secret = Union[str, bytes, bytearray, memoryview]
"""A password: ``bytearray``/``memoryview`` are passed without a copy, so the caller can wipe them."""
Bytes = Union[bytes, bytearray, memoryview]
Sid = Union[bytes, bytearray, memoryview]
"""A binary SID (the ``objectSid`` attribute's bytes, ``GetTokenInformation``'s ``PSID`` contents):
revision 1, 1 to 15 sub-authorities, ``8 + 4 * count`` bytes (12 … 68). Not the ``S-1-5-…`` text."""

IDENTIFICATION_CODE_TEXT_LEN: int = LIB.olr_identification_code_text_len()
RESET_CODE_TEXT_LEN: int = LIB.olr_reset_code_text_len()
DEPLOYMENT_PACKAGE_TEXT_LEN: int = LIB.olr_deployment_package_text_len()
WRAPPING_KEY_LEN: int = LIB.olr_wrapping_key_len()
MAX_NAME_LEN: int = LIB.olr_max_name_len()
MAX_PASSWORD_LEN: int = LIB.olr_max_password_len()
MAX_GENERATIONS: int = LIB.olr_max_generations()
MAX_LEDGER_ACCOUNTS: int = LIB.olr_max_ledger_accounts()
MAX_LEDGER_CODES: int = LIB.olr_max_ledger_codes()
# The C ABI has these only as #defines (no function): checked against the header by tests/test_header.py.
MIN_SID_LEN: int = 12
MAX_SID_LEN: int = 68
PACKAGE_FINGERPRINT_LEN: int = 64
SPELLING_MAX_LEN: int = 2125
MAX_PORTAL_URL_LEN: int = 512
IDENTIFICATION_URI_MAX_LEN: int = 591
QR_QUIET_ZONE: int = 4
QR_MAX_WIDTH: int = 185


def status_message(status: int) -> str:
    """The library's static English message for any status number."""
    return LIB.olr_status_message(status & 0xFFFFFFFF).decode("utf-8")


def status_name(status: int) -> str:
    """The status's stable identifier in the header (``"OLR_REJECTED"`` for 7), or
    ``"OLR_UNKNOWN_STATUS"`` for a number the library does not know: for logs and for keying a
    table of user-facing texts (unlike :func:`status_message`, its wording never changes)."""
    return LIB.olr_status_name(status & 0xFFFFFFFF).decode("ascii")


def version() -> str:
    """The native library's version, such as ``"0.1.0"``."""
    return LIB.olr_version().decode("ascii")


def abi_version() -> int:
    """The loaded library's C ABI version (``major << 16 | minor``)."""
    return int(LIB.olr_abi_version())


def protocol_version() -> int:
    """The protocol version carried in every code."""
    return int(LIB.olr_protocol_version())


def _fail(status: int, details: Optional[ErrorDetails] = None) -> None:
    if status != 0:
        raise make_error(status, status_message(status), details)


def _int(value: int, what: str, bits: int, signed: bool = False) -> int:
    """An integer argument in the C type's range (ctypes would silently truncate it)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not low <= value <= high:
        raise ValueError(f"{what} must be in {low} … {high}, not {value}")
    return value


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_SECOND = datetime.timedelta(seconds=1)

Time = Union[int, datetime.datetime]
"""A point in time: unix seconds (``int``) or a timezone-aware ``datetime.datetime``."""


def _now(now: Time) -> int:
    """Unix seconds from an int, or from an aware datetime (fractions of a second dropped)."""
    if isinstance(now, datetime.datetime):
        if now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
            raise TypeError(
                "now must be a timezone-aware datetime (such as datetime.now(timezone.utc)), not a "
                "naive one: its time zone is unknown"
            )
        return _int((now - _EPOCH) // _SECOND, "now", 64, signed=True)
    return _int(now, "now", 64, signed=True)


def _utc(seconds: int) -> datetime.datetime:
    return _EPOCH + datetime.timedelta(seconds=seconds)


def _sid(sid: Sid) -> bytes:
    """A binary SID as bytes; the library checks its form (``InvalidSidError``)."""
    if isinstance(sid, str):
        raise TypeError(
            "sid must be the binary SID (bytes, such as the objectSid attribute's value), not a str; "
            "convert the S-1-5-... text form with ConvertStringSidToSid"
        )
    if isinstance(sid, (bytes, bytearray, memoryview)):
        return bytes(sid)
    raise TypeError(f"sid must be bytes-like, not {type(sid).__name__}")


def _utf8(text: Text, what: str) -> bytes:
    if isinstance(text, str):
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: not representable as UTF-8
            raise make_error(Status.INVALID_UTF8, status_message(Status.INVALID_UTF8)) from None
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")


def _blob(data: Optional[Bytes], what: str) -> Tuple[Optional[object], int]:
    """A bytes-like input as (pointer argument, length); None stays NULL with length 0."""
    if data is None:
        return None, 0
    if isinstance(data, bytes):
        return data, len(data)
    if isinstance(data, bytearray):
        return (ctypes.c_char * len(data)).from_buffer(data) if data else b"", len(data)
    if isinstance(data, memoryview):
        return _blob(bytearray(data), what)  # a copy; not wiped (prefer bytearray)
    raise TypeError(f"{what} must be bytes-like, not {type(data).__name__}")


class _Password:
    """The password (or a token PIN) as UTF-8 in a buffer the binding wipes after the call (when
    it made it)."""

    def __init__(self, password: Secret, what: str = "password") -> None:
        self._owned: Optional[bytearray] = None
        if isinstance(password, str):
            try:
                self._owned = bytearray(password, "utf-8")
            except UnicodeEncodeError:
                raise make_error(Status.INVALID_UTF8, status_message(Status.INVALID_UTF8)) from None
            self.arg, self.len = _blob(self._owned, what)
        elif isinstance(password, memoryview):
            self._owned = bytearray(password)
            self.arg, self.len = _blob(self._owned, what)
        else:
            self.arg, self.len = _blob(password, what)

    def wipe(self) -> None:
        self.arg = None
        if self._owned is not None:
            self._owned[:] = bytes(len(self._owned))


def _out_text(function, cap: int, *args: object, details: bool = False) -> str:
    buf = create_string_buffer(cap)
    n = c_size_t()
    if details:
        d = ErrorDetails()
        _fail(function(*args, buf, cap, byref(n), byref(d)), d)
    else:
        _fail(function(*args, buf, cap, byref(n)))
    return buf.raw[: n.value].decode("utf-8")


def _export(function, handle: int, wrapping_key: Optional[Bytes]) -> bytearray:
    """``wrapping_key`` None: the plain export (only through the ``export_plain`` methods)."""
    key, key_len = _blob(wrapping_key, "wrapping_key")
    needed = c_size_t()
    status = function(handle, key, key_len, None, 0, byref(needed))
    if status != Status.BUFFER_TOO_SMALL:
        _fail(status)
    buf = create_string_buffer(needed.value)
    n = c_size_t()
    _fail(function(handle, key, key_len, buf, needed.value, byref(n)))
    out = bytearray(buf.raw[: n.value])
    ctypes.memset(buf, 0, needed.value)
    return out


def _required_key(wrapping_key: Bytes, owner: str) -> Bytes:
    if wrapping_key is None:
        raise TypeError(
            f"{owner}.export() needs a wrapping key (generate_wrapping_key()); "
            f"{owner}.export_plain() writes the secrets in the clear"
        )
    return wrapping_key


def generate_wrapping_key() -> bytearray:
    """A fresh random wrapping key (64 bytes) from the OS RNG, as a ``bytearray`` to wipe after use."""
    buf = create_string_buffer(WRAPPING_KEY_LEN)
    n = c_size_t()
    _fail(LIB.olr_wrapping_key_generate(buf, WRAPPING_KEY_LEN, byref(n)))
    out = bytearray(buf.raw[: n.value])
    ctypes.memset(buf, 0, WRAPPING_KEY_LEN)
    return out


def default_offline_domain(fqdn: Text) -> str:
    """The offline user domain for a user's FQDN when none was typed (``corp.example.com`` → ``CORP``).

    Raises:
        InvalidDomainError: white space at an end, or an unusable first label.
    """
    raw = _utf8(fqdn, "fqdn")
    return _out_text(LIB.olr_default_offline_domain, MAX_NAME_LEN, raw, len(raw))


class NameProblem(enum.IntEnum):
    """What is wrong with a typed username or domain (``olr_name_problem_code``)."""

    NONE = 0
    EMPTY = 1
    SURROUNDING_WHITE_SPACE = 2
    CONTROL_OR_FORMAT_CHARACTER = 3
    LINE_OR_PARAGRAPH_SEPARATOR = 4
    QUALIFIED_NAME = 5
    FORBIDDEN_CHARACTER = 6
    TOO_LONG = 7

    @property
    def hint(self) -> str:
        """A short English hint saying what to fix."""
        return LIB.olr_name_problem_hint(int(self)).decode("utf-8")


def name_problem(text: Text) -> NameProblem:
    """Says what is wrong with a typed username or offline domain (``NameProblem.NONE`` if nothing)."""
    raw = _utf8(text, "text")
    out = c_uint32()
    _fail(LIB.olr_name_problem(raw, len(raw), byref(out)))
    return NameProblem(out.value)


@dataclass(frozen=True)
class PasswordCost:
    """The Argon2id cost of binding a new password: every seal and every open runs Argon2id once."""

    memory_kib: int = 65536
    iterations: int = 3
    parallelism: int = 1

    @classmethod
    def minimum(cls) -> "PasswordCost":
        """The cheapest cost the protocol allows (19 MiB, 2 passes, 1 lane): for tests."""
        return cls(19456, 2, 1)


@dataclass(frozen=True)
class Policy:
    """Reset-code lifetime and allowed clock skew, in minutes."""

    reset_code_lifetime_minutes: int = 1440
    clock_skew_minutes: int = 10


@dataclass(frozen=True)
class AttemptLimits:
    """Failed opens a machine allows per reset code and per account within one code lifetime
    (each 1 … 1000); carried by the deployment package (PROTOCOL.md §9.5, §9.7)."""

    failed_opens_per_code: int = 5
    failed_opens_per_account: int = 20


@dataclass(frozen=True)
class AcceptedReset:
    """What a machine learns from a reset code that opened (unix seconds; the ``_datetime``
    properties give the same times as timezone-aware UTC datetimes)."""

    issued_at: int
    expires_at: int

    @property
    def issued_at_datetime(self) -> datetime.datetime:
        """:attr:`issued_at` as an aware datetime in UTC."""
        return _utc(self.issued_at)

    @property
    def expires_at_datetime(self) -> datetime.datetime:
        """:attr:`expires_at` as an aware datetime in UTC."""
        return _utc(self.expires_at)


@dataclass(frozen=True)
class DeploymentPackageInfo:
    """The epoch and policy a deployment package carries."""

    epoch: int
    policy: Policy


def deployment_package_fingerprint(package: Text) -> str:
    """The package's fingerprint: lowercase hexadecimal SHA-256 of its envelope bytes (64
    characters), the same for every text of one package. Compare it with the server's before
    the first deployment (PROTOCOL.md §8).

    Raises:
        the package errors of :func:`check_deployment_package`.
    """
    raw = _utf8(package, "package")
    return _out_text(LIB.olr_deployment_package_fingerprint, PACKAGE_FINGERPRINT_LEN + 1, raw, len(raw), details=True)


def check_deployment_package(package: Text) -> DeploymentPackageInfo:
    """Reads a deployment package (the file's text, or its raw bytes) without enrolling."""
    raw = _utf8(package, "package")
    epoch, lifetime, skew = c_uint16(), c_uint16(), c_uint16()
    d = ErrorDetails()
    _fail(LIB.olr_deployment_package_check(raw, len(raw), byref(epoch), byref(lifetime), byref(skew), byref(d)), d)
    return DeploymentPackageInfo(epoch.value, Policy(lifetime.value, skew.value))


class GroupState(enum.IntEnum):
    """The state of one group of a code being typed (``olr_group_state``)."""

    EMPTY = 0
    INCOMPLETE = 1
    VALID = 2
    MISTYPED = 3
    NOT_A_SYMBOL = 4


@dataclass(frozen=True)
class TypingProgress:
    """Feedback on a code while it is typed (``olr_typing_progress``): colour each group from
    :attr:`groups`; :attr:`ready` is true exactly when parsing the same text succeeds."""

    groups: Tuple[GroupState, ...]
    """The state of each group in reading order (8 for an identification code, 6 for a reset code)."""
    complete: bool
    """Exactly the code's number of symbols is typed."""
    too_long: bool
    """More symbols are typed than the code has."""
    whole_code_ok: bool
    """Complete, every group valid, and the whole-code check passes."""
    ready: bool
    """``whole_code_ok`` and the version is this library's: the code parses."""
    unsupported_version: Optional[int]
    """The version the first symbol names when it is not this library's, else None."""
    first_wrong_group: int
    """The 1-based number of the first group known to be wrong, or 0."""
    symbols_typed: int
    """Characters typed that are not separators."""
    symbols_expected: int
    """The code's number of symbols (64 or 44)."""


class _Scratch(threading.local):
    """Per-thread output buffers for the cheap calls (code checks): allocated once per thread
    instead of at every call. Code texts are public, so the buffers are not wiped."""

    def __init__(self) -> None:
        n, details = c_size_t(), ErrorDetails()
        #: (output buffer, its length, byref(length), details, byref(details)): one lookup.
        self.check = (create_string_buffer(max(IDENTIFICATION_CODE_TEXT_LEN, RESET_CODE_TEXT_LEN)),
                      n, byref(n), details, byref(details))
        self.progress = TypingProgressC()
        self.progress_ref = byref(self.progress)


_scratch = _Scratch()


def _progress(function, text: Text) -> TypingProgress:
    raw = _utf8(text, "text")
    scratch = _scratch
    _fail(function(raw, len(raw), scratch.progress_ref))
    p = scratch.progress
    return TypingProgress(
        groups=tuple(GroupState(g) for g in p.groups[: p.group_count]),
        complete=bool(p.complete),
        too_long=bool(p.too_long),
        whole_code_ok=bool(p.whole_code_ok),
        ready=bool(p.ready),
        unsupported_version=int(p.unsupported_version) if p.has_unsupported_version else None,
        first_wrong_group=int(p.first_wrong_group),
        symbols_typed=int(p.symbols_typed),
        symbols_expected=int(p.symbols_expected),
    )


def _bare(function):
    """The same C function as a second pointer without ``argtypes`` (same ``restype``), for the
    hot paths: ctypes then converts no arguments (~0.4 µs less per call), so every argument
    passed to it MUST already be its exact C type: ``bytes`` or a ctypes buffer for a pointer,
    ``c_size_t`` for a length, ``byref(...)`` for an out-pointer (never a Python int, which
    ctypes would pass as a C int)."""
    bare = type(function)(ctypes.cast(function, c_void_p).value)
    bare.restype = function.restype
    return bare


class _Code:
    _check = None
    _check_bare = None
    _cap = c_size_t(0)
    _progress_fn = None
    _len = 0

    def __init__(self, text: Union[Text, "_Code"]) -> None:
        # The hot path (a typed code, checked at every keystroke or request): per-thread
        # buffers, the function bound once per class, no encode for ASCII-only checks.
        cls = type(self)
        if type(text) is str:
            try:
                raw = text.encode("utf-8")
            except UnicodeEncodeError:
                raw = _utf8(text, "code")  # raises InvalidUtf8Error
        elif isinstance(text, cls):
            self._text: str = text._text
            return
        else:
            raw = _utf8(text if not isinstance(text, _Code) else str(text), "code")
        buf, n, n_ref, details, details_ref = _scratch.check
        status = cls._check_bare(raw, c_size_t(len(raw)), buf, cls._cap, n_ref, details_ref)
        if status:
            _fail(status, details)
        self._text = buf.raw[: n.value].decode("ascii")

    @classmethod
    def progress(cls, text: Text) -> TypingProgress:
        """Feedback while the code is typed: call it with the whole field's text at every
        keystroke. Reads the text as parsing does and never fails on partial, wrong or too long
        text (only :class:`InvalidUtf8Error` for a lone surrogate)."""
        return _progress(cls._progress_fn, text)

    @property
    def text(self) -> str:
        """The canonical text (upper case, groups joined by ``-``)."""
        return self._text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._text == self._text  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._text))


class IdentificationCode(_Code):
    """A machine's identification code, parsed from typed text (case-insensitive; O reads as 0,
    I and L as 1; spaces and hyphens ignored).

    Raises:
        MistypedError: ``.group`` names the group to retype (0: the whole code).
        MalformedInputError, UnsupportedVersionError.
    """

    _check = LIB.olr_identification_code_check
    _check_bare = _bare(LIB.olr_identification_code_check)
    _progress_fn = LIB.olr_identification_code_progress
    _len = IDENTIFICATION_CODE_TEXT_LEN
    _cap = c_size_t(IDENTIFICATION_CODE_TEXT_LEN)

    def uri(self, base_url: Text) -> str:
        """The URI that opens the reset portal with this code filled in (PROTOCOL.md §6.1):
        ``base_url``, then ``?`` (or ``&``), ``olr-id=`` and the code. At most
        :data:`IDENTIFICATION_URI_MAX_LEN` characters.

        Raises:
            MalformedInputError: ``base_url`` does not start with ``https://`` and a host, has
            characters a URI may not, a fragment or an ``olr-id`` parameter, or is longer than
            :data:`MAX_PORTAL_URL_LEN` bytes.
        """
        raw = self._text.encode("ascii")
        base = _utf8(base_url, "base_url")
        return _out_text(LIB.olr_identification_code_uri, IDENTIFICATION_URI_MAX_LEN + 1,
                         raw, len(raw), base, len(base), details=True)

    def qr(self, base_url: Text) -> "QrSymbol":
        """The QR symbol of :meth:`uri` (level M, the smallest version that fits, the quiet
        zone included): draw each dark module as a small square.

        Raises:
            MalformedInputError: as :meth:`uri`.
        """
        raw = self._text.encode("ascii")
        base = _utf8(base_url, "base_url")
        cap = QR_MAX_WIDTH * QR_MAX_WIDTH
        buf = create_string_buffer(cap)
        n, width = c_size_t(), c_size_t()
        d = ErrorDetails()
        _fail(LIB.olr_identification_code_qr(raw, len(raw), base, len(base), buf, cap, byref(n), byref(width),
                                             byref(d)), d)
        return QrSymbol(width.value, buf.raw[: n.value])

    @classmethod
    def from_uri_or_code(cls, text: Text) -> "IdentificationCode":
        """Reads what a reset portal received from the phone flow: the ``olr-id`` URI the
        machine's QR symbol carries (``https://...?olr-id=...``; ``http://`` too, any case) or
        the typed code itself.

        Raises:
            MalformedInputError: a URI without exactly one ``olr-id`` parameter.
            MistypedError, UnsupportedVersionError: as for the typed code.
        """
        raw = _utf8(text, "text")
        code = cls.__new__(cls)
        code._text = _out_text(LIB.olr_identification_code_parse_uri_or_code, IDENTIFICATION_CODE_TEXT_LEN,
                               raw, len(raw), details=True)
        return code


class ResetCode(_Code):
    """A reset code, parsed from typed text with the same rules as :class:`IdentificationCode`."""

    _check = LIB.olr_reset_code_check
    _check_bare = _bare(LIB.olr_reset_code_check)
    _progress_fn = LIB.olr_reset_code_progress
    _len = RESET_CODE_TEXT_LEN
    _cap = c_size_t(RESET_CODE_TEXT_LEN)


@dataclass(frozen=True)
class QrSymbol:
    """A QR symbol as a module matrix: :attr:`width` modules per side (the quiet zone of
    :data:`QR_QUIET_ZONE` light modules on each side included), :attr:`modules` ``width * width``
    bytes row-major from the top left, 1 for a dark module and 0 for a light one."""

    width: int
    modules: bytes

    def is_dark(self, x: int, y: int) -> bool:
        """Whether the module in column ``x``, row ``y`` (from the top left) is dark."""
        if not (0 <= x < self.width and 0 <= y < self.width):
            raise IndexError(f"module ({x}, {y}) is outside a {self.width}x{self.width} symbol")
        return self.modules[y * self.width + x] == 1

    @property
    def rows(self) -> List[bytes]:
        """The rows from the top, each ``width`` bytes."""
        w = self.width
        return [self.modules[i: i + w] for i in range(0, w * w, w)]


def spell_code(code: Union[IdentificationCode, ResetCode, Text], table: Optional[Text] = None) -> str:
    """The code spelled for reading aloud: a word per symbol, groups separated by `` / ``.

    ``table`` is None for English (digits as words, letters by the NATO alphabet) or a localized
    table: 32 lines, the words for ``0123456789ABCDEFGHJKMNPQRSTVWXYZ`` in that order.

    Raises:
        MalformedInputError: a bad table, or a code of neither length.
        MistypedError: as for the typed code.
    """
    raw = _utf8(str(code) if isinstance(code, _Code) else code, "code")
    tab = _utf8(table, "table") if table is not None else None
    return _out_text(LIB.olr_spell_code, SPELLING_MAX_LEN, raw, len(raw), tab, len(tab) if tab else 0, details=True)


def _normalize(u: bytes, d: bytes) -> Tuple[str, str]:
    ub, db = create_string_buffer(MAX_NAME_LEN), create_string_buffer(MAX_NAME_LEN)
    un, dn = c_size_t(), c_size_t()
    details = ErrorDetails()
    _fail(
        LIB.olr_account_normalize(
            u, len(u), d, len(d), ub, MAX_NAME_LEN, byref(un), db, MAX_NAME_LEN, byref(dn), byref(details)
        ),
        details,
    )
    return ub.raw[: un.value].decode("utf-8"), db.raw[: dn.value].decode("utf-8")


def normalize_names(username: Text, offline_domain: Text) -> Tuple[str, str]:
    """The normalized username and offline domain (PROTOCOL.md §5): what a login integration
    compares to resolve typed names to exactly one cached account (whose SID it then redeems
    with). Two accounts with equal normalized names may still differ by SID.

    Raises:
        InvalidUsernameError, InvalidDomainError: :func:`name_problem` says why.
    """
    return _normalize(_utf8(username, "username"), _utf8(offline_domain, "offline_domain"))


class Account:
    """A Windows account: username and offline user domain as typed, and its binary SID.

    ``username`` and ``offline_domain`` are the names as given (what seal and redeem pass to the
    library); ``normalized_username`` and ``normalized_offline_domain`` are the forms two
    accounts are compared by (PROTOCOL.md §5); ``sid`` is the SID's bytes. Two accounts are the
    same exactly when the normalized names and the SID are equal. ``str()`` shows
    ``DOMAIN\\user (S-1-5-…)`` as typed, :meth:`to_normalized_string` the normalized form (the same
    shapes as the .NET, Java and Go bindings). The server seals with the account's
    ``objectSid``; the machine redeems with the SID of the cached account the typed names
    resolve to (PROTOCOL.md §12.3).

    Raises:
        InvalidUsernameError, InvalidDomainError: :func:`name_problem` says why.
        InvalidSidError: ``sid`` is not a binary SID (revision 1, 1 to 15 sub-authorities).
        TypeError: ``sid`` is not bytes-like (the ``S-1-5-…`` text is not accepted).
    """

    def __init__(self, username: Text, offline_domain: Text, sid: Sid) -> None:
        self._typed = (_utf8(username, "username"), _utf8(offline_domain, "offline_domain"))
        self.sid: bytes = _sid(sid)
        u, d = self._typed
        self.normalized_username, self.normalized_offline_domain = _normalize(u, d)
        _fail(LIB.olr_account_check(u, len(u), d, len(d), self.sid, len(self.sid)))

    @property
    def username(self) -> str:
        """The username as given."""
        return self._typed[0].decode("utf-8")

    @property
    def offline_domain(self) -> str:
        """The offline user domain as given."""
        return self._typed[1].decode("utf-8")

    @property
    def sid_string(self) -> str:
        """The SID written ``S-1-5-21-…``."""
        authority = int.from_bytes(self.sid[2:8], "big")
        subs = [str(int.from_bytes(self.sid[8 + 4 * i: 12 + 4 * i], "little")) for i in range(self.sid[1])]
        return "-".join(["S", str(self.sid[0]), str(authority)] + subs)

    @classmethod
    def with_fqdn(cls, username: Text, fqdn: Text, sid: Sid) -> "Account":
        """The account with the default offline domain of the user's FQDN."""
        return cls(username, default_offline_domain(fqdn), sid)

    @staticmethod
    def check(username: Text, offline_domain: Text, sid: Sid) -> None:
        """Checks both names and the SID as seal and redeem will; raises the error they would."""
        u, d, s = _utf8(username, "username"), _utf8(offline_domain, "offline_domain"), _sid(sid)
        _fail(LIB.olr_account_check(u, len(u), d, len(d), s, len(s)))

    def to_normalized_string(self) -> str:
        """``DOMAIN\\USER (S-1-5-…)`` with the normalized names."""
        return f"{self.normalized_offline_domain}\\{self.normalized_username} ({self.sid_string})"

    def _key(self) -> Tuple[str, str, bytes]:
        return (self.normalized_username, self.normalized_offline_domain, self.sid)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Account) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return f"{self.offline_domain}\\{self.username} ({self.sid_string})"

    def __repr__(self) -> str:
        return f"Account({self.username!r}, {self.offline_domain!r}, bytes.fromhex({self.sid.hex()!r}))"


AccountLike = Union[Account, Tuple[Text, Text, Sid]]
"""An :class:`Account`, or a ``(username, offline_domain, sid)`` tuple."""


def _account(account: AccountLike) -> Tuple[bytes, bytes, bytes]:
    if isinstance(account, Account):
        return account._typed + (account.sid,)
    if not isinstance(account, tuple) or len(account) != 3:
        raise TypeError(
            "account must be an Account or a (username, offline_domain, sid) tuple: the binary SID is "
            "required (C ABI 2.0)"
        )
    username, domain, sid = account
    return _utf8(username, "username"), _utf8(domain, "offline_domain"), _sid(sid)


class _RWLock:
    """Many readers (calls on a const handle) or one writer (mutation, close): the C rules."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class _Handle:
    """An owned C handle: freed (and its secrets wiped) by ``close()``, ``with``, or collection."""

    _free = None

    def __init__(self, handle: c_void_p) -> None:
        self._h: Optional[int] = handle.value
        self._lock = _RWLock()

    @contextmanager
    def _shared(self) -> Iterator[int]:
        with self._lock.read():
            if not self._h:
                raise ValueError(f"{type(self).__name__} is closed")
            yield self._h

    @contextmanager
    def _exclusive(self) -> Iterator[int]:
        with self._lock.write():
            if not self._h:
                raise ValueError(f"{type(self).__name__} is closed")
            yield self._h

    def close(self) -> None:
        """Frees the native object and wipes its secrets; later calls raise ``ValueError``."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock.write():
            h, self._h = self._h, None
            if h:
                type(self)._free(h)

    @property
    def closed(self) -> bool:
        return not self._h

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


def _policy_args(policy: Policy) -> Tuple[int, int]:
    return (
        _int(policy.reset_code_lifetime_minutes, "reset_code_lifetime_minutes", 16),
        _int(policy.clock_skew_minutes, "clock_skew_minutes", 16),
    )


def _cost_args(cost: PasswordCost) -> Tuple[int, int, int]:
    return (
        _int(cost.memory_kib, "memory_kib", 32),
        _int(cost.iterations, "iterations", 32),
        _int(cost.parallelism, "parallelism", 32),
    )


PathText = Union[str, bytes, os.PathLike]
"""A file path: ``str``, UTF-8 ``bytes`` or a path object (``pathlib.Path``)."""


@contextmanager
def _token_place(module_path: PathText, token_label: Text, pin: Secret,
                 key_label_prefix: Text) -> Iterator[Tuple[object, ...]]:
    """The four token arguments as the C functions take them (pointer, length, …); a PIN given
    as ``str`` or ``memoryview`` is copied into a buffer wiped when the block ends. Neither the
    PIN nor its length is ever put in an exception."""
    path = _utf8(os.fspath(module_path) if isinstance(module_path, os.PathLike) else module_path,
                 "module_path")
    label = _utf8(token_label, "token_label")
    prefix = _utf8(key_label_prefix, "key_label_prefix")
    secret = _Password(pin, "pin")
    try:
        yield (path, len(path), label, len(label), secret.arg, secret.len, prefix, len(prefix))
    finally:
        secret.wipe()


def _import(function, data: Bytes, wrapping_key: Optional[Bytes]) -> c_void_p:
    raw, n = _blob(data, "data")
    key, key_len = _blob(wrapping_key, "wrapping_key")
    out = c_void_p()
    d = ErrorDetails()
    _fail(function(raw, n, key, key_len, byref(out), byref(d)), d)
    return out


class ServerKeyRing(_Handle):
    """The reset server's key ring: one key pair per epoch, rotation, the retired-key grace period.

    Held in this process (:meth:`generate`, :meth:`from_bytes`) or in a PKCS#11 token
    (:meth:`generate_pkcs11`, :meth:`open_pkcs11`, :meth:`copy_to_pkcs11`), with the same API.
    Sealing may run from many threads at once; ``rotate``, the setters and ``close`` wait for
    them (and they for it).
    """

    _free = LIB.olr_server_key_ring_free

    @classmethod
    def generate(cls, policy: Policy = Policy(), password_cost: Optional[PasswordCost] = None) -> "ServerKeyRing":
        """A new ring at epoch 1 with a fresh key pair (default password cost unless given)."""
        out = c_void_p()
        cost = password_cost or PasswordCost()
        _fail(
            LIB.olr_server_key_ring_generate_with_password_cost(
                *_policy_args(policy),
                *_cost_args(cost),
                byref(out),
            )
        )
        return cls(out)

    @classmethod
    def from_bytes(cls, data: Bytes, wrapping_key: Optional[Bytes] = None) -> "ServerKeyRing":
        """Imports an export (with its wrapping key, or None for a plain one)."""
        return cls(_import(LIB.olr_server_key_ring_import, data, wrapping_key))

    @classmethod
    def generate_pkcs11(cls, module_path: PathText, token_label: Text, pin: Secret, key_label_prefix: Text,
                        *, policy: Policy = Policy(),
                        password_cost: Optional[PasswordCost] = None) -> "ServerKeyRing":
        """A new ring whose keys are generated in a PKCS#11 token and never leave it (ABI 2.1).

        Loads the module at ``module_path`` (e.g. ``/usr/lib/softhsm/libsofthsm2.so``), logs in
        to the token labelled ``token_label`` with ``pin`` (``bytes``/``bytearray`` as the token
        takes them, or a ``str`` sent as UTF-8; not kept), and creates epoch 1's key pair, the
        deployment signing key pair and the ring's record under labels starting with
        ``key_label_prefix`` (1 to 64 bytes). Every later change (rotate, prune, setters,
        signing-key rotation) is written to the token; :meth:`export` raises
        :class:`KeysInTokenError` (back up the token). Closing the ring leaves the token objects.

        Raises:
            Pkcs11NotBuiltError: the library was built without the ``pkcs11`` feature.
            TokenModuleNotFoundError, TokenAbsentError, TokenWrongPinError,
            TokenRingExistsError (a ring is already there under that prefix), TokenFailureError,
            MalformedInputError (an empty, too long or control-character prefix),
            InvalidPolicyError.
        """
        out = c_void_p()
        args = (*_policy_args(policy), *_cost_args(password_cost or PasswordCost()))
        with _token_place(module_path, token_label, pin, key_label_prefix) as place:
            _fail(LIB.olr_server_key_ring_generate_pkcs11(*place, *args, byref(out)))
        return cls(out)

    @classmethod
    def open_pkcs11(cls, module_path: PathText, token_label: Text, pin: Secret,
                    key_label_prefix: Text) -> "ServerKeyRing":
        """Opens the ring held in a PKCS#11 token under ``key_label_prefix`` (made by
        :meth:`generate_pkcs11` or :meth:`copy_to_pkcs11`), checking each key against its record.

        Raises:
            TokenKeyMissingError: no ring under that prefix, or one of its keys is missing;
            and the errors of :meth:`generate_pkcs11`.
        """
        out = c_void_p()
        with _token_place(module_path, token_label, pin, key_label_prefix) as place:
            _fail(LIB.olr_server_key_ring_open_pkcs11(*place, byref(out)))
        return cls(out)

    def copy_to_pkcs11(self, module_path: PathText, token_label: Text, pin: Secret,
                       key_label_prefix: Text) -> "ServerKeyRing":
        """Copies this ring's keys into a PKCS#11 token and returns the ring held there (a new
        handle; this one is unchanged): how a deployment moves its keys into an HSM without
        redeploying machines (same keys, same codes). Delete every copy of this ring's export
        afterwards.

        Raises:
            KeysInTokenError: this ring is already held in a token;
            and the errors of :meth:`generate_pkcs11`.
        """
        out = c_void_p()
        with _token_place(module_path, token_label, pin, key_label_prefix) as place:
            with self._shared() as h:
                _fail(LIB.olr_server_key_ring_copy_to_pkcs11(h, *place, byref(out)))
        return type(self)(out)

    @property
    def is_held_in_token(self) -> bool:
        """Whether the ring's keys are held in a PKCS#11 token (then :meth:`export` raises
        :class:`KeysInTokenError`)."""
        out = c_bool()
        with self._shared() as h:
            _fail(LIB.olr_server_key_ring_is_held_in_token(h, byref(out)))
        return bool(out.value)

    def export(self, wrapping_key: Bytes) -> bytearray:
        """The ring as bytes, wrapped under ``wrapping_key`` (:func:`generate_wrapping_key`;
        required: :meth:`export_plain` is the plain form).

        Raises:
            TypeError: no wrapping key.
            KeysInTokenError: the ring is held in a PKCS#11 token (:attr:`is_held_in_token`).
        """
        with self._shared() as h:
            return _export(LIB.olr_server_key_ring_export, h, _required_key(wrapping_key, "ServerKeyRing"))

    def export_plain(self) -> bytearray:
        """The ring as bytes NOT wrapped: its secret keys in the clear. Only for storage the
        platform already protects as a whole, or tests; :meth:`export` wraps.

        Raises:
            KeysInTokenError: the ring is held in a PKCS#11 token (:attr:`is_held_in_token`).
        """
        with self._shared() as h:
            return _export(LIB.olr_server_key_ring_export, h, None)

    def seal_reset_code(
        self,
        identification_code: Union[IdentificationCode, Text],
        account: AccountLike,
        new_password: Secret,
        now: Time,
    ) -> ResetCode:
        """Seals a reset code for the machine, account and new password, issued at ``now``.

        ``account`` carries the user's canonical ``sAMAccountName``, NetBIOS domain name and
        ``objectSid`` bytes as read from the directory (PROTOCOL.md §12.3).
        """
        id_raw = _utf8(str(identification_code) if isinstance(identification_code, IdentificationCode) else identification_code, "identification_code")
        u, d, sid = _account(account)
        now = _now(now)
        pw = _Password(new_password)
        buf = create_string_buffer(RESET_CODE_TEXT_LEN)
        n = c_size_t()
        details = ErrorDetails()
        try:
            with self._shared() as h:
                status = LIB.olr_server_key_ring_seal_reset_code(
                    h, id_raw, len(id_raw), u, len(u), d, len(d), sid, len(sid), pw.arg, pw.len, now,
                    buf, RESET_CODE_TEXT_LEN, byref(n), byref(details),
                )
        finally:
            pw.wipe()
        _fail(status, details)
        code = ResetCode.__new__(ResetCode)
        code._text = buf.raw[: n.value].decode("ascii")
        return code

    def rotate(self, now: Time) -> int:
        """Makes a new generation current, retiring the previous one at ``now``; returns the new epoch."""
        epoch = c_uint16()
        now = _now(now)
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_rotate(h, now, byref(epoch)))
        return epoch.value

    def prune(self, now: Time) -> None:
        """Erases retired generations whose grace period has ended at ``now``."""
        now = _now(now)
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_prune(h, now))

    @property
    def retired_grace_seconds(self) -> int:
        """How long a generation retired from now on still seals codes (seconds)."""
        out = c_uint32()
        with self._shared() as h:
            _fail(LIB.olr_server_key_ring_retired_grace_seconds(h, byref(out)))
        return out.value

    @retired_grace_seconds.setter
    def retired_grace_seconds(self, seconds: int) -> None:
        seconds = _int(seconds, "retired_grace_seconds", 32)
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_set_retired_grace_seconds(h, seconds))

    @property
    def policy(self) -> Policy:
        lifetime, skew = c_uint16(), c_uint16()
        with self._shared() as h:
            _fail(LIB.olr_server_key_ring_policy(h, byref(lifetime), byref(skew)))
        return Policy(lifetime.value, skew.value)

    @policy.setter
    def policy(self, policy: Policy) -> None:
        args = _policy_args(policy)
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_set_policy(h, *args))

    @property
    def attempt_limits(self) -> AttemptLimits:
        """The failed-attempt limits the next deployment package carries (machines learn new
        limits only from a new package: redeploy them)."""
        per_code, per_account = c_uint16(), c_uint16()
        with self._shared() as h:
            _fail(LIB.olr_server_key_ring_attempt_limits(h, byref(per_code), byref(per_account)))
        return AttemptLimits(per_code.value, per_account.value)

    @attempt_limits.setter
    def attempt_limits(self, limits: AttemptLimits) -> None:
        per_code = _int(limits.failed_opens_per_code, "failed_opens_per_code", 16)
        per_account = _int(limits.failed_opens_per_account, "failed_opens_per_account", 16)
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_set_attempt_limits(h, per_code, per_account))

    def begin_signing_key_rotation(self) -> None:
        """Draws the next deployment signing key (OS RNG): packages made from now on are signed
        with the current key and name the next one, which redeployed machines pin. Nothing
        changes when a rotation is already under way."""
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_begin_signing_key_rotation(h))

    def finish_signing_key_rotation(self) -> None:
        """The next signing key signs from now on and the old one is erased. Only after every
        machine took a package made since the rotation began: a machine that did not refuses
        later packages (:class:`PackageSignatureInvalidError`) and must be enrolled afresh.
        Nothing changes when no rotation is under way."""
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_finish_signing_key_rotation(h))

    def password_cost(self, epoch: Optional[int] = None) -> PasswordCost:
        """The password cost of the generation for ``epoch`` (default: the current one)."""
        m, i, p = c_uint32(), c_uint32(), c_uint32()
        if epoch is not None:
            epoch = _int(epoch, "epoch", 16)
        with self._shared() as h:
            if epoch is None:
                e = c_uint16()
                _fail(LIB.olr_server_key_ring_current_epoch(h, byref(e)))
                epoch = e.value
            _fail(LIB.olr_server_key_ring_password_cost(h, epoch, byref(m), byref(i), byref(p)))
        return PasswordCost(m.value, i.value, p.value)

    def set_password_cost(self, cost: PasswordCost) -> None:
        """The password cost of generations made from the next rotation on."""
        args = _cost_args(cost)
        with self._exclusive() as h:
            _fail(LIB.olr_server_key_ring_set_password_cost(h, *args))

    @property
    def current_epoch(self) -> int:
        out = c_uint16()
        with self._shared() as h:
            _fail(LIB.olr_server_key_ring_current_epoch(h, byref(out)))
        return out.value

    @property
    def epochs(self) -> List[int]:
        """The epochs the ring holds, oldest first (the last is current)."""
        arr = (c_uint16 * MAX_GENERATIONS)()
        n = c_size_t()
        with self._shared() as h:
            _fail(LIB.olr_server_key_ring_epochs(h, arr, MAX_GENERATIONS, byref(n)))
        return list(arr[: n.value])

    @property
    def deployment_package(self) -> str:
        """The deployment package text of the current generation (public, signed)."""
        with self._shared() as h:
            return _out_text(LIB.olr_server_key_ring_deployment_package, DEPLOYMENT_PACKAGE_TEXT_LEN, h)


class Machine(_Handle):
    """One enrolled machine (it holds the machine key, wiped on ``close``)."""

    _free = LIB.olr_machine_free

    @classmethod
    def enroll(cls, package: Text) -> "Machine":
        """Enrolls from a deployment package (its text, or the raw bytes of the file) with a fresh
        key pair, pinning the package's signer. Only for a machine with no state yet: later
        packages go through :meth:`redeploy`."""
        raw = _utf8(package, "package")
        out = c_void_p()
        d = ErrorDetails()
        _fail(LIB.olr_machine_enroll(raw, len(raw), byref(out), byref(d)), d)
        return cls(out)

    @classmethod
    def from_bytes(cls, data: Bytes, wrapping_key: Optional[Bytes] = None) -> "Machine":
        return cls(_import(LIB.olr_machine_import, data, wrapping_key))

    def export(self, wrapping_key: Bytes) -> bytearray:
        """The machine state (its private key) as bytes, wrapped under ``wrapping_key``
        (required: :meth:`export_plain` is the plain form).

        Raises:
            TypeError: no wrapping key.
        """
        with self._shared() as h:
            return _export(LIB.olr_machine_export, h, _required_key(wrapping_key, "Machine"))

    def export_plain(self) -> bytearray:
        """The machine state NOT wrapped: its private key in the clear. Only for storage the
        platform already protects as a whole, or tests; :meth:`export` wraps."""
        with self._shared() as h:
            return _export(LIB.olr_machine_export, h, None)

    def redeploy(self, package: Text) -> "Machine":
        """Takes a later deployment package and returns the redeployed machine (a new handle;
        this one is unchanged: persist the new state, then close this one).

        The package must be signed by the key this machine pinned and its epoch must not be
        older. The same epoch keeps the identification code (and the replay ledger); a newer
        epoch enrolls a fresh key pair: a new identification code, and a new ledger.

        Raises:
            PackageSignatureInvalidError, PackageEpochTooOldError, and the package errors of
            :meth:`enroll`.
        """
        raw = _utf8(package, "package")
        out = c_void_p()
        d = ErrorDetails()
        with self._shared() as h:
            _fail(LIB.olr_machine_redeploy(h, raw, len(raw), byref(out), byref(d)), d)
        return type(self)(out)

    @property
    def identification_code(self) -> IdentificationCode:
        with self._shared() as h:
            text = _out_text(LIB.olr_machine_identification_code, IDENTIFICATION_CODE_TEXT_LEN, h)
        code = IdentificationCode.__new__(IdentificationCode)
        code._text = text
        return code

    @property
    def epoch(self) -> int:
        out = c_uint16()
        with self._shared() as h:
            _fail(LIB.olr_machine_epoch(h, byref(out)))
        return out.value

    @property
    def policy(self) -> Policy:
        lifetime, skew = c_uint16(), c_uint16()
        with self._shared() as h:
            _fail(LIB.olr_machine_policy(h, byref(lifetime), byref(skew)))
        return Policy(lifetime.value, skew.value)

    @property
    def password_cost(self) -> PasswordCost:
        m, i, p = c_uint32(), c_uint32(), c_uint32()
        with self._shared() as h:
            _fail(LIB.olr_machine_password_cost(h, byref(m), byref(i), byref(p)))
        return PasswordCost(m.value, i.value, p.value)

    def is_enrolled_with(self, package: Text) -> bool:
        raw = _utf8(package, "package")
        out = c_bool()
        d = ErrorDetails()
        with self._shared() as h:
            _fail(LIB.olr_machine_is_enrolled_with(h, raw, len(raw), byref(out), byref(d)), d)
        return bool(out.value)

    def _open(self, ledger: Optional["ReplayLedger"], code: Union[ResetCode, Text],
              account: AccountLike, new_password: Secret, now: Time) -> AcceptedReset:
        raw = _utf8(str(code) if isinstance(code, ResetCode) else code, "reset_code")
        u, d, sid = _account(account)
        now = _now(now)
        if ledger is not None and not isinstance(ledger, ReplayLedger):
            raise TypeError(f"ledger must be a ReplayLedger, not {type(ledger).__name__}")
        pw = _Password(new_password)
        accepted = AcceptedResetC()
        details = ErrorDetails()
        try:
            with self._shared() as h:
                if ledger is None:
                    status = LIB.olr_machine_open_reset_code_for_diagnostics(
                        h, raw, len(raw), u, len(u), d, len(d), sid, len(sid), pw.arg, pw.len, now,
                        byref(accepted), byref(details),
                    )
                else:
                    with ledger._exclusive() as lh:
                        status = LIB.olr_machine_redeem_reset_code(
                            h, lh, raw, len(raw), u, len(u), d, len(d), sid, len(sid), pw.arg, pw.len, now,
                            byref(accepted), byref(details),
                        )
        finally:
            pw.wipe()
        _fail(status, details)
        return AcceptedReset(accepted.issued_at, accepted.expires_at)

    def open_reset_code_for_diagnostics(self, code: Union[ResetCode, Text], account: AccountLike,
                                        new_password: Secret, now: Time) -> AcceptedReset:
        """Diagnostics only: says whether a reset code would open, counting no attempt and
        recording nothing, so a code checked here still works and guesses are not limited.
        A login integration MUST NOT accept codes with it: use :meth:`redeem_reset_code`."""
        return self._open(None, code, account, new_password, now)

    def redeem_reset_code(self, ledger: "ReplayLedger", code: Union[ResetCode, Text],
                          account: AccountLike, new_password: Secret, now: Time) -> AcceptedReset:
        """Redeems a typed reset code for the cached account (its username, offline domain and
        SID) against ``ledger`` (PROTOCOL.md §9.7): the only call a login integration may act on.

        The ledger changes whatever the answer (attempts are counted before it is given), so
        persist ``ledger`` after EVERY call, success or exception, before showing the answer or
        acting on it; if persisting fails, refuse the reset. Only when this returns (no
        exception) and the ledger is persisted may the cached credentials be updated.

        Raises:
            MistypedError, RejectedError, ExpiredError, NotYetValidError, AlreadyUsedError,
            SupersededError, TooManyAttemptsError, ClockSetBackError, LedgerFullError,
            LedgerOfAnotherMachineError, CodeBeforeRotationError, RedeployNeededError,
            InvalidSidError, OutOfMemoryError, … (one class per status).
        """
        if not isinstance(ledger, ReplayLedger):
            raise TypeError(f"ledger must be a ReplayLedger, not {type(ledger).__name__}")
        return self._open(ledger, code, account, new_password, now)


class ReplayLedger(_Handle):
    """A machine's replay ledger (PROTOCOL.md §9.7), bound to one enrollment: each reset code
    works once, a newer code retires older ones of the same account, failed attempts are limited
    per code and per account, and a clock set back is refused. Keep one per enrollment and
    persist it (:meth:`export`) after every :meth:`Machine.redeem_reset_code`, whatever its
    answer."""

    _free = LIB.olr_replay_ledger_free

    def __init__(self, machine: Machine) -> None:
        """A new, empty ledger for ``machine`` (generation 0)."""
        if not isinstance(machine, Machine):
            raise TypeError(f"machine must be a Machine, not {type(machine).__name__}")
        handle = c_void_p()
        with machine._shared() as mh:
            _fail(LIB.olr_replay_ledger_new(mh, byref(handle)))
        super().__init__(handle)

    @classmethod
    def from_bytes(cls, data: Bytes, wrapping_key: Optional[Bytes] = None, *, machine: Machine,
                   minimum_generation: int = 0) -> "ReplayLedger":
        """Reads a ledger exported for ``machine`` (with its wrapping key, or None for a plain
        one). Pass as ``minimum_generation`` the generation kept where it cannot be rolled back
        with the file (0: no such store).

        Raises:
            LedgerOfAnotherMachineError: another machine's, or an earlier enrollment's.
            LedgerRolledBackError: its generation is below ``minimum_generation``.
            and the errors of :meth:`Machine.from_bytes`. Never replace a ledger that cannot
            be read by a new one silently: refuse resets until an administrator acts.
        """
        if not isinstance(machine, Machine):
            raise TypeError(f"machine must be a Machine, not {type(machine).__name__}")
        minimum = _int(minimum_generation, "minimum_generation", 64)
        raw, n = _blob(data, "data")
        key, key_len = _blob(wrapping_key, "wrapping_key")
        out = c_void_p()
        d = ErrorDetails()
        with machine._shared() as mh:
            _fail(LIB.olr_replay_ledger_import(raw, n, key, key_len, mh, minimum, byref(out), byref(d)), d)
        ledger = cls.__new__(cls)
        _Handle.__init__(ledger, out)
        return ledger

    def export(self, wrapping_key: Bytes) -> bytearray:
        """The ledger as bytes, wrapped (encrypted and authenticated) under ``wrapping_key``
        (required: :meth:`export_plain` is the plain form).

        Raises:
            TypeError: no wrapping key.
        """
        with self._shared() as h:
            return _export(LIB.olr_replay_ledger_export, h, _required_key(wrapping_key, "ReplayLedger"))

    def export_plain(self) -> bytearray:
        """The ledger NOT wrapped (readable and, without a monotonic counter, replaceable). Only
        for storage the platform already protects, or tests; :meth:`export` wraps."""
        with self._shared() as h:
            return _export(LIB.olr_replay_ledger_export, h, None)

    def _counts(self) -> Tuple[int, int]:
        accounts, codes = c_size_t(), c_size_t()
        with self._shared() as h:
            _fail(LIB.olr_replay_ledger_counts(h, byref(accounts), byref(codes)))
        return accounts.value, codes.value

    @property
    def account_count(self) -> int:
        """Account records held (at most :data:`MAX_LEDGER_ACCOUNTS`)."""
        return self._counts()[0]

    @property
    def code_count(self) -> int:
        """Code records (codes with failed attempts) held (at most :data:`MAX_LEDGER_CODES`)."""
        return self._counts()[1]

    @property
    def generation(self) -> int:
        """Increased by one at every redeem that passed the clock check. After persisting the
        ledger, raise a store that cannot be rolled back with the file (a TPM NV counter, a
        registry value only SYSTEM writes) to it, and pass it to :meth:`from_bytes` as
        ``minimum_generation``."""
        out = c_uint64()
        with self._shared() as h:
            _fail(LIB.olr_replay_ledger_generation(h, byref(out)))
        return out.value

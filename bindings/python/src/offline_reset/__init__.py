"""offline-reset: offline Windows domain-password reset (Python binding of the C ABI).

A reset server seals a :class:`ResetCode` for a machine's :class:`IdentificationCode`, an
:class:`Account` and a new password with its :class:`ServerKeyRing`; the :class:`Machine` opens
it offline with :meth:`Machine.redeem_reset_code`, which counts the attempt and records the
code in the machine's :class:`ReplayLedger` (persist the ledger after every redeem). Every failure raises an
:class:`OfflineResetError` subclass (see :mod:`offline_reset.errors`).
"""

from ._core import (
    DEPLOYMENT_PACKAGE_TEXT_LEN,
    IDENTIFICATION_CODE_TEXT_LEN,
    IDENTIFICATION_URI_MAX_LEN,
    MAX_GENERATIONS,
    MAX_LEDGER_ACCOUNTS,
    MAX_LEDGER_CODES,
    MAX_NAME_LEN,
    MAX_PASSWORD_LEN,
    MAX_PORTAL_URL_LEN,
    MAX_SID_LEN,
    MIN_SID_LEN,
    PACKAGE_FINGERPRINT_LEN,
    QR_MAX_WIDTH,
    QR_QUIET_ZONE,
    RESET_CODE_TEXT_LEN,
    SPELLING_MAX_LEN,
    WRAPPING_KEY_LEN,
    AcceptedReset,
    Account,
    AttemptLimits,
    DeploymentPackageInfo,
    GroupState,
    IdentificationCode,
    Machine,
    NameProblem,
    PasswordCost,
    Policy,
    QrSymbol,
    ReplayLedger,
    ResetCode,
    ServerKeyRing,
    TypingProgress,
    abi_version,
    check_deployment_package,
    default_offline_domain,
    deployment_package_fingerprint,
    generate_wrapping_key,
    name_problem,
    normalize_names,
    protocol_version,
    spell_code,
    status_message,
    status_name,
    version,
)
from ._native import ABI_VERSION, library_path
from .errors import *  # noqa: F401,F403  (the exception classes and Status)
from .errors import ERROR_CLASSES, OfflineResetError, Status, error_class

__version__ = "0.1.0"

__all__ = [
    "ABI_VERSION", "DEPLOYMENT_PACKAGE_TEXT_LEN", "ERROR_CLASSES", "IDENTIFICATION_CODE_TEXT_LEN",
    "MAX_GENERATIONS", "MAX_LEDGER_ACCOUNTS", "MAX_LEDGER_CODES", "MAX_NAME_LEN", "MAX_PASSWORD_LEN",
    "MAX_SID_LEN", "MIN_SID_LEN", "PACKAGE_FINGERPRINT_LEN", "RESET_CODE_TEXT_LEN", "SPELLING_MAX_LEN",
    "WRAPPING_KEY_LEN", "AcceptedReset", "Account", "AttemptLimits", "DeploymentPackageInfo",
    "IdentificationCode", "IDENTIFICATION_URI_MAX_LEN", "MAX_PORTAL_URL_LEN", "QR_MAX_WIDTH", "QR_QUIET_ZONE",
    "GroupState", "QrSymbol", "TypingProgress", "status_name",
    "Machine", "NameProblem", "OfflineResetError", "PasswordCost", "Policy", "ReplayLedger",
    "ResetCode", "ServerKeyRing", "Status", "abi_version", "check_deployment_package",
    "default_offline_domain", "deployment_package_fingerprint", "error_class", "generate_wrapping_key", "library_path", "name_problem",
    "normalize_names", "protocol_version", "spell_code", "status_message", "version",
] + [cls.__name__ for cls in ERROR_CLASSES.values()]

"""Finding and loading the native library, and the C prototypes (the only place ctypes is used).

The prototypes below are checked against ``include/offline_reset.h`` by
``tests/test_header.py``: every function, parameter and return type.
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys
from ctypes import POINTER, c_bool, c_char_p, c_int64, c_size_t, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p
from typing import Dict, List, Optional, Tuple

#: The C ABI version this binding is written against (``OLR_ABI_VERSION``: major << 16 | minor).
ABI_VERSION = (2 << 16) | 1

#: Environment variable naming an explicit native library to load instead of the packaged one.
LIBRARY_ENV = "OFFLINE_RESET_LIBRARY"


class ErrorDetails(ctypes.Structure):
    """``olr_error_details``: the variable parts of a failure."""

    _fields_ = [
        ("code_epoch", c_uint16),
        ("current_epoch", c_uint16),
        ("mistyped_group", c_uint8),
        ("found_version", c_uint8),
        ("reserved", c_uint8 * 10),
    ]


class AcceptedResetC(ctypes.Structure):
    """``olr_accepted_reset``."""

    _fields_ = [("issued_at", c_int64), ("expires_at", c_int64)]


class TypingProgressC(ctypes.Structure):
    """``olr_typing_progress`` (32 bytes)."""

    _fields_ = [
        ("groups", c_uint8 * 8),
        ("group_count", c_uint8),
        ("complete", c_bool),
        ("too_long", c_bool),
        ("whole_code_ok", c_bool),
        ("ready", c_bool),
        ("has_unsupported_version", c_bool),
        ("unsupported_version", c_uint8),
        ("first_wrong_group", c_uint8),
        ("symbols_typed", c_uint32),
        ("symbols_expected", c_uint16),
        ("reserved", c_uint8 * 10),
    ]


assert ctypes.sizeof(TypingProgressC) == 32

_status = c_uint32
_details = POINTER(ErrorDetails)
_handle = c_void_p  # const olr_x * / olr_x *
_handle_out = POINTER(c_void_p)  # olr_x **
_size_out = POINTER(c_size_t)
_u16_out = POINTER(c_uint16)
_u32_out = POINTER(c_uint32)
_u64_out = POINTER(c_uint64)
_text = c_char_p  # const char *, char * out, const uint8_t *, uint8_t * out

#: name -> (return type, parameter types), in header order.
PROTOTYPES: Dict[str, Tuple[object, List[object]]] = {
    "olr_status_message": (c_char_p, [c_uint32]),
    "olr_status_name": (c_char_p, [c_uint32]),
    "olr_version": (c_char_p, []),
    "olr_version_number": (c_uint32, []),
    "olr_abi_version": (c_uint32, []),
    "olr_abi_is_compatible": (c_bool, [c_uint32]),
    "olr_protocol_version": (c_uint8, []),
    "olr_identification_code_text_len": (c_size_t, []),
    "olr_reset_code_text_len": (c_size_t, []),
    "olr_deployment_package_text_len": (c_size_t, []),
    "olr_wrapping_key_len": (c_size_t, []),
    "olr_machine_state_max_len": (c_size_t, []),
    "olr_server_key_ring_max_len": (c_size_t, []),
    "olr_max_ledger_accounts": (c_size_t, []),
    "olr_max_ledger_codes": (c_size_t, []),
    "olr_replay_ledger_max_len": (c_size_t, []),
    "olr_max_generations": (c_size_t, []),
    "olr_max_name_len": (c_size_t, []),
    "olr_max_password_len": (c_size_t, []),
    "olr_max_input_len": (c_size_t, []),
    "olr_identification_code_check": (_status, [_text, c_size_t, _text, c_size_t, _size_out, _details]),
    "olr_reset_code_check": (_status, [_text, c_size_t, _text, c_size_t, _size_out, _details]),
    "olr_identification_code_progress": (_status, [_text, c_size_t, POINTER(TypingProgressC)]),
    "olr_reset_code_progress": (_status, [_text, c_size_t, POINTER(TypingProgressC)]),
    "olr_default_offline_domain": (_status, [_text, c_size_t, _text, c_size_t, _size_out]),
    "olr_account_check": (_status, [_text, c_size_t, _text, c_size_t, _text, c_size_t]),
    "olr_deployment_package_check": (_status, [_text, c_size_t, _u16_out, _u16_out, _u16_out, _details]),
    "olr_wrapping_key_generate": (_status, [_text, c_size_t, _size_out]),
    "olr_deployment_package_fingerprint": (_status, [_text, c_size_t, _text, c_size_t, _size_out, _details]),
    "olr_account_normalize": (
        _status,
        [_text, c_size_t, _text, c_size_t, _text, c_size_t, _size_out, _text, c_size_t, _size_out, _details],
    ),
    "olr_identification_code_uri": (_status, [_text, c_size_t, _text, c_size_t, _text, c_size_t, _size_out, _details]),
    "olr_identification_code_qr": (
        _status,
        [_text, c_size_t, _text, c_size_t, _text, c_size_t, _size_out, _size_out, _details],
    ),
    "olr_identification_code_parse_uri_or_code": (_status, [_text, c_size_t, _text, c_size_t, _size_out, _details]),
    "olr_spell_code": (_status, [_text, c_size_t, _text, c_size_t, _text, c_size_t, _size_out, _details]),
    "olr_name_problem": (_status, [_text, c_size_t, _u32_out]),
    "olr_name_problem_hint": (c_char_p, [c_uint32]),
    "olr_server_key_ring_generate": (_status, [c_uint16, c_uint16, _handle_out]),
    "olr_server_key_ring_free": (None, [_handle]),
    "olr_server_key_ring_rotate": (_status, [_handle, c_int64, _u16_out]),
    "olr_server_key_ring_set_retired_grace_seconds": (_status, [_handle, c_uint32]),
    "olr_server_key_ring_retired_grace_seconds": (_status, [_handle, _u32_out]),
    "olr_server_key_ring_set_policy": (_status, [_handle, c_uint16, c_uint16]),
    "olr_server_key_ring_policy": (_status, [_handle, _u16_out, _u16_out]),
    "olr_server_key_ring_current_epoch": (_status, [_handle, _u16_out]),
    "olr_server_key_ring_epochs": (_status, [_handle, _u16_out, c_size_t, _size_out]),
    "olr_server_key_ring_deployment_package": (_status, [_handle, _text, c_size_t, _size_out]),
    "olr_server_key_ring_seal_reset_code": (
        _status,
        [_handle, _text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t,
         c_int64, _text, c_size_t, _size_out, _details],
    ),
    "olr_server_key_ring_export": (_status, [_handle, _text, c_size_t, _text, c_size_t, _size_out]),
    "olr_server_key_ring_import": (_status, [_text, c_size_t, _text, c_size_t, _handle_out, _details]),
    "olr_server_key_ring_generate_with_password_cost": (
        _status,
        [c_uint16, c_uint16, c_uint32, c_uint32, c_uint32, _handle_out],
    ),
    "olr_server_key_ring_set_password_cost": (_status, [_handle, c_uint32, c_uint32, c_uint32]),
    "olr_server_key_ring_password_cost": (_status, [_handle, c_uint16, _u32_out, _u32_out, _u32_out]),
    "olr_server_key_ring_prune": (_status, [_handle, c_int64]),
    "olr_server_key_ring_set_attempt_limits": (_status, [_handle, c_uint16, c_uint16]),
    "olr_server_key_ring_attempt_limits": (_status, [_handle, _u16_out, _u16_out]),
    "olr_server_key_ring_begin_signing_key_rotation": (_status, [_handle]),
    "olr_server_key_ring_finish_signing_key_rotation": (_status, [_handle]),
    "olr_server_key_ring_generate_pkcs11": (
        _status,
        [_text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t,
         c_uint16, c_uint16, c_uint32, c_uint32, c_uint32, _handle_out],
    ),
    "olr_server_key_ring_open_pkcs11": (
        _status,
        [_text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t, _handle_out],
    ),
    "olr_server_key_ring_copy_to_pkcs11": (
        _status,
        [_handle, _text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t, _handle_out],
    ),
    "olr_server_key_ring_is_held_in_token": (_status, [_handle, POINTER(c_bool)]),
    "olr_machine_enroll": (_status, [_text, c_size_t, _handle_out, _details]),
    "olr_machine_redeploy": (_status, [_handle, _text, c_size_t, _handle_out, _details]),
    "olr_machine_free": (None, [_handle]),
    "olr_machine_identification_code": (_status, [_handle, _text, c_size_t, _size_out]),
    "olr_machine_epoch": (_status, [_handle, _u16_out]),
    "olr_machine_policy": (_status, [_handle, _u16_out, _u16_out]),
    "olr_machine_is_enrolled_with": (_status, [_handle, _text, c_size_t, POINTER(c_bool), _details]),
    "olr_machine_open_reset_code_for_diagnostics": (
        _status,
        [_handle, _text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t,
         c_int64, POINTER(AcceptedResetC), _details],
    ),
    "olr_machine_export": (_status, [_handle, _text, c_size_t, _text, c_size_t, _size_out]),
    "olr_machine_import": (_status, [_text, c_size_t, _text, c_size_t, _handle_out, _details]),
    "olr_machine_password_cost": (_status, [_handle, _u32_out, _u32_out, _u32_out]),
    "olr_replay_ledger_new": (_status, [_handle, _handle_out]),
    "olr_replay_ledger_free": (None, [_handle]),
    "olr_replay_ledger_counts": (_status, [_handle, _size_out, _size_out]),
    "olr_replay_ledger_generation": (_status, [_handle, _u64_out]),
    "olr_replay_ledger_export": (_status, [_handle, _text, c_size_t, _text, c_size_t, _size_out]),
    "olr_replay_ledger_import": (
        _status,
        [_text, c_size_t, _text, c_size_t, _handle, c_uint64, _handle_out, _details],
    ),
    "olr_machine_redeem_reset_code": (
        _status,
        [_handle, _handle, _text, c_size_t, _text, c_size_t, _text, c_size_t, _text, c_size_t,
         _text, c_size_t, c_int64, POINTER(AcceptedResetC), _details],
    ),
}


def _library_name() -> str:
    if sys.platform == "win32":
        return "offline_reset.dll"
    if sys.platform == "darwin":
        return "liboffline_reset.dylib"
    return "liboffline_reset.so"


def library_path() -> str:
    """The native library this process loads: ``$OFFLINE_RESET_LIBRARY`` when set, else the one
    packaged inside this package (``_liboffline_reset*``)."""
    explicit = os.environ.get(LIBRARY_ENV)
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    found = sorted(glob.glob(os.path.join(here, "_liboffline_reset*")))
    found = [p for p in found if not p.endswith((".py", ".pyi", ".pyc"))]
    if not found:
        raise ImportError(
            f"offline_reset: the native library is not packaged in {here}; install the package "
            f"with pip (which builds it) or set {LIBRARY_ENV} to the path of {_library_name()}"
        )
    return found[0]


def load(path: Optional[str] = None) -> ctypes.CDLL:
    """Loads the library, checks ``olr_abi_is_compatible(ABI_VERSION)``, and declares every
    prototype. Raises ``ImportError`` when the library is missing or incompatible."""
    path = path or library_path()
    lib = ctypes.CDLL(path)  # CDLL releases the GIL around every call
    lib.olr_abi_is_compatible.restype = c_bool
    lib.olr_abi_is_compatible.argtypes = [c_uint32]
    lib.olr_abi_version.restype = c_uint32
    lib.olr_abi_version.argtypes = []
    if not lib.olr_abi_is_compatible(ABI_VERSION):
        found = lib.olr_abi_version()
        raise ImportError(
            f"offline_reset: {path} has C ABI {found >> 16}.{found & 0xFFFF}; this binding needs "
            f"{ABI_VERSION >> 16}.{ABI_VERSION & 0xFFFF} or a later minor version of the same major"
        )
    for name, (restype, argtypes) in PROTOTYPES.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


LIB = load()

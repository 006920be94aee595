"""The binding's status list and prototypes are the header's (include/offline_reset.h)."""

import ctypes
import re

import offline_reset as olr
from offline_reset import _native


def header(repo):
    return (repo / "include/offline_reset.h").read_text(encoding="utf-8")


def test_status_enum_is_the_headers(repo):
    found = {m[0]: int(m[1]) for m in re.findall(r"^\s*OLR_(\w+) = (\d+),", header(repo), re.M)}
    # The header's other enums (name problems, typing-progress group states) are not statuses.
    statuses = {k: v for k, v in found.items() if not k.startswith(("NAME_PROBLEM_", "GROUP_"))}
    assert statuses == {s.name: int(s) for s in olr.Status}
    problems = {k[len("NAME_PROBLEM_"):]: v for k, v in found.items() if k.startswith("NAME_PROBLEM_")}
    assert problems == {p.name: int(p) for p in olr.NameProblem}
    groups = {k[len("GROUP_"):]: v for k, v in found.items() if k.startswith("GROUP_")}
    assert groups == {g.name: int(g) for g in olr.GroupState}
    # Every failing status has its own exception class, named after it.
    for status in olr.Status:
        if status != olr.Status.OK:
            cls = olr.error_class(status)
            assert cls is not olr.OfflineResetError
            assert cls.__name__.lower().replace("_", "") == (status.name.replace("_", "") + "error").lower()


C_TYPES = {
    "uint64_t": ctypes.c_uint64, "uint32_t": ctypes.c_uint32, "uint16_t": ctypes.c_uint16, "uint8_t": ctypes.c_uint8,
    "int64_t": ctypes.c_int64, "size_t": ctypes.c_size_t, "bool": ctypes.c_bool, "olr_status": ctypes.c_uint32,
}


def expected_ctype(c):
    c = " ".join(c.replace("const ", "").replace("struct ", "").split())
    if c in ("char *", "uint8_t *"):
        return ctypes.c_char_p
    if c.endswith("**"):
        return ctypes.POINTER(ctypes.c_void_p)
    if c in ("olr_server_key_ring *", "olr_machine *", "olr_replay_ledger *"):
        return ctypes.c_void_p
    if c == "olr_error_details *":
        return ctypes.POINTER(_native.ErrorDetails)
    if c == "olr_typing_progress *":
        return ctypes.POINTER(_native.TypingProgressC)
    if c == "olr_accepted_reset *":
        return ctypes.POINTER(_native.AcceptedResetC)
    if c == "olr_name_problem_code *":
        return ctypes.POINTER(ctypes.c_uint32)
    if c.endswith("*"):
        return ctypes.POINTER(C_TYPES[c[:-1].strip()])
    if c == "void":
        return None
    return C_TYPES[c]


def test_prototypes_are_the_headers(repo):
    text = re.sub(r"#if defined\(OLR_TEST_HOOKS\).*?#endif", "", header(repo), flags=re.S)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    protos = re.findall(r"^(?:OLR_MUST_USE\s+)?([\w ]+?\**)\s*(olr_\w+)\(([^)]*)\);", text, re.M | re.S)
    # Every function is declared by the binding, except these, listed so that a new export
    # fails here until it is wrapped or added to this list on purpose:
    not_wrapped = {
        # The NUL-terminated sizes (`*_TEXT_LEN + 1`) are for C callers that want a C string;
        # the binding passes lengths and returns Python str, so the lengths are what it uses.
        "olr_identification_code_text_size", "olr_reset_code_text_size",
        "olr_deployment_package_text_size",
        # The UTF-16 twins are for the Windows login screen (LSA strings are UTF-16); Python
        # passes the same text as UTF-8 to their UTF-8 twins, which it wraps.
        "olr_machine_redeem_reset_code_utf16", "olr_machine_open_reset_code_for_diagnostics_utf16",
        "olr_reset_code_check_utf16", "olr_reset_code_progress_utf16", "olr_account_check_utf16",
        "olr_name_problem_utf16", "olr_account_normalize_utf16",
    }
    assert all(n.endswith(("_text_size", "_utf16")) for n in not_wrapped)
    names = {p[1] for p in protos}
    assert names - not_wrapped == set(_native.PROTOTYPES), sorted((names - not_wrapped) ^ set(_native.PROTOTYPES))
    for ret, name, params in protos:
        if name in not_wrapped:
            continue
        restype, argtypes = _native.PROTOTYPES[name]
        ret = ret.strip()
        assert restype == (ctypes.c_char_p if ret == "const char *" else expected_ctype(ret)), name
        params = [] if params.strip() == "void" else [p.strip() for p in params.split(",")]
        types = [re.sub(r"\s*\b\w+$", "", p) for p in params]
        types = [t if t.endswith("*") else t for t in types]
        assert [expected_ctype(t) for t in types] == argtypes, name


def defines(repo):
    return {m[0]: int(m[1]) for m in re.findall(r"^#define OLR_(\w+) (\d+)$", header(repo), re.M)}


def test_constants_are_the_headers(repo):
    d = defines(repo)
    assert olr.ABI_VERSION == (d["ABI_VERSION_MAJOR"] << 16) | d["ABI_VERSION_MINOR"] == (2 << 16) | 1
    for name in ("IDENTIFICATION_CODE_TEXT_LEN", "RESET_CODE_TEXT_LEN", "DEPLOYMENT_PACKAGE_TEXT_LEN",
                 "WRAPPING_KEY_LEN", "MAX_NAME_LEN", "MAX_PASSWORD_LEN", "MAX_GENERATIONS",
                 "MAX_LEDGER_ACCOUNTS", "MAX_LEDGER_CODES", "MIN_SID_LEN", "MAX_SID_LEN",
                 "PACKAGE_FINGERPRINT_LEN", "SPELLING_MAX_LEN", "MAX_PORTAL_URL_LEN",
                 "IDENTIFICATION_URI_MAX_LEN", "QR_QUIET_ZONE", "QR_MAX_WIDTH"):
        assert getattr(olr, name) == d[name], name
    assert "MAX_LEDGER_ENTRIES" not in d and not hasattr(olr, "MAX_LEDGER_ENTRIES")
    assert olr.PasswordCost.minimum() == olr.PasswordCost(d["MIN_PASSWORD_MEMORY_KIB"], d["MIN_PASSWORD_ITERATIONS"], 1)


def test_typing_progress_struct_is_the_headers(repo):
    """``olr_typing_progress``: the fields in the header's order, 32 bytes."""
    text = re.sub(r"/\*.*?\*/", "", header(repo), flags=re.S)
    body = re.search(r"typedef struct olr_typing_progress \{(.*?)\} olr_typing_progress;", text, re.S).group(1)
    fields = re.findall(r"^\s*([\w ]+?)\s+(\w+)(?:\[(\d+)\])?;", body, re.M)
    assert [f[1] for f in fields] == [f[0] for f in _native.TypingProgressC._fields_]
    sizes = {"olr_group_state": 1, "uint8_t": 1, "bool": 1, "uint16_t": 2, "uint32_t": 4}
    for (ctype, name, count), (_, field) in zip(fields, _native.TypingProgressC._fields_):
        assert ctypes.sizeof(field) == sizes[ctype] * int(count or 1), name
    assert ctypes.sizeof(_native.TypingProgressC) == 32


def test_abi_is_checked_at_load(monkeypatch, tmp_path):
    assert olr.ABI_VERSION == (2 << 16) | 1 == olr.abi_version()
    # Another major version (older or newer), or a newer minor version than the library's.
    for wanted in ((1 << 16) | 1, (3 << 16), (2 << 16) | 2):
        monkeypatch.setattr(_native, "ABI_VERSION", wanted)
        try:
            _native.load(olr.library_path())
        except ImportError as e:
            assert "C ABI 2.1" in str(e) and f"needs {wanted >> 16}.{wanted & 0xFFFF}" in str(e)
        else:
            raise AssertionError(f"ABI {wanted:#x} loads")
    monkeypatch.setenv(_native.LIBRARY_ENV, str(tmp_path / "missing.so"))
    assert _native.library_path() == str(tmp_path / "missing.so")

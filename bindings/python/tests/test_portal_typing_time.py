"""The portal and typing aids (URI, QR, typing progress, status names), time as datetime, and
exports that wrap unless asked not to."""

import datetime
import json
import shutil
import subprocess

import pytest

import offline_reset as olr
from conftest import NOW, SID

UTC = datetime.timezone.utc


def vectors(repo, name):
    return json.loads((repo / "tests/vectors" / name).read_text(encoding="utf-8"))


def test_identification_uri_follows_the_vectors(repo):
    uri = vectors(repo, "identification_uri.json")
    code = olr.IdentificationCode(uri["code"])
    assert uri["uris"]
    for case in uri["uris"]:
        if "ok" in case["result"]:
            written = code.uri(case["base_url"])
            assert written == case["result"]["ok"], case
            assert len(written) <= olr.IDENTIFICATION_URI_MAX_LEN
            # And the portal reads it back.
            assert olr.IdentificationCode.from_uri_or_code(written) == code
        else:
            with pytest.raises(olr.error_class(case["result"]["error"]["code"])):
                code.uri(case["base_url"])
    # The longest base the header allows, and one byte more.
    base = "https://reset.example.com/" + "a" * (olr.MAX_PORTAL_URL_LEN - len("https://reset.example.com/"))
    assert len(code.uri(base)) == olr.IDENTIFICATION_URI_MAX_LEN
    with pytest.raises(olr.MalformedInputError):
        code.uri(base + "a")


def _finder_at(qr, x0, y0):
    """The 7x7 finder pattern: dark ring, light ring, dark 3x3 core."""
    for y in range(7):
        for x in range(7):
            ring = max(abs(x - 3), abs(y - 3))
            assert qr.is_dark(x0 + x, y0 + y) == (ring != 2), (x0, y0, x, y)


def test_identification_qr_is_a_qr_symbol_of_the_uri(repo, tmp_path):
    uri = vectors(repo, "identification_uri.json")
    code = olr.IdentificationCode(uri["code"])
    base = uri["uris"][0]["base_url"]
    qr = code.qr(base)
    quiet = olr.QR_QUIET_ZONE
    version = (qr.width - 2 * quiet - 17) // 4
    assert qr.width == 17 + 4 * version + 2 * quiet and 1 <= version and qr.width <= olr.QR_MAX_WIDTH
    assert 1 <= version <= 40
    assert len(qr.modules) == qr.width ** 2 and set(qr.modules) == {0, 1}
    assert len(qr.rows) == qr.width and all(len(r) == qr.width for r in qr.rows)
    inner = qr.width - quiet
    for i in range(qr.width):
        for edge in (i, quiet - 1 - (i % quiet)), (quiet - 1 - (i % quiet), i), (i, inner + i % quiet), (inner + i % quiet, i):
            assert not qr.is_dark(*edge), edge  # the quiet zone is light
    for x0, y0 in ((quiet, quiet), (inner - 7, quiet), (quiet, inner - 7)):
        _finder_at(qr, x0, y0)
    with pytest.raises(IndexError):
        qr.is_dark(qr.width, 0)
    with pytest.raises(olr.MalformedInputError):
        code.qr("http://reset.example.com/portal")
    # A real decoder reads the URI back, when one is installed (zbar-tools).
    if shutil.which("zbarimg"):
        scale = 4
        pgm = tmp_path / "qr.pgm"
        pixels = bytearray()
        for row in qr.rows:
            line = bytes(0 if m else 255 for m in row for _ in range(scale))
            pixels += line * scale
        pgm.write_bytes(b"P5 %d %d 255\n" % (qr.width * scale, qr.width * scale) + bytes(pixels))
        out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(pgm)],
                             capture_output=True, text=True)
        assert out.stdout.strip() == code.uri(base)


@pytest.mark.parametrize("kind,file,groups,symbols", [
    (olr.IdentificationCode, "identification_code.json", 8, 64),
    (olr.ResetCode, "reset_code.json", 6, 44),
])
def test_typing_progress_agrees_with_the_parse_vectors(repo, kind, file, groups, symbols):
    cases = vectors(repo, file)["parse"]
    assert cases
    for case in cases:
        p = kind.progress(case["input"])
        assert len(p.groups) == groups and p.symbols_expected == symbols, case
        assert all(isinstance(g, olr.GroupState) for g in p.groups)
        if "ok" in case["result"]:
            assert p.ready and p.whole_code_ok and p.complete and not p.too_long, case
            assert p.groups == (olr.GroupState.VALID,) * groups and p.first_wrong_group == 0
            assert p.symbols_typed == symbols and p.unsupported_version is None
        else:
            assert not p.ready, case
            error = case["result"]["error"]
            if error["name"] == "Mistyped" and error.get("group"):
                # A group that fails its own check is the first wrong one.
                assert p.first_wrong_group == error["group"], case
                assert p.groups[error["group"] - 1] in (olr.GroupState.MISTYPED, olr.GroupState.NOT_A_SYMBOL)
            if error["name"] == "UnsupportedVersion":
                assert p.unsupported_version is not None and p.unsupported_version != olr.protocol_version()


def test_typing_progress_while_typing():
    text = "100QKG24-BDN4YRWC-GG93WPMD-5JXRNXV6-3ATFM5VK-XY66Y2BB-1Z2YJMRX-5THHWQ7Q"
    assert olr.IdentificationCode.progress("") == olr.TypingProgress(
        groups=(olr.GroupState.EMPTY,) * 8, complete=False, too_long=False, whole_code_ok=False,
        ready=False, unsupported_version=None, first_wrong_group=0, symbols_typed=0, symbols_expected=64)
    p = olr.IdentificationCode.progress(text[:12].lower())
    assert p.groups[:3] == (olr.GroupState.VALID, olr.GroupState.INCOMPLETE, olr.GroupState.EMPTY)
    assert p.symbols_typed == 11 and not p.complete
    p = olr.IdentificationCode.progress(text + "7")
    assert p.too_long and not p.ready
    p = olr.IdentificationCode.progress("100QKG24-BDN4YRU")
    assert p.groups[1] == olr.GroupState.NOT_A_SYMBOL and p.first_wrong_group == 2
    assert olr.IdentificationCode.progress(text.encode()).ready  # bytes too
    with pytest.raises(olr.InvalidUtf8Error):
        olr.ResetCode.progress("\ud800")
    with pytest.raises(TypeError):
        olr.ResetCode.progress(44)


def test_status_names_are_the_headers(repo):
    text = (repo / "include/offline_reset.h").read_text(encoding="utf-8")
    for status in olr.Status:
        assert olr.status_name(status) == "OLR_" + status.name
        assert f"OLR_{status.name} = {int(status)}," in text
    assert olr.status_name(9999) == olr.status_name(-1) == "OLR_UNKNOWN_STATUS"


def test_code_check_reuses_nothing_between_results():
    """The per-thread output buffers: a failure after a success does not leak the old text,
    and each thread gets its own buffers."""
    import threading

    good = "100QKG24-BDN4YRWC-GG93WPMD-5JXRNXV6-3ATFM5VK-XY66Y2BB-1Z2YJMRX-5THHWQ7Q"
    assert str(olr.IdentificationCode(good)) == good
    with pytest.raises(olr.MistypedError) as e:
        olr.IdentificationCode(good.replace("BDN4", "BDN5"))
    assert e.value.group == 2
    reset = olr.ResetCode("100y09vg-m9z4bqej-e1pc4yg3-fcen1hcw-tgrdmmr9-dw3v")
    assert str(reset) == "100Y09VG-M9Z4BQEJ-E1PC4YG3-FCEN1HCW-TGRDMMR9-DW3V"
    assert str(olr.IdentificationCode(good.lower())) == good  # the reset code's shorter text left no trace
    errors = []

    def worker(text, expected):
        try:
            for _ in range(2000):
                assert str(type(expected)(text)) == str(expected)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(good.lower(), olr.IdentificationCode(good))),
               threading.Thread(target=worker, args=(str(reset).lower(), reset))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # The hot path's argtypes-free pointers are the declared functions, with their restype.
    import ctypes

    from offline_reset import _core, _native
    for cls, name in ((olr.IdentificationCode, "olr_identification_code_check"), (olr.ResetCode, "olr_reset_code_check")):
        declared = getattr(_native.LIB, name)
        assert ctypes.cast(cls._check_bare, ctypes.c_void_p).value == ctypes.cast(declared, ctypes.c_void_p).value
        assert cls._check_bare.restype is declared.restype is _native.PROTOTYPES[name][0]
        assert cls._check_bare.argtypes is None and cls._cap.value == cls._len
    # The length goes as size_t: over OLR_MAX_INPUT_LEN (65536) is named as such.
    with pytest.raises(olr.InvalidLengthError):
        olr.IdentificationCode(good * 1000)
    with pytest.raises(olr.MalformedInputError):
        olr.ResetCode(good * 100)


def test_now_accepts_aware_datetimes(ring, machine):
    acct = olr.Account("dora", "CORP", SID)
    at = datetime.datetime.fromtimestamp(NOW, UTC)
    code = ring.seal_reset_code(machine.identification_code, acct, "pw", at)
    accepted = machine.open_reset_code_for_diagnostics(code, acct, "pw", NOW + 60)
    assert accepted.issued_at == NOW - NOW % 60  # whole minutes
    # Another zone, the same instant; fractions of a second are dropped.
    plus2 = datetime.timezone(datetime.timedelta(hours=2))
    same = machine.open_reset_code_for_diagnostics(
        code, acct, "pw", datetime.datetime.fromtimestamp(NOW + 60, plus2) + datetime.timedelta(microseconds=999_999))
    assert same == accepted
    assert accepted.issued_at_datetime == datetime.datetime.fromtimestamp(accepted.issued_at, UTC)
    assert accepted.expires_at_datetime == datetime.datetime.fromtimestamp(accepted.expires_at, UTC)
    assert accepted.issued_at_datetime.tzinfo is not None
    assert accepted.expires_at_datetime - accepted.issued_at_datetime == datetime.timedelta(
        minutes=ring.policy.reset_code_lifetime_minutes)
    # Before the epoch, exactly (no float rounding).
    with pytest.raises(olr.OfflineResetError):
        ring.seal_reset_code(machine.identification_code, acct, "pw", datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC))
    naive = datetime.datetime(2026, 11, 20, 12, 0)
    with pytest.raises(TypeError, match="timezone-aware"):
        ring.seal_reset_code(machine.identification_code, acct, "pw", naive)
    with pytest.raises(TypeError, match="timezone-aware"):
        machine.open_reset_code_for_diagnostics(code, acct, "pw", naive)
    with olr.ServerKeyRing.from_bytes(ring.export_plain()) as r:
        with pytest.raises(TypeError, match="timezone-aware"):
            r.rotate(naive)
        with pytest.raises(TypeError, match="timezone-aware"):
            r.prune(naive)
        assert r.rotate(at) == r.current_epoch == 2
        r.prune(at + datetime.timedelta(days=1))
        with pytest.raises(TypeError):
            r.rotate(float(NOW))
    with olr.ReplayLedger(machine) as ledger:
        with pytest.raises(TypeError, match="timezone-aware"):
            machine.redeem_reset_code(ledger, code, acct, "pw", naive)
        assert machine.redeem_reset_code(ledger, code, acct, "pw", at + datetime.timedelta(minutes=1)) == accepted


def test_export_needs_a_key_and_plain_is_named(ring, machine):
    key = olr.generate_wrapping_key()
    with olr.ReplayLedger(machine) as ledger:
        for obj, name in ((ring, "ServerKeyRing"), (machine, "Machine"), (ledger, "ReplayLedger")):
            with pytest.raises(TypeError, match="wrapping_key"):
                obj.export()  # a required argument
            with pytest.raises(TypeError, match=f"{name}.export\\(\\) needs a wrapping key.*export_plain"):
                obj.export(None)
            wrapped, plain = obj.export(key), obj.export_plain()
            assert wrapped != plain and len(wrapped) > len(plain)
        # Each form reads back only as what it is.
        with olr.ServerKeyRing.from_bytes(ring.export(key), key) as r:
            assert r.deployment_package and r.epochs == ring.epochs
        with olr.ServerKeyRing.from_bytes(ring.export_plain()) as r:
            assert r.epochs == ring.epochs
        with pytest.raises(olr.WrappingMismatchError):
            olr.ServerKeyRing.from_bytes(ring.export(key))
        with pytest.raises(olr.WrappingMismatchError):
            olr.ServerKeyRing.from_bytes(ring.export_plain(), key)
        with olr.Machine.from_bytes(machine.export(key), key) as m:
            assert m.identification_code == machine.identification_code
        with olr.Machine.from_bytes(machine.export_plain()) as m:
            assert m.identification_code == machine.identification_code
        with olr.ReplayLedger.from_bytes(ledger.export(key), key, machine=machine) as again:
            assert again.generation == ledger.generation
        with olr.ReplayLedger.from_bytes(ledger.export_plain(), machine=machine) as again:
            assert again.generation == ledger.generation
    # The plain export holds the ring's secrets in the clear: the wrapped one does not contain it.
    plain = bytes(ring.export_plain())
    assert plain[-32:] not in bytes(ring.export(key))

"""The Python API: round trips, every status as its class, secrets, handles."""

import pytest

import offline_reset as olr
from conftest import NOW


@pytest.mark.parametrize(
    "username,domain,password",
    [("alice", "CORP", "Winter-Tulip-42"), ("Jürgen", "ÖSTERREICH", "Grüße aus Wien 🏔"),
     ("İstanbul", "ist", "pässwörd"), ("山田", "東京", "パスワード")],
)
def test_round_trip_non_ascii(ring, machine, username, domain, password):
    code = ring.seal_reset_code(machine.identification_code, olr.Account(username, domain), password, NOW)
    assert len(str(code)) == olr.RESET_CODE_TEXT_LEN
    accepted = machine.open_reset_code(str(code).lower(), (username.upper(), domain.lower()), password.encode(), NOW + 60)
    assert accepted.issued_at <= NOW < accepted.expires_at
    with pytest.raises(olr.RejectedError):
        machine.open_reset_code(code, (username, domain), password + "x", NOW + 60)


def test_password_bytearray_is_not_wiped_by_the_binding(ring, machine):
    pw = bytearray("Grüße".encode())
    code = ring.seal_reset_code(machine.identification_code, ("bob", "CORP"), pw, NOW)
    assert pw == bytearray("Grüße".encode())  # the caller's buffer: the caller wipes it
    assert machine.open_reset_code(code, ("bob", "CORP"), pw, NOW).issued_at <= NOW


def test_every_status_raises_its_class(ring, machine):
    id_text = str(machine.identification_code)
    bad = id_text[:-1] + ("0" if id_text[-1] != "0" else "1")
    with pytest.raises(olr.MistypedError) as e:
        olr.IdentificationCode(bad)
    assert e.value.group == 8 and e.value.status == olr.Status.MISTYPED
    with pytest.raises(olr.MalformedInputError):
        olr.ResetCode("12345")
    with pytest.raises(olr.InvalidUsernameError):
        olr.Account("", "CORP")
    with pytest.raises(olr.InvalidDomainError):
        olr.Account("a", "X/Y")
    with pytest.raises(olr.InvalidPasswordError):
        ring.seal_reset_code(id_text, ("a", "B"), "", NOW)
    with pytest.raises(olr.TimeOutOfRangeError):
        ring.seal_reset_code(id_text, ("a", "B"), "p", 0)
    with pytest.raises(olr.InvalidPolicyError):
        olr.ServerKeyRing.generate(olr.Policy(0, 0), olr.PasswordCost.minimum())
    code = ring.seal_reset_code(id_text, ("a", "B"), "p", NOW)
    with pytest.raises(olr.ExpiredError):
        machine.open_reset_code(code, ("a", "B"), "p", NOW + 10 * 86400)
    with pytest.raises(olr.NotYetValidError):
        machine.open_reset_code(code, ("a", "B"), "p", NOW - 3600)
    with pytest.raises(olr.WrongKindError):
        olr.Machine.from_bytes(ring.export())
    with pytest.raises(olr.WrappingMismatchError):
        olr.Machine.from_bytes(machine.export(olr.generate_wrapping_key()))
    with pytest.raises(olr.WrongWrappingKeyError):
        olr.Machine.from_bytes(machine.export(olr.generate_wrapping_key()), olr.generate_wrapping_key())
    with pytest.raises(olr.InvalidKeyMaterialError):
        machine.export(b"short")
    with pytest.raises(olr.TruncatedError):
        olr.ReplayLedger.from_bytes(olr.ReplayLedger().export()[:-1])
    blob = machine.export()
    blob[30] ^= 1
    with pytest.raises(olr.CorruptedError):
        olr.Machine.from_bytes(blob)
    with pytest.raises(olr.Utf16TextError):
        olr.check_deployment_package(ring.deployment_package.encode("utf-16"))
    with pytest.raises(olr.InvalidUtf8Error):
        olr.Account("\ud800", "CORP")
    with pytest.raises(olr.InvalidLengthError):
        olr.name_problem("a" * 70000)
    # Rotation: on the server, and on the machine in both directions.
    with olr.ServerKeyRing.from_bytes(ring.export()) as rotated:
        assert rotated.rotate(NOW) == ring.current_epoch + 1
        with pytest.raises(olr.KeyRotatedError) as e:
            rotated.seal_reset_code(id_text, ("a", "B"), "p", NOW + 1)
        assert (e.value.code_epoch, e.value.current_epoch) == (ring.current_epoch, rotated.current_epoch)
        with olr.Machine.enroll(rotated.deployment_package) as newer:
            with pytest.raises(olr.CodeBeforeRotationError) as e:
                newer.open_reset_code(code, ("a", "B"), "p", NOW)
            assert (e.value.code_epoch, e.value.current_epoch) == (1, 2)
            newer_code = rotated.seal_reset_code(newer.identification_code, ("a", "B"), "p", NOW)
            with pytest.raises(olr.RedeployNeededError):
                machine.open_reset_code(newer_code, ("a", "B"), "p", NOW)
    with olr.ReplayLedger() as ledger:
        later = ring.seal_reset_code(id_text, ("a", "B"), "p", NOW + 120)
        machine.redeem_reset_code(ledger, later, ("a", "B"), "p", NOW + 120)
        with pytest.raises(olr.AlreadyUsedError):
            machine.redeem_reset_code(ledger, later, ("a", "B"), "p", NOW + 120)
        with pytest.raises(olr.SupersededError):
            machine.redeem_reset_code(ledger, code, ("a", "B"), "p", NOW + 120)
        assert len(ledger) == 1
        assert len(olr.ReplayLedger.from_bytes(ledger.export())) == 1
    # Statuses the binding cannot provoke still map to their class and message.
    for status in olr.Status:
        if status:
            err = olr.errors.make_error(status, olr.status_message(status))
            assert isinstance(err, olr.OfflineResetError) and err.status == status
            assert str(err).startswith(olr.status_message(status))


def test_handles(ring):
    r = olr.ServerKeyRing.from_bytes(ring.export())
    with r:
        assert r.epochs == ring.epochs
    assert r.closed
    with pytest.raises(ValueError):
        r.current_epoch
    r.close()  # twice is fine


def test_ring_settings_and_exports(ring):
    key = olr.generate_wrapping_key()
    with olr.ServerKeyRing.from_bytes(ring.export(key), key) as r:
        r.policy = olr.Policy(60, 5)
        r.retired_grace_seconds = 3600
        assert (r.policy, r.retired_grace_seconds) == (olr.Policy(60, 5), 3600)
        assert r.password_cost() == olr.PasswordCost.minimum()
        r.set_password_cost(olr.PasswordCost(20000, 2, 1))
        assert r.rotate(NOW) == 2 and r.password_cost(2) == olr.PasswordCost(20000, 2, 1)
        r.prune(NOW + 3600)
        assert r.epochs == [2]
        info = olr.check_deployment_package(r.deployment_package)
        assert (info.epoch, info.policy) == (2, olr.Policy(60, 5))
        with olr.Machine.enroll(r.deployment_package) as m:
            assert m.is_enrolled_with(r.deployment_package) and m.epoch == 2
            assert m.password_cost == olr.PasswordCost(20000, 2, 1)


def test_names():
    assert olr.default_offline_domain("corp.example.com") == "CORP"
    assert olr.Account.with_fqdn("alice", "corp.example.com") == olr.Account("ALICE", "corp")
    assert olr.name_problem("CORP\\alice") is olr.NameProblem.QUALIFIED_NAME
    assert olr.NameProblem.QUALIFIED_NAME.hint
    assert olr.protocol_version() == 1 and olr.version().count(".") == 2

"""The Python API: round trips, every status as its class, the ledger, redeployment, secrets, handles."""

import json

import pytest

import offline_reset as olr
from conftest import NOW, OTHER_SID, SID, make_sid


@pytest.mark.parametrize(
    "username,domain,password",
    [("alice", "CORP", "Winter-Tulip-42"), ("Jürgen", "ÖSTERREICH", "Grüße aus Wien 🏔"),
     ("İstanbul", "ist", "pässwörd"), ("山田", "東京", "パスワード")],
)
def test_round_trip_non_ascii(ring, machine, username, domain, password):
    code = ring.seal_reset_code(machine.identification_code, olr.Account(username, domain, SID), password, NOW)
    assert len(str(code)) == olr.RESET_CODE_TEXT_LEN
    account = (username.upper(), domain.lower(), bytearray(SID))
    accepted = machine.open_reset_code_for_diagnostics(str(code).lower(), account, password.encode(), NOW + 60)
    assert accepted.issued_at <= NOW < accepted.expires_at
    with pytest.raises(olr.RejectedError):
        machine.open_reset_code_for_diagnostics(code, account, password + "x", NOW + 60)
    with olr.ReplayLedger(machine) as ledger:
        assert machine.redeem_reset_code(ledger, code, account, password, NOW + 60) == accepted


def test_the_sid_is_part_of_the_account(ring, machine):
    code = ring.seal_reset_code(machine.identification_code, ("jsmith", "CORP", SID), "p", NOW)
    # Same names, another SID (a deleted and re-created account): the code does not open.
    with pytest.raises(olr.RejectedError):
        machine.open_reset_code_for_diagnostics(code, ("jsmith", "CORP", OTHER_SID), "p", NOW)
    assert machine.open_reset_code_for_diagnostics(code, ("JSMITH", "corp", memoryview(SID)), "p", NOW)
    a = olr.Account("jsmith", "corp", SID)
    # As typed by default, normalized on request (the same shapes in every binding).
    assert (a.username, a.offline_domain, a.sid) == ("jsmith", "corp", SID)
    assert (a.normalized_username, a.normalized_offline_domain) == ("JSMITH", "CORP")
    assert a.sid_string == "S-1-5-21-1000-2000-3000-1104"
    assert str(a) == "corp\\jsmith (S-1-5-21-1000-2000-3000-1104)"
    assert a.to_normalized_string() == "CORP\\JSMITH (S-1-5-21-1000-2000-3000-1104)"
    assert str(olr.Account("Jürgen", "corp", SID)) == "corp\\Jürgen (S-1-5-21-1000-2000-3000-1104)"
    assert a == olr.Account("JSmith", "CORP", bytearray(SID)) and hash(a) == hash(olr.Account("JSMITH", "CORP", SID))
    assert a != olr.Account("jsmith", "CORP", OTHER_SID)
    assert olr.normalize_names("jsmith", "corp") == ("JSMITH", "CORP")
    assert olr.Account.with_fqdn("jsmith", "corp.example.com", SID) == a
    assert SID.hex() in repr(a)
    # Well-formed SIDs: 1 and 15 sub-authorities; everything else is InvalidSid.
    for good in (make_sid(18), make_sid(*range(15))):
        assert olr.MIN_SID_LEN <= len(good) <= olr.MAX_SID_LEN
        olr.Account.check("a", "B", good)
    bad_sids = [b"", SID[:-1], SID + b"\0", b"\2" + SID[1:], make_sid(), make_sid(*range(16)),
                bytes([1, 4]) + SID[2:]]
    for bad in bad_sids:
        with pytest.raises(olr.InvalidSidError):
            olr.Account.check("a", "B", bad)
        with pytest.raises(olr.InvalidSidError):
            olr.Account("a", "B", bad)
        with pytest.raises(olr.InvalidSidError):
            ring.seal_reset_code(machine.identification_code, ("a", "B", bad), "p", NOW)
        with pytest.raises(olr.InvalidSidError):
            machine.open_reset_code_for_diagnostics(code, ("a", "B", bad), "p", NOW)
    # The names are checked before the SID.
    with pytest.raises(olr.InvalidUsernameError):
        olr.Account.check("", "B", b"")
    # The SID is binary and required: no text form, no two-part account.
    with pytest.raises(TypeError, match="binary SID"):
        olr.Account("a", "B", "S-1-5-21-1000-2000-3000-1104")
    with pytest.raises(TypeError, match="sid"):
        olr.Account("a", "B", None)
    with pytest.raises(TypeError, match="SID is required"):
        ring.seal_reset_code(machine.identification_code, ("a", "B"), "p", NOW)
    with pytest.raises(TypeError, match="SID is required"):
        machine.open_reset_code_for_diagnostics(code, ("a", "B"), "p", NOW)


def test_password_bytearray_is_not_wiped_by_the_binding(ring, machine):
    pw = bytearray("Grüße".encode())
    code = ring.seal_reset_code(machine.identification_code, ("bob", "CORP", SID), pw, NOW)
    assert pw == bytearray("Grüße".encode())  # the caller's buffer: the caller wipes it
    assert machine.open_reset_code_for_diagnostics(code, ("bob", "CORP", SID), pw, NOW).issued_at <= NOW


def test_every_status_raises_its_class(ring, machine):
    id_text = str(machine.identification_code)
    acct = ("a", "B", SID)
    bad = id_text[:-1] + ("0" if id_text[-1] != "0" else "1")
    with pytest.raises(olr.MistypedError) as e:
        olr.IdentificationCode(bad)
    assert e.value.group == 8 and e.value.status == olr.Status.MISTYPED
    with pytest.raises(olr.MalformedInputError):
        olr.ResetCode("12345")
    with pytest.raises(olr.InvalidUsernameError):
        olr.Account("", "CORP", SID)
    with pytest.raises(olr.InvalidDomainError):
        olr.Account("a", "X/Y", SID)
    with pytest.raises(olr.InvalidSidError):
        olr.Account("a", "B", SID[:11])
    with pytest.raises(olr.InvalidPasswordError):
        ring.seal_reset_code(id_text, acct, "", NOW)
    with pytest.raises(olr.TimeOutOfRangeError):
        ring.seal_reset_code(id_text, acct, "p", 0)
    with pytest.raises(olr.InvalidPolicyError):
        olr.ServerKeyRing.generate(olr.Policy(0, 0), olr.PasswordCost.minimum())
    code = ring.seal_reset_code(id_text, acct, "p", NOW)
    with pytest.raises(olr.ExpiredError):
        machine.open_reset_code_for_diagnostics(code, acct, "p", NOW + 10 * 86400)
    with pytest.raises(olr.NotYetValidError):
        machine.open_reset_code_for_diagnostics(code, acct, "p", NOW - 3600)
    with pytest.raises(olr.WrongKindError):
        olr.Machine.from_bytes(ring.export_plain())
    with pytest.raises(olr.WrappingMismatchError):
        olr.Machine.from_bytes(machine.export(olr.generate_wrapping_key()))
    with pytest.raises(olr.WrongWrappingKeyError):
        olr.Machine.from_bytes(machine.export(olr.generate_wrapping_key()), olr.generate_wrapping_key())
    with pytest.raises(olr.InvalidKeyMaterialError):
        machine.export(b"short")
    with olr.ReplayLedger(machine) as fresh:
        with pytest.raises(olr.TruncatedError):
            olr.ReplayLedger.from_bytes(fresh.export_plain()[:-1], machine=machine)
    blob = machine.export_plain()
    blob[30] ^= 1
    with pytest.raises(olr.CorruptedError):
        olr.Machine.from_bytes(blob)
    with pytest.raises(olr.Utf16TextError):
        olr.check_deployment_package(ring.deployment_package.encode("utf-16"))
    with pytest.raises(olr.InvalidUtf8Error):
        olr.Account("\ud800", "CORP", SID)
    with pytest.raises(olr.InvalidLengthError):
        olr.name_problem("a" * 70000)
    # Rotation: on the server, and on the machine in both directions.
    with olr.ServerKeyRing.from_bytes(ring.export_plain()) as rotated:
        assert rotated.rotate(NOW) == ring.current_epoch + 1
        with pytest.raises(olr.KeyRotatedError) as e:
            rotated.seal_reset_code(id_text, acct, "p", NOW + 1)
        assert (e.value.code_epoch, e.value.current_epoch) == (ring.current_epoch, rotated.current_epoch)
        with machine.redeploy(rotated.deployment_package) as newer:
            with pytest.raises(olr.CodeBeforeRotationError) as e:
                newer.open_reset_code_for_diagnostics(code, acct, "p", NOW)
            assert (e.value.code_epoch, e.value.current_epoch) == (1, 2)
            newer_code = rotated.seal_reset_code(newer.identification_code, acct, "p", NOW)
            with pytest.raises(olr.RedeployNeededError):
                machine.open_reset_code_for_diagnostics(newer_code, acct, "p", NOW)
            with pytest.raises(olr.PackageEpochTooOldError):
                newer.redeploy(ring.deployment_package)
            # The old enrollment's ledger does not serve the new one.
            with olr.ReplayLedger(machine) as old_ledger:
                with pytest.raises(olr.LedgerOfAnotherMachineError):
                    newer.redeem_reset_code(old_ledger, newer_code, acct, "p", NOW)
                with pytest.raises(olr.LedgerOfAnotherMachineError):
                    olr.ReplayLedger.from_bytes(old_ledger.export_plain(), machine=newer)
    with olr.ServerKeyRing.generate(password_cost=olr.PasswordCost.minimum()) as stranger:
        with pytest.raises(olr.PackageSignatureInvalidError):
            machine.redeploy(stranger.deployment_package)
    with olr.ReplayLedger(machine) as ledger:
        later = ring.seal_reset_code(id_text, acct, "p", NOW + 120)
        machine.redeem_reset_code(ledger, later, acct, "p", NOW + 120)
        with pytest.raises(olr.AlreadyUsedError):
            machine.redeem_reset_code(ledger, later, acct, "p", NOW + 120)
        with pytest.raises(olr.SupersededError):
            machine.redeem_reset_code(ledger, code, acct, "p", NOW + 120)
        skew = machine.policy.clock_skew_minutes * 60
        with pytest.raises(olr.ClockSetBackError):
            machine.redeem_reset_code(ledger, code, acct, "p", NOW + 120 - skew - 1)
        # The refused AlreadyUsed and Superseded attempts stay counted (one code record each).
        assert (ledger.account_count, ledger.code_count, ledger.generation) == (1, 2, 3)
        with pytest.raises(olr.LedgerRolledBackError):
            olr.ReplayLedger.from_bytes(ledger.export_plain(), machine=machine, minimum_generation=4)
    # Statuses the binding cannot provoke (OutOfMemory, LedgerFull, …) still map to their class.
    for status in olr.Status:
        if status:
            err = olr.errors.make_error(status, olr.status_message(status))
            assert isinstance(err, olr.OfflineResetError) and err.status == status
            assert str(err).startswith(olr.status_message(status))


def test_status_messages_are_distinct():
    messages = {status: olr.status_message(status) for status in olr.Status}
    unknown = olr.status_message(99)
    assert len(set(messages.values())) == len(messages), "two statuses share a message"
    assert unknown not in messages.values(), "an unknown status has a known status's message"
    assert olr.status_message(0xFFFFFFFF) == olr.status_message(-1) == unknown


def test_redeem_counts_failures_and_the_ledger_persists(ring, machine):
    """Attempts are counted before the answer: a failed redeem changes the ledger too, so it is
    persisted after every redeem; the limits come from the deployment package."""
    key = olr.generate_wrapping_key()
    with olr.ServerKeyRing.from_bytes(ring.export_plain()) as r:
        r.attempt_limits = olr.AttemptLimits(failed_opens_per_code=2, failed_opens_per_account=20)
        with machine.redeploy(r.deployment_package) as m:
            assert m.identification_code == machine.identification_code  # same epoch
            acct = ("carol", "CORP", SID)
            code = r.seal_reset_code(m.identification_code, acct, "right", NOW)
            stored = olr.ReplayLedger(m).export(key)
            for attempt in (1, 2):
                with olr.ReplayLedger.from_bytes(stored, key, machine=m, minimum_generation=attempt - 1) as led:
                    with pytest.raises(olr.RejectedError):
                        m.redeem_reset_code(led, code, acct, "wrong", NOW + attempt)
                    assert (led.account_count, led.code_count, led.generation) == (1, 1, attempt)
                    stored = led.export(key)
            with olr.ReplayLedger.from_bytes(stored, key, machine=m, minimum_generation=2) as led:
                with pytest.raises(olr.TooManyAttemptsError):
                    m.redeem_reset_code(led, code, acct, "right", NOW + 3)
            # Diagnostics count nothing: the right password still opens there.
            assert m.open_reset_code_for_diagnostics(code, acct, "right", NOW + 3).issued_at <= NOW
            # A fresh code for the account is not limited by the old code's failures.
            fresh = r.seal_reset_code(m.identification_code, acct, "right", NOW + 60)
            with olr.ReplayLedger.from_bytes(stored, key, machine=m) as led:
                m.redeem_reset_code(led, fresh, acct, "right", NOW + 60)
                assert (led.account_count, led.generation) == (1, 3)


def test_signing_key_rotation_and_fingerprints(ring, machine):
    with olr.ServerKeyRing.from_bytes(ring.export_plain()) as r:
        before = r.deployment_package
        fp = olr.deployment_package_fingerprint(before)
        assert len(fp) == olr.PACKAGE_FINGERPRINT_LEN and fp == fp.lower() and int(fp, 16) >= 0
        assert olr.deployment_package_fingerprint(before.lower() + "\n") == fp
        assert olr.deployment_package_fingerprint(before.encode()) == fp
        r.begin_signing_key_rotation()
        during = r.deployment_package  # signed by the old key, naming the next one
        assert olr.deployment_package_fingerprint(during) != fp
        with machine.redeploy(during) as moved:
            r.finish_signing_key_rotation()
            after = r.deployment_package
            with moved.redeploy(after) as again:
                assert again.identification_code == machine.identification_code
            # A machine that missed the rotation refuses packages of the new key.
            with pytest.raises(olr.PackageSignatureInvalidError):
                machine.redeploy(after)
        r.finish_signing_key_rotation()  # nothing under way: no change
        assert r.deployment_package == after
    with pytest.raises(olr.MalformedInputError):
        olr.deployment_package_fingerprint("0" * olr.DEPLOYMENT_PACKAGE_TEXT_LEN)


def test_handles(ring, machine):
    r = olr.ServerKeyRing.from_bytes(ring.export_plain())
    with r:
        assert r.epochs == ring.epochs
    assert r.closed
    with pytest.raises(ValueError):
        r.current_epoch
    r.close()  # twice is fine
    with pytest.raises(TypeError):
        olr.ReplayLedger()  # a ledger is bound to a machine
    with pytest.raises(TypeError):
        olr.ReplayLedger.from_bytes(b"", None, machine=None)
    with pytest.raises(TypeError):
        machine.redeem_reset_code(None, "x", ("a", "B", SID), "p", NOW)
    # The open-only call has a diagnostics-only name; nothing under the old name accepts codes.
    assert not hasattr(olr.Machine, "open_reset_code") and not hasattr(olr.ReplayLedger, "__len__")
    m = olr.Machine.from_bytes(machine.export_plain())
    m.close()
    with pytest.raises(ValueError):
        olr.ReplayLedger(m)


def test_integers_are_range_checked(ring, machine):
    """ctypes would truncate silently; the binding refuses out-of-range integers."""
    with pytest.raises(ValueError, match="now"):
        ring.seal_reset_code(machine.identification_code, ("a", "B", SID), "p", 1 << 63)
    with pytest.raises(ValueError, match="reset_code_lifetime_minutes"):
        olr.ServerKeyRing.generate(olr.Policy(65536 + 60, 5), olr.PasswordCost.minimum())
    with pytest.raises(ValueError, match="minimum_generation"):
        olr.ReplayLedger.from_bytes(b"", machine=machine, minimum_generation=-1)
    with pytest.raises(TypeError, match="now"):
        machine.open_reset_code_for_diagnostics("x", ("a", "B", SID), "p", float(NOW))
    with olr.ServerKeyRing.from_bytes(ring.export_plain()) as r:
        with pytest.raises(ValueError, match="failed_opens_per_code"):
            r.attempt_limits = olr.AttemptLimits(65536 + 5, 20)
        for limits in (olr.AttemptLimits(0, 20), olr.AttemptLimits(5, 1001)):
            with pytest.raises(olr.InvalidPolicyError):
                r.attempt_limits = limits
        assert r.attempt_limits == olr.AttemptLimits()
        r.attempt_limits = olr.AttemptLimits(1, 1000)
        assert r.attempt_limits == olr.AttemptLimits(1, 1000)


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
    assert olr.Account.with_fqdn("alice", "corp.example.com", SID) == olr.Account("ALICE", "corp", SID)
    assert olr.name_problem("CORP\\alice") is olr.NameProblem.QUALIFIED_NAME
    assert olr.NameProblem.QUALIFIED_NAME.hint
    assert olr.protocol_version() == 1 and olr.version().count(".") == 2


def test_identification_uri_reads_and_spelling_follow_the_vectors(repo):
    uri = json.loads((repo / "tests/vectors/identification_uri.json").read_text(encoding="utf-8"))
    for case in uri["reads"]:
        if "ok" in case["result"]:
            code = olr.IdentificationCode.from_uri_or_code(case["input"])
            assert code.text == case["result"]["ok"], case
        else:
            with pytest.raises(olr.error_class(case["result"]["error"]["code"])):
                olr.IdentificationCode.from_uri_or_code(case["input"])
    spelling = json.loads((repo / "tests/vectors/spelling.json").read_text(encoding="utf-8"))
    tables = {"english": None, "german": spelling["german_table"]}
    for case in spelling["cases"]:
        table = tables[case["table"]]
        if "ok" in case["result"]:
            assert olr.spell_code(case["input"], table) == case["result"]["ok"], case
        else:
            with pytest.raises(olr.error_class(case["result"]["error"]["code"])) as err:
                olr.spell_code(case["input"], table)
            if "group" in case["result"]["error"]:
                assert err.value.group == case["result"]["error"]["group"]
    assert olr.spell_code(olr.IdentificationCode(uri["code"])).startswith("one zero zero Quebec")

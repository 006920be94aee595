"""Server keys in a PKCS#11 token (ABI 2.1).

Without ``OLR_TEST_PKCS11_MODULE`` the library is the default build: the three PKCS#11 calls
raise ``Pkcs11NotBuiltError``. With ``OLR_TEST_PKCS11_MODULE`` (the module's path),
``OLR_TEST_PKCS11_TOKEN`` (the token's label) and ``OLR_TEST_PKCS11_PIN`` set, the library was
built with ``OLR_CARGO_FEATURES=pkcs11`` and the rings are made in that token under label
prefixes new to each run (``py-`` and random hex); the test destroys nothing in the token.
"""

import os
import pathlib
import secrets

import pytest

import offline_reset as olr
from conftest import NOW, SID

MODULE = os.environ.get("OLR_TEST_PKCS11_MODULE")
TOKEN = os.environ.get("OLR_TEST_PKCS11_TOKEN")
PIN = os.environ.get("OLR_TEST_PKCS11_PIN")

ACCOUNT = ("alice", "CORP", SID)
PASSWORD = "Winter-Tulip-42"


def prefix() -> str:
    return "py-" + secrets.token_hex(8)


def test_a_software_ring_is_not_held_in_a_token(ring):
    assert ring.is_held_in_token is False
    assert ring.export_plain()  # software rings export as before


@pytest.mark.skipif(MODULE is not None, reason="OLR_TEST_PKCS11_MODULE is set: a pkcs11 build")
def test_default_build_has_no_pkcs11(ring):
    place = ("/usr/lib/softhsm/libsofthsm2.so", "olr", b"1234", prefix())
    with pytest.raises(olr.Pkcs11NotBuiltError) as e:
        olr.ServerKeyRing.generate_pkcs11(*place, password_cost=olr.PasswordCost.minimum())
    assert e.value.status == olr.Status.PKCS11_NOT_BUILT == 35
    assert e.value.message == olr.status_message(35)
    with pytest.raises(olr.Pkcs11NotBuiltError):
        olr.ServerKeyRing.open_pkcs11(*place)
    with pytest.raises(olr.Pkcs11NotBuiltError):
        ring.copy_to_pkcs11(*place)
    # The arguments are checked before the build is: wrong types are TypeError, a bad policy
    # InvalidPolicyError.
    with pytest.raises(TypeError, match="pin"):
        olr.ServerKeyRing.open_pkcs11("/m.so", "t", 1234, "p")
    with pytest.raises(olr.InvalidPolicyError):
        olr.ServerKeyRing.generate_pkcs11(*place, policy=olr.Policy(0, 0))


@pytest.mark.skipif(not (MODULE and TOKEN and PIN),
                    reason="OLR_TEST_PKCS11_MODULE, _TOKEN and _PIN name a token to test against")
def test_rings_in_a_token():
    pin = PIN.encode()
    mine = prefix()
    cost = olr.PasswordCost.minimum()
    # (a) A ring generated in the token: its keys do not leave it.
    with olr.ServerKeyRing.generate_pkcs11(MODULE, TOKEN, pin, mine, password_cost=cost) as ring:
        assert ring.is_held_in_token is True
        assert ring.epochs == [1] and ring.password_cost() == cost and ring.policy == olr.Policy()
        with pytest.raises(olr.KeysInTokenError):
            ring.export_plain()
        with pytest.raises(olr.KeysInTokenError):
            ring.export(olr.generate_wrapping_key())
        with pytest.raises(olr.KeysInTokenError):
            ring.copy_to_pkcs11(MODULE, TOKEN, pin, prefix())

        # (b) A machine enrolled from its package redeems a code it sealed.
        with olr.Machine.enroll(ring.deployment_package) as machine:
            machine_id = machine.identification_code
            code = ring.seal_reset_code(machine_id, ACCOUNT, PASSWORD, NOW)
            with olr.ReplayLedger(machine) as ledger:
                accepted = machine.redeem_reset_code(ledger, code, ACCOUNT, PASSWORD, NOW + 60)
                assert accepted.issued_at <= NOW < accepted.expires_at

        # (c) The same ring opened again (PIN as str, module as a path object) seals the same code.
        with olr.ServerKeyRing.open_pkcs11(pathlib.Path(MODULE), TOKEN, PIN, mine) as again:
            assert again.is_held_in_token and again.epochs == [1]
            # (Token signatures are randomized: the same package, signed anew.)
            info = olr.check_deployment_package(ring.deployment_package)
            assert olr.check_deployment_package(again.deployment_package) == info
            assert again.seal_reset_code(machine_id, ACCOUNT, PASSWORD, NOW) == code

        # (d) The token's statuses, each as its class; the PIN is in no message.
        with pytest.raises(olr.TokenRingExistsError):
            olr.ServerKeyRing.generate_pkcs11(MODULE, TOKEN, pin, mine, password_cost=cost)
        with pytest.raises(olr.TokenKeyMissingError):
            olr.ServerKeyRing.open_pkcs11(MODULE, TOKEN, pin, prefix())
        # A wrong PIN is refused at a process's login to a token: checked on the spare token,
        # which no handle of this process has open (an open one shares its login, unchecked).
        wrong = "wrong-" + secrets.token_hex(4)
        spare = os.environ["OLR_TEST_PKCS11_SPARE_TOKEN"]
        with pytest.raises(olr.TokenWrongPinError) as e:
            olr.ServerKeyRing.open_pkcs11(MODULE, spare, bytearray(wrong.encode()), mine)
        assert wrong not in str(e.value) and wrong not in repr(e.value)
        assert PIN not in str(e.value) and PIN not in repr(e.value)
        with pytest.raises(olr.TokenModuleNotFoundError):
            olr.ServerKeyRing.open_pkcs11("/nonexistent/libnone.so", TOKEN, pin, mine)
        with pytest.raises(olr.TokenAbsentError):
            olr.ServerKeyRing.open_pkcs11(MODULE, "no-such-token", pin, mine)
        with pytest.raises(olr.MalformedInputError):
            olr.ServerKeyRing.open_pkcs11(MODULE, TOKEN, pin, "")

        # (e) Rotation is written to the token: codes for the old identification code are refused.
        assert ring.rotate(NOW) == 2
        with pytest.raises(olr.KeyRotatedError) as e:
            ring.seal_reset_code(machine_id, ACCOUNT, PASSWORD, NOW + 1)
        assert (e.value.code_epoch, e.value.current_epoch) == (1, 2)
        with olr.ServerKeyRing.open_pkcs11(MODULE, TOKEN, pin, mine) as reopened:
            assert reopened.current_epoch == 2

    # (f) A software ring copied into the token seals exactly the codes it sealed.
    with olr.ServerKeyRing.generate(password_cost=cost) as software:
        with olr.Machine.enroll(software.deployment_package) as machine:
            machine_id = machine.identification_code
        expected = software.seal_reset_code(machine_id, ACCOUNT, PASSWORD, NOW)
        with software.copy_to_pkcs11(MODULE, TOKEN, memoryview(pin), prefix()) as copy:
            assert copy.is_held_in_token and not software.is_held_in_token
            assert (olr.check_deployment_package(copy.deployment_package)
                    == olr.check_deployment_package(software.deployment_package))
            assert copy.seal_reset_code(machine_id, ACCOUNT, PASSWORD, NOW) == expected
        assert software.export_plain()  # the original is unchanged and still exports

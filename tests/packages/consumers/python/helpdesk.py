"""A help-desk session through the installed Python wheel, as tests/packages/run.sh runs it in a
fresh virtual environment outside the repository. Prints the same lines as every consumer
program (tests/packages/consumers/c/helpdesk.c says what they mean)."""

import offline_reset as olr

SID = bytes([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x51, 4, 0, 0])
NOW = 1795000000
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def mistype(code: str, group: int) -> str:
    at = (group - 1) * 9 + 3
    return code[:at] + ALPHABET[(ALPHABET.index(code[at]) + 1) % 32] + code[at + 1:]


alice = olr.Account("alice", "CORP", SID)
with olr.ServerKeyRing.generate() as ring, olr.Machine.enroll(ring.deployment_package) as machine, \
        olr.ReplayLedger(machine) as ledger:
    shown = machine.identification_code.text
    try:
        ring.seal_reset_code(mistype(shown, 3), alice, "Winter-Tulip-42", NOW)
    except olr.MistypedError as e:
        print("mistyped: group", e.group)
    code = ring.seal_reset_code(shown, alice, "Winter-Tulip-42", NOW)
    machine.redeem_reset_code(ledger, code, alice, "Winter-Tulip-42", NOW + 60)
    print("redeemed: OK")
    try:
        machine.redeem_reset_code(ledger, code, alice, "Winter-Tulip-42", NOW + 120)
    except olr.AlreadyUsedError:
        print("replay: ALREADY_USED")
    ring.rotate(NOW + 180)
    try:
        ring.seal_reset_code(shown, alice, "Winter-Tulip-42", NOW + 240)
    except olr.KeyRotatedError as e:
        print("rotation: KEY_ROTATED", e.code_epoch, e.current_epoch)
print("done")

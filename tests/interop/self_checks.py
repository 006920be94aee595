"""Checks of spec rules that no vector exercises (derived from docs/PROTOCOL.md only; they test
this implementation's reading of the spec, not interoperability)."""

from __future__ import annotations

import offline_reset_reference as ref
from offline_reset_reference import OfflineResetError

S1 = bytes.fromhex("448fe09852d9271d3fb9fa52f3ba392195712336770cf4945a249f00a8650e6c")
S2 = bytes.fromhex("0a1adedf47fa87b7c80fae8a925610996b27893db09c0dfbfe18b855c8749c26")
MIN_POLICY = ref.Policy(60, 5, ref.MIN_PASSWORD_COST)


def _err(fn):
    try:
        fn()
        return None
    except OfflineResetError as e:
        return e.name


def _reenvelope(kind: int, content: bytes) -> bytes:
    return ref.make_envelope(kind, content)


def self_checks(c) -> None:
    # §9.5 policy ranges and the 16-byte field cut short.
    ring = ref.KeyRing.new(S1, MIN_POLICY)
    content = ring.content()
    c.eq("key ring: policy cut short -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(content[:10])), "MalformedInput")
    for name, cost in [("m below floor", ref.PasswordCost(19455, 2, 1)),
                       ("t below floor", ref.PasswordCost(19456, 1, 1)),
                       ("p zero", ref.PasswordCost(19456, 2, 0)),
                       ("m above ceiling", ref.PasswordCost(1048577, 2, 1)),
                       ("t above ceiling", ref.PasswordCost(19456, 65, 1)),
                       ("p above ceiling", ref.PasswordCost(19456, 2, 17))]:
        bad = ref.Policy(60, 5, cost).encode() + content[16:]
        c.eq(f"key ring: policy {name} -> InvalidPolicy",
             _err(lambda: ref.KeyRing.from_content(bad)), "InvalidPolicy")
        gen_bad = content[:22 + 15] + cost.encode() + content[22 + 27:]
        c.eq(f"key ring: generation cost {name} -> InvalidPolicy",
             _err(lambda: ref.KeyRing.from_content(gen_bad)), "InvalidPolicy")
    # §9.4 current generation: retired at and window must be 0; retired window >= 1.
    cur = bytearray(content)
    cur[22 + 3 + 7] = 1  # retired at = 1
    c.eq("key ring: current retired_at != 0 -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(cur))), "MalformedInput")
    cur = bytearray(content)
    cur[22 + 11 + 3] = 1  # window = 1
    c.eq("key ring: current window != 0 -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(cur))), "MalformedInput")
    ring2 = ref.KeyRing.new(S1, MIN_POLICY, 10)
    ring2.rotate(1000, S2)
    c2 = bytearray(ring2.content())
    c2[22 + 11: 22 + 15] = bytes(4)
    c.eq("key ring: retired window 0 -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(c2))), "MalformedInput")
    c2 = bytearray(ring2.content())
    c2[22 + 3: 22 + 11] = ref.i64(-5)
    c.eq("key ring: negative retired_at accepted", _err(lambda: ref.KeyRing.from_content(bytes(c2))),
         None)
    c2 = bytearray(ring2.content())
    c2[22 + 59: 22 + 61] = ref.u16(1)
    c.eq("key ring: epochs not ascending -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(c2))), "MalformedInput")
    c.eq("key ring: trailing byte -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(content + b"\0")), "MalformedInput")
    c2 = bytearray(content)
    c2[-32:] = bytes(32)
    c.eq("key ring: zero scalar -> InvalidKeyMaterial",
         _err(lambda: ref.KeyRing.from_content(bytes(c2))), "InvalidKeyMaterial")

    # §9.4 grace only shrinks; prune; saturation.
    ring3 = ref.KeyRing.new(S1, MIN_POLICY, 3600)
    ring3.rotate(1000, S2)
    ring3.set_grace_period(100)
    ring3.set_grace_period(3600)
    c.eq("key ring: lowered window stays lowered", ring3.generations[0].window, 100)
    ring3.prune(1099)
    c.eq("key ring: prune keeps a live generation", [g.epoch for g in ring3.generations], [1, 2])
    ring3.prune(1100)
    c.eq("key ring: prune erases an expired generation", [g.epoch for g in ring3.generations], [2])
    ring4 = ref.KeyRing.new(S1, MIN_POLICY, 3600)
    ring4.rotate(1000, S2)
    ring4.set_grace_period(0)
    c.eq("key ring: grace 0 erases retired generations", [g.epoch for g in ring4.generations], [2])
    ring5 = ref.KeyRing.new(S1, MIN_POLICY, 0xFFFFFFFF)
    ring5.rotate(ref.I64_MAX - 5, S2)
    c.eq("key ring: retired_at + window saturates", [g.epoch for g in ring5.generations], [1, 2])
    # 16 generations at most.
    ring6 = ref.KeyRing.new(S1, MIN_POLICY, 10 ** 6)
    for i in range(20):
        ring6.rotate(1000 + i, S2 if i % 2 == 0 else S1)
    c.eq("key ring: at most 16 generations, the oldest erased",
         [g.epoch for g in ring6.generations], list(range(6, 22)))
    # A new generation takes the policy's cost; old ones keep theirs.
    ring7 = ref.KeyRing.new(S1, MIN_POLICY, 3600)
    ring7.set_policy(ref.Policy(60, 5, ref.PasswordCost(20000, 2, 1)))
    ring7.rotate(1000, S2)
    c.eq("key ring: per-generation password cost",
         [ring7.password_cost(1), ring7.password_cost(2)],
         [ref.MIN_PASSWORD_COST, ref.PasswordCost(20000, 2, 1)])
    # EpochsExhausted at 2047 leaves the ring unchanged.
    g = ref.Generation(2047, S1, ref.MIN_PASSWORD_COST)
    ring8 = ref.KeyRing(MIN_POLICY, 0, [g])
    before = ring8.content()
    c.eq("key ring: EpochsExhausted", _err(lambda: ring8.rotate(5, S2)), "EpochsExhausted")
    c.eq("key ring: unchanged after EpochsExhausted", ring8.content(), before)

    # §9.6 machine state read field by field.
    pkg = ref.KeyRing.new(S1, MIN_POLICY).deployment_package()
    m = ref.Machine.enroll(pkg, S2)
    mc = m.content()
    c.eq("machine: is_enrolled_with its package", m.is_enrolled_with(pkg), True)
    c.eq("machine: epoch 0 -> MalformedInput",
         _err(lambda: ref.Machine.from_content(b"\0\0" + mc[2:])), "MalformedInput")
    c.eq("machine: cut inside the policy -> MalformedInput",
         _err(lambda: ref.Machine.from_content(mc[:40])), "MalformedInput")
    c.eq("machine: cut inside K -> MalformedInput",
         _err(lambda: ref.Machine.from_content(mc[:-1])), "MalformedInput")
    bad_x = mc[:51] + (1).to_bytes(32, "big") + mc[83:]
    c.eq("machine: x(M) = 1 -> InvalidKeyMaterial",
         _err(lambda: ref.Machine.from_content(bad_x)), "InvalidKeyMaterial")

    # §8 package body read field by field.
    body = ref.DeploymentPackage(1, m.server_public, MIN_POLICY).content()
    for n, what in [(1, "epoch cut"), (20, "S cut"), (40, "inside the policy")]:
        txt = ref.base32_encode(_reenvelope(ref.KIND_DEPLOYMENT, body[:n]))
        c.eq(f"package: {what} -> MalformedInput", _err(lambda: ref.DeploymentPackage.parse(txt)),
             "MalformedInput")
    txt = ref.base32_encode(_reenvelope(ref.KIND_DEPLOYMENT, body + b"\0"))
    c.eq("package: trailing byte -> MalformedInput",
         _err(lambda: ref.DeploymentPackage.parse(txt)), "MalformedInput")
    bad = body[:35] + ref.Policy(0, 5, ref.MIN_PASSWORD_COST).encode()
    txt = ref.base32_encode(_reenvelope(ref.KIND_DEPLOYMENT, bad))
    c.eq("package: lifetime 0 -> InvalidPolicy", _err(lambda: ref.DeploymentPackage.parse(txt)),
         "InvalidPolicy")

    # §9.7 ledger rules.
    def entry(fp: int, cid: int, issued: int, forget: int) -> ref.LedgerEntry:
        return ref.LedgerEntry(fp.to_bytes(16, "big"), cid.to_bytes(16, "big"), issued, forget)

    lg = ref.ReplayLedger()
    for i in range(ref.LEDGER_CAPACITY):
        lg.record(entry(i, i, 1000 + i, 10 ** 9 if i % 2 else 10), 0)
    c.eq("ledger: LedgerFull at 1024",
         _err(lambda: lg.record(entry(5000, 5000, 0, 10 ** 9), 0)), "LedgerFull")
    c.eq("ledger: refused code leaves the ledger as pruned", len(lg), 1024)
    c.eq("ledger: full ledger prunes first",
         _err(lambda: lg.record(entry(5000, 5000, 0, 10 ** 9), 10)), None)
    c.eq("ledger: pruned entries are gone", len(lg), 513)
    # Step 5: an older entry of the account is removed only when it is forgotten no later.
    lg2 = ref.ReplayLedger()
    lg2.record(entry(1, 1, 100, 500), 0)
    c.eq("ledger: older code of the account -> Superseded",
         _err(lambda: lg2.record(entry(1, 2, 50, 900), 0)), "Superseded")
    lg2.record(entry(1, 3, 200, 400), 0)
    c.eq("ledger: older entry forgotten later than the new one is kept", len(lg2), 2)
    lg2.record(entry(1, 4, 300, 600), 0)
    c.eq("ledger: older entries forgotten no later than the new one are removed",
         [e.code_id[-1] for e in lg2.entries], [4])
    full = ref.ReplayLedger([entry(1, i, 0, 0) for i in range(1024)])
    c.eq("ledger: full wrapped envelope is 49188 bytes", len(full.export(bytes(64))), 49188)
    good = ref.ReplayLedger([entry(1, 2, 3, 4), entry(1, 5, 6, 7)]).content()
    c.eq("ledger import: count cut short",
         _err(lambda: ref.ReplayLedger.from_content(b"\0")), "MalformedInput")
    c.eq("ledger import: count > 1024",
         _err(lambda: ref.ReplayLedger.from_content(ref.u16(1025))), "MalformedInput")
    c.eq("ledger import: entry cut short",
         _err(lambda: ref.ReplayLedger.from_content(good[:-1])), "MalformedInput")
    c.eq("ledger import: trailing byte",
         _err(lambda: ref.ReplayLedger.from_content(good + b"\0")), "MalformedInput")
    swapped = good[:2] + good[50:98] + good[2:50]
    c.eq("ledger import: code ids not ascending",
         _err(lambda: ref.ReplayLedger.from_content(swapped)), "MalformedInput")
    dup = good[:2] + good[2:50] + good[2:50]
    c.eq("ledger import: equal code ids",
         _err(lambda: ref.ReplayLedger.from_content(dup)), "MalformedInput")
    c.eq("ledger import: empty ledger", len(ref.ReplayLedger.from_content(ref.u16(0))), 0)
    c.eq("ledger: wrong kind", _err(lambda: ref.ReplayLedger.import_(
        ref.Machine.enroll(pkg, S2).export())), "WrongKind")

    # §7.2 + §9.7: redeem opens then records; a second redeem is AlreadyUsed.
    ring9 = ref.KeyRing.new(S1, MIN_POLICY)
    m9 = ref.Machine.enroll(ring9.deployment_package(), S2)
    now = 1795000000
    code = ring9.seal(m9.identification_code(), "alice", "CORP", "pw", now)
    lg = ref.ReplayLedger()
    acc = m9.redeem(lg, code, "ALICE", "corp", "pw", now)
    c.eq("redeem: code id is payload bytes 2..17",
         acc.code_id, ref.parse_typed(code, ref.RESET)[2:18])
    c.eq("redeem: forget_after = issued_at + 60 (lifetime + skew)",
         acc.forget_after, acc.issued_at + 60 * 65)
    c.eq("redeem: again -> AlreadyUsed",
         _err(lambda: m9.redeem(lg, code, "alice", "CORP", "pw", now + 1)), "AlreadyUsed")
    code2 = ring9.seal(m9.identification_code(), "alice", "CORP", "pw2", now + 10)
    c.eq("redeem: another code in the same minute -> Superseded",
         _err(lambda: m9.redeem(lg, code2, "alice", "CORP", "pw2", now + 10)), "Superseded")

"""Checks of spec rules that no vector exercises (derived from docs/PROTOCOL.md only; they test
this implementation's reading of the spec, not interoperability)."""

from __future__ import annotations

import struct
import zlib

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import offline_reset_reference as ref
from offline_reset_reference import OfflineResetError

S1 = bytes.fromhex("448fe09852d9271d3fb9fa52f3ba392195712336770cf4945a249f00a8650e6c")
S2 = bytes.fromhex("0a1adedf47fa87b7c80fae8a925610996b27893db09c0dfbfe18b855c8749c26")
D1 = bytes.fromhex("9d3c2a8d1f0e6b5a4c3b2a19080706050403020100ffeeddccbbaa9988776655")
D2 = bytes.fromhex("1111111111111111111111111111111111111111111111111111111111111111")
MIN_POLICY = ref.Policy(60, 5, ref.MIN_PASSWORD_COST)
SID = bytes.fromhex("010500000000000515000000dcf4dc3b833d2b46828ba62850040000")
SID2 = bytes.fromhex("010500000000000515000000dcf4dc3b833d2b46828ba62851040000")
H = ref.KEY_RING_HEADER_LEN  # 90


def _err(fn):
    try:
        fn()
        return None
    except OfflineResetError as e:
        return e.name


def _reenvelope(kind: int, content: bytes) -> bytes:
    return ref.make_envelope(kind, content)


def self_checks(c) -> None:
    # §9.5 policy ranges and the 20-byte field cut short.
    ring = ref.KeyRing.new(S1, D1, MIN_POLICY)
    content = ring.content()
    c.eq("key ring: policy cut short -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(content[:10])), "MalformedInput")
    for name, cost in [("m below floor", ref.PasswordCost(19455, 2, 1)),
                       ("t below floor", ref.PasswordCost(19456, 1, 1)),
                       ("p zero", ref.PasswordCost(19456, 2, 0)),
                       ("m above ceiling", ref.PasswordCost(1048577, 2, 1)),
                       ("t above ceiling", ref.PasswordCost(19456, 65, 1)),
                       ("p above ceiling", ref.PasswordCost(19456, 2, 17))]:
        bad = ref.Policy(60, 5, cost).encode() + content[20:]
        c.eq(f"key ring: policy {name} -> InvalidPolicy",
             _err(lambda: ref.KeyRing.from_content(bad)), "InvalidPolicy")
        gen_bad = content[:H + 15] + cost.encode() + content[H + 27:]
        c.eq(f"key ring: generation cost {name} -> InvalidPolicy",
             _err(lambda: ref.KeyRing.from_content(gen_bad)), "InvalidPolicy")
    # §9.4 current generation: retired at and window must be 0; retired window >= 1.
    cur = bytearray(content)
    cur[H + 3 + 7] = 1  # retired at = 1
    c.eq("key ring: current retired_at != 0 -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(cur))), "MalformedInput")
    cur = bytearray(content)
    cur[H + 11 + 3] = 1  # window = 1
    c.eq("key ring: current window != 0 -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(cur))), "MalformedInput")
    ring2 = ref.KeyRing.new(S1, D1, MIN_POLICY, 10)
    ring2.rotate(1000, S2)
    c2 = bytearray(ring2.content())
    c2[H + 11: H + 15] = bytes(4)
    c.eq("key ring: retired window 0 -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(c2))), "MalformedInput")
    c2 = bytearray(ring2.content())
    c2[H + 3: H + 11] = ref.i64(-5)
    c.eq("key ring: negative retired_at accepted", _err(lambda: ref.KeyRing.from_content(bytes(c2))),
         None)
    c2 = bytearray(ring2.content())
    c2[H + 59: H + 61] = ref.u16(1)
    c.eq("key ring: epochs not ascending -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(bytes(c2))), "MalformedInput")
    c.eq("key ring: trailing byte -> MalformedInput",
         _err(lambda: ref.KeyRing.from_content(content + b"\0")), "MalformedInput")
    c2 = bytearray(content)
    c2[-32:] = bytes(32)
    c.eq("key ring: zero scalar -> InvalidKeyMaterial",
         _err(lambda: ref.KeyRing.from_content(bytes(c2))), "InvalidKeyMaterial")

    # §9.4 grace only shrinks; prune; saturation.
    ring3 = ref.KeyRing.new(S1, D1, MIN_POLICY, 3600)
    ring3.rotate(1000, S2)
    ring3.set_grace_period(100)
    ring3.set_grace_period(3600)
    c.eq("key ring: lowered window stays lowered", ring3.generations[0].window, 100)
    ring3.prune(1099)
    c.eq("key ring: prune keeps a live generation", [g.epoch for g in ring3.generations], [1, 2])
    ring3.prune(1100)
    c.eq("key ring: prune erases an expired generation", [g.epoch for g in ring3.generations], [2])
    ring4 = ref.KeyRing.new(S1, D1, MIN_POLICY, 3600)
    ring4.rotate(1000, S2)
    ring4.set_grace_period(0)
    c.eq("key ring: grace 0 erases retired generations", [g.epoch for g in ring4.generations], [2])
    ring5 = ref.KeyRing.new(S1, D1, MIN_POLICY, 0xFFFFFFFF)
    ring5.rotate(ref.I64_MAX - 5, S2)
    c.eq("key ring: retired_at + window saturates", [g.epoch for g in ring5.generations], [1, 2])
    # 16 generations at most.
    ring6 = ref.KeyRing.new(S1, D1, MIN_POLICY, 10 ** 6)
    for i in range(20):
        ring6.rotate(1000 + i, S2 if i % 2 == 0 else S1)
    c.eq("key ring: at most 16 generations, the oldest erased",
         [g.epoch for g in ring6.generations], list(range(6, 22)))
    # A new generation takes the policy's cost; old ones keep theirs.
    ring7 = ref.KeyRing.new(S1, D1, MIN_POLICY, 3600)
    ring7.set_policy(ref.Policy(60, 5, ref.PasswordCost(20000, 2, 1)))
    ring7.rotate(1000, S2)
    c.eq("key ring: per-generation password cost",
         [ring7.password_cost(1), ring7.password_cost(2)],
         [ref.MIN_PASSWORD_COST, ref.PasswordCost(20000, 2, 1)])
    # EpochsExhausted at 2047 leaves the ring unchanged.
    g = ref.Generation(2047, S1, ref.MIN_PASSWORD_COST)
    ring8 = ref.KeyRing(MIN_POLICY, 0, D1, None, [g])
    before = ring8.content()
    c.eq("key ring: EpochsExhausted", _err(lambda: ring8.rotate(5, S2)), "EpochsExhausted")
    c.eq("key ring: unchanged after EpochsExhausted", ring8.content(), before)

    # §9.6 machine state read field by field.
    pkg = ref.KeyRing.new(S1, D1, MIN_POLICY).deployment_package()
    m = ref.Machine.enroll(pkg, S2)
    mc = m.content()
    c.eq("machine: is_enrolled_with its package", m.is_enrolled_with(pkg), True)
    c.eq("machine: epoch 0 -> MalformedInput",
         _err(lambda: ref.Machine.from_content(b"\0\0" + mc[2:])), "MalformedInput")
    c.eq("machine: cut inside the policy -> MalformedInput",
         _err(lambda: ref.Machine.from_content(mc[:40])), "MalformedInput")
    c.eq("machine: cut inside K -> MalformedInput",
         _err(lambda: ref.Machine.from_content(mc[:-1])), "MalformedInput")
    bad_x = mc[:88] + (1).to_bytes(32, "big") + mc[120:]
    c.eq("machine: x(M) = 1 -> InvalidKeyMaterial",
         _err(lambda: ref.Machine.from_content(bad_x)), "InvalidKeyMaterial")

    # §8 package body read field by field.
    body = ref.KeyRing.new(S1, D1, MIN_POLICY).deployment_package_object().content()
    for n, what in [(1, "epoch cut"), (20, "S cut"), (40, "inside the policy"),
                    (60, "signer cut"), (100, "next signer cut"), (184, "signature cut")]:
        txt = ref.base32_encode(_reenvelope(ref.KIND_DEPLOYMENT, body[:n]))
        c.eq(f"package: {what} -> MalformedInput", _err(lambda: ref.DeploymentPackage.parse(txt)),
             "MalformedInput")
    txt = ref.base32_encode(_reenvelope(ref.KIND_DEPLOYMENT, body + b"\0"))
    c.eq("package: trailing byte -> MalformedInput",
         _err(lambda: ref.DeploymentPackage.parse(txt)), "MalformedInput")
    bad = body[:35] + ref.Policy(0, 5, ref.MIN_PASSWORD_COST).encode() + body[55:]
    txt = ref.base32_encode(_reenvelope(ref.KIND_DEPLOYMENT, bad))
    c.eq("package: lifetime 0 -> InvalidPolicy", _err(lambda: ref.DeploymentPackage.parse(txt)),
         "InvalidPolicy")


    # §5 SID.
    for sid, ok in [(SID, True), (bytes.fromhex("0101000000000005" + "00000000"), True),
                    (b"", False), (SID[:-1], False), (SID + b"\0", False),
                    (b"\x02" + SID[1:], False), (bytes.fromhex("0100000000000005"), False),
                    (bytes.fromhex("0110000000000005") + bytes(64), False),
                    (bytes.fromhex("010f000000000005") + bytes(60), True)]:
        c.eq(f"sid {sid.hex()[:20]}… ({len(sid)} bytes)", _err(lambda: ref.check_sid(sid)),
             None if ok else "InvalidSid")
    c.eq("account: username error before the SID",
         _err(lambda: ref.Account.new("", "CORP", b"")), "InvalidUsername")
    c.eq("account: domain error before the SID",
         _err(lambda: ref.Account.new("a", "", b"")), "InvalidDomain")

    # §8 package signature.
    ring = ref.KeyRing.new(S1, D1, MIN_POLICY)
    pkg_obj = ring.deployment_package_object()
    env = bytearray(pkg_obj.envelope())
    c.eq("package: reads", _err(lambda: ref.DeploymentPackage.parse(pkg_obj.text())), None)
    for off, what in [(10 + 121, "r changed"), (10 + 184, "s changed"), (10 + 40, "policy changed"),
                      (10 + 100, "next signer changed")]:
        e2 = bytearray(env)
        e2[off] ^= 1
        e2 = bytes(e2[:-4])
        e2 += ref.u32(ref.crc32(e2))
        got = _err(lambda: ref.DeploymentPackage.parse(ref.base32_encode(e2)))
        c.eq(f"package: {what}, CRC-32 recomputed -> PackageSignatureInvalid or key error",
             got in ("PackageSignatureInvalid", "InvalidKeyMaterial", "InvalidPolicy"), True)
    body = pkg_obj.content()
    r = int.from_bytes(body[121:153], "big")
    s_ = int.from_bytes(body[153:185], "big")
    for sig, what, ok in [(ref.P256_N.to_bytes(32, "big") + body[153:], "r = n", False),
                          (bytes(32) + body[153:], "r = 0", False),
                          (body[121:153] + bytes(32), "s = 0", False),
                          (body[121:153] + (ref.P256_N - s_).to_bytes(32, "big"), "s -> n - s", True)]:
        txt = ref.base32_encode(_reenvelope(ref.KIND_DEPLOYMENT, body[:121] + sig))
        c.eq(f"package signature: {what}", _err(lambda: ref.DeploymentPackage.parse(txt)),
             None if ok else "PackageSignatureInvalid")
    del r
    c.eq("package: fingerprint is SHA-256 of the envelope, text form does not matter",
         ref.DeploymentPackage.parse(pkg_obj.text().lower() + "\n").fingerprint(),
         ref.sha256(bytes(env)).hex())

    # §8 enrollment and redeployment.
    m = ref.Machine.enroll(ring.deployment_package(), S2)
    c.eq("enroll: pins next signer", m.pinned_signer, ring.signer_public())
    other = ref.KeyRing.new(S1, D2, MIN_POLICY)
    c.eq("redeploy: package of another signer -> PackageSignatureInvalid",
         _err(lambda: m.redeploy(other.deployment_package(), S1)), "PackageSignatureInvalid")
    ring.set_attempt_limits(3, 7)
    ident = m.identification_code()
    m.redeploy(ring.deployment_package())
    c.eq("redeploy: same epoch takes the limits, keeps the code",
         (m.policy.failed_opens_per_code, m.policy.failed_opens_per_account,
          m.identification_code()), (3, 7, ident))
    old_pkg = ring.deployment_package()
    ring.begin_signing_key_rotation(D2)
    rot_pkg = ring.deployment_package_object()
    c.eq("signing rotation: package signed by old key names the new",
         (rot_pkg.signer, rot_pkg.next_signer),
         (ref.compressed(ref.validate_scalar(D1).public_key()),
          ref.compressed(ref.validate_scalar(D2).public_key())))
    ring.begin_signing_key_rotation(S1)
    c.eq("signing rotation: begin again changes nothing", ring.next_signing_secret, D2)
    m_missed = ref.Machine.import_(m.export())
    m.redeploy(rot_pkg)
    c.eq("redeploy: pins the next signer", m.pinned_signer, rot_pkg.next_signer)
    ring.finish_signing_key_rotation()
    c.eq("signing rotation: finished", (ring.signing_secret, ring.next_signing_secret), (D2, None))
    ring.rotate(2000, S2)
    p2 = ring.deployment_package()
    c.eq("redeploy: missed the rotation -> PackageSignatureInvalid",
         _err(lambda: m_missed.redeploy(p2, S1)), "PackageSignatureInvalid")
    before = m.content()
    m.redeploy(p2, S1)
    c.eq("redeploy: new epoch, new code", (m.epoch, m.identification_code() != ident), (2, True))
    c.eq("redeploy: old package -> PackageSignatureInvalid (old signer)",
         _err(lambda: m.redeploy(old_pkg, S2)), "PackageSignatureInvalid")
    c.eq("redeploy: changed", m.content() != before, True)
    # Older epoch signed by the pinned key.
    ring_b = ref.KeyRing.new(S1, D1, MIN_POLICY)
    ring_b.rotate(10, S2)
    mb = ref.Machine.enroll(ring_b.deployment_package(), S1)
    old_epoch = ref.DeploymentPackage.sign(1, ref.compressed(ref.validate_scalar(S1).public_key()),
                                           MIN_POLICY, ref.validate_scalar(D1),
                                           mb.pinned_signer)
    c.eq("redeploy: older epoch -> PackageEpochTooOld",
         _err(lambda: mb.redeploy(old_epoch, S2)), "PackageEpochTooOld")
    same_epoch_other_s = ref.DeploymentPackage.sign(2, ref.compressed(
        ref.validate_scalar(S1).public_key()), MIN_POLICY, ref.validate_scalar(D1), mb.pinned_signer)
    c.eq("redeploy: same epoch, other S -> PackageEpochTooOld",
         _err(lambda: mb.redeploy(same_epoch_other_s)), "PackageEpochTooOld")
    other_cost = ref.DeploymentPackage.sign(2, mb.server_public,
                                            MIN_POLICY.with_cost(ref.PasswordCost(20000, 2, 1)),
                                            ref.validate_scalar(D1), mb.pinned_signer)
    c.eq("redeploy: same epoch, other password cost -> PackageEpochTooOld",
         _err(lambda: mb.redeploy(other_cost)), "PackageEpochTooOld")

    # §9.4 signing secrets in the stored ring.
    content = ref.KeyRing.new(S1, D1, MIN_POLICY).content()
    c.eq("key ring: zero signing secret -> InvalidKeyMaterial",
         _err(lambda: ref.KeyRing.from_content(content[:24] + bytes(32) + content[56:])),
         "InvalidKeyMaterial")
    c.eq("key ring: next signing secret = n -> InvalidKeyMaterial",
         _err(lambda: ref.KeyRing.from_content(content[:56] + ref.P256_N.to_bytes(32, "big")
                                               + content[88:])), "InvalidKeyMaterial")
    c.eq("key ring: full wrapped ring is 1068 bytes",
         len(ref.make_envelope(1, bytes(90 + 16 * 59), bytes(64))), 1068)

    # §9.7 redeem, step by step (policy 60 min, skew 5 min; limits 2 per code, 3 per account).
    ring = ref.KeyRing.new(S1, D1, ref.Policy(60, 5, ref.MIN_PASSWORD_COST, 2, 3))
    m = ref.Machine.enroll(ring.deployment_package(), S2)
    now = 1795000000
    code = ring.seal(m.identification_code(), "alice", "CORP", SID, "pw", now)
    lg = ref.ReplayLedger.new(m)
    m_other = ref.Machine.enroll(ring.deployment_package(), S1)
    c.eq("redeem: ledger of another machine", _err(lambda: m_other.redeem(
        lg, code, "alice", "CORP", SID, "pw", now)), "LedgerOfAnotherMachine")
    c.eq("redeem: wrong password counted", _err(lambda: m.redeem(
        lg, code, "alice", "CORP", SID, "bad", now)), "Rejected")
    c.eq("redeem: counts after a failure", (lg.generation, lg.counts()), (1, (1, 1)))
    c.eq("redeem: wrong SID counts for another account", _err(lambda: m.redeem(
        lg, code, "alice", "CORP", SID2, "pw", now)), "Rejected")
    c.eq("redeem: code limit reached", _err(lambda: m.redeem(
        lg, code, "alice", "CORP", SID, "pw", now)), "TooManyAttempts")
    c.eq("redeem: TooManyAttempts still raises the generation", lg.generation, 3)
    snapshot = lg.content()
    c.eq("redeem: clock set back", _err(lambda: m.redeem(
        lg, code, "alice", "CORP", SID, "pw", now - 301)), "ClockSetBack")
    c.eq("redeem: ClockSetBack changes nothing", lg.content(), snapshot)
    later = now + 60 * 70 + 1  # code records pruned after L + 2s = 70 minutes
    c.eq("redeem: after the code window, the code opens (Expired is not reached: lifetime 60)",
         _err(lambda: m.redeem(lg, code, "alice", "CORP", SID, "pw", later)), "Expired")
    code2 = ring.seal(m.identification_code(), "alice", "CORP", SID, "pw2", later)
    c.eq("redeem: a new code accepted", _err(lambda: m.redeem(
        lg, code2, "alice", "CORP", SID, "pw2", later)), None)
    c.eq("redeem: accepted record resets the count",
         lg.accounts[ref.Account.new("alice", "CORP", SID).fingerprint()].count, 0)
    c.eq("redeem: again -> AlreadyUsed", _err(lambda: m.redeem(
        lg, code2, "alice", "CORP", SID, "pw2", later + 1)), "AlreadyUsed")
    exported = lg.export(bytes(range(64)))
    c.eq("ledger: wrapped import round trip",
         ref.ReplayLedger.import_(exported, bytes(range(64)), m).content(), lg.content())
    c.eq("ledger: minimum generation above -> LedgerRolledBack",
         _err(lambda: ref.ReplayLedger.import_(exported, bytes(range(64)), m,
                                               lg.generation + 1)), "LedgerRolledBack")
    c.eq("ledger: another machine -> LedgerOfAnotherMachine",
         _err(lambda: ref.ReplayLedger.import_(exported, bytes(range(64)), m_other)),
         "LedgerOfAnotherMachine")
    body = lg.content()
    c.eq("ledger import: trailing byte", _err(lambda: ref.ReplayLedger.from_content(
        body + b"\0", m)), "MalformedInput")
    c.eq("ledger import: cut short", _err(lambda: ref.ReplayLedger.from_content(
        body[:-1], m)), "MalformedInput")
    none_t = body[:42] + ref.i64(ref.I64_MIN) + body[50:]
    c.eq("ledger import: T none with records", _err(lambda: ref.ReplayLedger.from_content(
        none_t, m)), "MalformedInput")
    new_body = ref.ReplayLedger.new(m).content()
    c.eq("ledger import: new ledger", _err(lambda: ref.ReplayLedger.from_content(new_body, m)),
         None)
    c.eq("ledger: full wrapped envelope is 58968 bytes",
         len(ref.make_envelope(4, bytes(54 + 51 * 1024 + 26 * 256), bytes(64))), 58968)
    # LedgerFull: 256 code records.
    lg = ref.ReplayLedger.new(m)
    lg.latest = now
    for i in range(256):
        lg.codes[i.to_bytes(16, "big")] = ref.CodeRecord(1, now)
    c.eq("redeem: code table full -> LedgerFull", _err(lambda: m.redeem(
        lg, code2, "alice", "CORP", SID, "pw2", now)), "LedgerFull")
    c.eq("redeem: LedgerFull counts nothing", lg.counts(), (0, 256))

    _step0_and_import_checks(c)
    token_ring_record_checks(c)


def _pub(secret: bytes) -> bytes:
    return ref.compressed(ref.validate_scalar(secret).public_key())


def _step0_and_import_checks(c) -> None:
    D3 = bytes.fromhex("2222222222222222222222222222222222222222222222222222222222222222")
    # §8 redeployment step 0: a signing-key rotation package redeployed again after it moved
    # the pin is taken as it is; the same package with a changed policy is not.
    ring = ref.KeyRing.new(S1, D1, MIN_POLICY)
    m = ref.Machine.enroll(ring.deployment_package(), S2)
    ring.begin_signing_key_rotation(D2)
    rot = ring.deployment_package_object()
    c.eq("step 0: rotation package signed by D1, names D2",
         (rot.signer, rot.next_signer), (_pub(D1), _pub(D2)))
    c.eq("step 0: before the rotation package, is_enrolled_with is false (next signer differs)",
         m.is_enrolled_with(rot), False)
    m.redeploy(rot)
    c.eq("step 0: the rotation package moved the pin to D2", m.pinned_signer, _pub(D2))
    c.eq("step 0: is_enrolled_with the rotation package after it", m.is_enrolled_with(rot), True)
    before = m.content()
    c.eq("step 0: the rotation package redeployed again is taken (signer D1 is not the pin)",
         _err(lambda: m.redeploy(rot.text())), None)
    c.eq("step 0: taken as it is: the machine is unchanged", m.content(), before)
    changed = ref.DeploymentPackage.sign(rot.epoch, rot.server_public,
                                         ref.Policy(61, 5, ref.MIN_PASSWORD_COST),
                                         ref.validate_scalar(D1), rot.next_signer)
    c.eq("step 0: same package with a changed policy reads (valid signature by D1)",
         _err(lambda: ref.DeploymentPackage.parse(changed.text())), None)
    c.eq("step 0: is_enrolled_with is false when the policy differs",
         m.is_enrolled_with(changed), False)
    c.eq("step 0: same package with a changed policy -> PackageSignatureInvalid (step 1)",
         _err(lambda: m.redeploy(changed.text())), "PackageSignatureInvalid")
    c.eq("step 0: refused package leaves the machine unchanged", m.content(), before)
    # Each attempt limit is part of the compared policy.
    for what, pol in [("failed opens per code", ref.Policy(60, 5, ref.MIN_PASSWORD_COST, 4, 20)),
                      ("failed opens per account",
                       ref.Policy(60, 5, ref.MIN_PASSWORD_COST, 5, 19)),
                      ("clock skew", ref.Policy(60, 6, ref.MIN_PASSWORD_COST))]:
        p = ref.DeploymentPackage.sign(rot.epoch, rot.server_public, pol,
                                       ref.validate_scalar(D1), rot.next_signer)
        c.eq(f"step 0: {what} differs -> not step 0 -> PackageSignatureInvalid",
             (m.is_enrolled_with(p), _err(lambda: m.redeploy(p))),
             (False, "PackageSignatureInvalid"))
    # Whoever signed it: a package that changes nothing, signed by a key nobody pinned.
    stranger = ref.DeploymentPackage.sign(m.epoch, m.server_public, m.policy,
                                          ref.validate_scalar(D3), m.pinned_signer)
    c.eq("step 0: a do-nothing package signed by a stranger is taken",
         (m.is_enrolled_with(stranger), _err(lambda: m.redeploy(stranger))), (True, None))
    c.eq("step 0: ... and changes nothing", m.content(), before)
    # A package whose next signer is not the pin is not step 0, even with everything else equal.
    other_next = ref.DeploymentPackage.sign(m.epoch, m.server_public, m.policy,
                                            ref.validate_scalar(D2), _pub(D3))
    c.eq("step 0: next signer differs -> step 1 (signer D2 = pin) -> taken, pin moves to D3",
         (m.is_enrolled_with(other_next), _err(lambda: m.redeploy(other_next)),
          m.pinned_signer), (False, None, _pub(D3)))
    # Another epoch is never step 0.
    m2 = ref.Machine.enroll(ring.deployment_package(), S2)  # pins D2 (rotation under way)
    ring.finish_signing_key_rotation()
    ring.rotate(5000, S2)
    p2 = ring.deployment_package_object()
    c.eq("step 0: a new epoch is not step 0", m2.is_enrolled_with(p2), False)
    m2.redeploy(p2, S1)
    c.eq("step 0: new epoch redeployed; the same package again is step 0",
         (m2.epoch, m2.is_enrolled_with(p2)), (2, True))
    ident = m2.identification_code()
    m2.redeploy(p2, D3)
    c.eq("step 0: the same new-epoch package again keeps the key pair",
         m2.identification_code(), ident)
    # A package that does not read is refused before step 0 (§8 reading steps 0–4).
    bad = bytearray(rot.content())
    bad[-1] ^= 1
    bad_txt = ref.base32_encode(ref.make_envelope(ref.KIND_DEPLOYMENT, bytes(bad)))
    c.eq("step 0: an otherwise identical package with a broken signature does not read",
         _err(lambda: ref.Machine.from_content(before).redeploy(bad_txt)), "PackageSignatureInvalid")

    # §2: the signer leaves s as computed (no low-s normalization): over many messages both
    # halves occur, and verification accepts s and n - s.
    key = ref.validate_scalar(D1)
    highs = 0
    for i in range(32):
        sig = ref.ecdsa_sign(key, b"msg %d" % i)
        s_ = int.from_bytes(sig[32:], "big")
        highs += s_ > ref.P256_N // 2
        flipped = sig[:32] + (ref.P256_N - s_).to_bytes(32, "big")
        if not ref.ecdsa_verify(key.public_key(), b"msg %d" % i, flipped):
            highs = -1000
    c.eq("ECDSA: s left as computed (some of 32 signatures have s > n/2, some not); n - s "
         "verifies", 0 < highs < 32, True)
    c.eq("ECDSA: deterministic (RFC 6979)", ref.ecdsa_sign(key, b"x"), ref.ecdsa_sign(key, b"x"))

    # §9.7 reading: step 1 only compares epoch and x(M); a minimum of 0 refuses nothing; what
    # import does not check.
    ring = ref.KeyRing.new(S1, D1, ref.Policy(60, 5, ref.MIN_PASSWORD_COST, 2, 3))
    m = ref.Machine.enroll(ring.deployment_package(), S2)
    t = 1795000000
    lg = ref.ReplayLedger(m.epoch, m.machine_x, 0, None)
    body = lg.content()
    for ep in (0, 2, 2048, 0xFFFF):
        c.eq(f"ledger import: epoch {ep} -> LedgerOfAnotherMachine (compared, not range-checked)",
             _err(lambda: ref.ReplayLedger.from_content(ref.u16(ep) + body[2:], m)),
             "LedgerOfAnotherMachine")
    c.eq("ledger import: another machine is reported before a rolled-back generation",
         _err(lambda: ref.ReplayLedger.from_content(body[:2] + bytes(32) + body[34:], m, 5)),
         "LedgerOfAnotherMachine")
    c.eq("ledger import: generation 0 with minimum 0 reads",
         _err(lambda: ref.ReplayLedger.from_content(body, m, 0)), None)
    c.eq("ledger import: generation 0 with minimum 1 -> LedgerRolledBack",
         _err(lambda: ref.ReplayLedger.from_content(body, m, 1)), "LedgerRolledBack")
    big_gen = body[:34] + (2 ** 64 - 1).to_bytes(8, "big") + body[42:]
    c.eq("ledger import: generation 2^64 - 1 reads with minimum 0",
         _err(lambda: ref.ReplayLedger.from_content(big_gen, m, 0)), None)

    fp1, fp2 = bytes([1] * 16), bytes([2] * 16)
    def ledger(latest, accounts=(), codes=()):
        out = ref.ReplayLedger(m.epoch, m.machine_x, 7, latest)
        for fp, rec in accounts:
            out.accounts[fp] = rec
        for cid, rec in codes:
            out.codes[cid] = rec
        return out.content()
    reads = [
        ("counts above the machine's limits", ledger(t, [(fp1, ref.AccountRecord(False, bytes(16), 0, 999, t))],
                                                     [(bytes([9] * 16), ref.CodeRecord(999, t))])),
        ("negative T and negative times", ledger(-100, [(fp1, ref.AccountRecord(False, bytes(16), 0, 1, -200))],
                                                 [(bytes([9] * 16), ref.CodeRecord(1, -(2 ** 62)))])),
        ("accepted code id of zero bytes", ledger(t, [(fp1, ref.AccountRecord(True, bytes(16), ref.TIME_ORIGIN, 0, 0))])),
    ]
    for what, b in reads:
        c.eq(f"ledger import: {what} reads as stored", _err(lambda: ref.ReplayLedger.from_content(b, m)),
             None)
    # issued_at at exactly T + skew reads; one minute later does not. (T a whole minute past origin.)
    t0 = ref.TIME_ORIGIN + 60 * 1000
    at_edge = ledger(t0, [(fp1, ref.AccountRecord(True, bytes([3] * 16), t0 + 300, 0, 0))])
    past_edge = ledger(t0, [(fp1, ref.AccountRecord(True, bytes([3] * 16), t0 + 360, 0, 0))])
    c.eq("ledger import: issued_at = T + skew reads", _err(lambda: ref.ReplayLedger.from_content(at_edge, m)), None)
    c.eq("ledger import: issued_at > T + skew -> MalformedInput",
         _err(lambda: ref.ReplayLedger.from_content(past_edge, m)), "MalformedInput")
    c.eq("ledger import: issued_at not a whole minute from the origin -> MalformedInput",
         _err(lambda: ref.ReplayLedger.from_content(
             ledger(t0, [(fp1, ref.AccountRecord(True, bytes([3] * 16), t0 + 1, 0, 0))]), m)),
         "MalformedInput")
    c.eq("ledger import: issued_at before the origin -> MalformedInput",
         _err(lambda: ref.ReplayLedger.from_content(
             ledger(t0, [(fp1, ref.AccountRecord(True, bytes([3] * 16), ref.TIME_ORIGIN - 60, 0, 0))]), m)),
         "MalformedInput")
    # The skew is the machine's current one: a same-epoch redeployment that lowers it makes the
    # ledger at the edge unreadable.
    low_skew = ref.DeploymentPackage.sign(m.epoch, m.server_public,
                                          ref.Policy(60, 0, ref.MIN_PASSWORD_COST, 2, 3),
                                          ref.validate_scalar(D1), m.pinned_signer)
    m_low = ref.Machine.import_(m.export())
    m_low.redeploy(low_skew)
    c.eq("ledger import: after a redeployment lowering the skew to 0, the edge ledger -> "
         "MalformedInput", _err(lambda: ref.ReplayLedger.from_content(at_edge, m_low)),
         "MalformedInput")
    two = ledger(t0, [(fp1, ref.AccountRecord(False, bytes(16), 0, 1, t0)),
                      (fp2, ref.AccountRecord(False, bytes(16), 0, 1, t0))])
    swapped = two[:54] + two[54 + 51:54 + 102] + two[54:54 + 51]
    c.eq("ledger import: two account records in order read",
         _err(lambda: ref.ReplayLedger.from_content(two, m)), None)
    c.eq("ledger import: account records out of order -> MalformedInput",
         _err(lambda: ref.ReplayLedger.from_content(swapped, m)), "MalformedInput")

    # §9.7 redeeming: the code is parsed, then the account checked, before step 1.
    code = ring.seal(m.identification_code(), "alice", "CORP", SID, "pw", t)
    m_other = ref.Machine.enroll(ring.deployment_package(), S1)
    foreign = ref.ReplayLedger.new(m_other)
    typo = ("0" if code[0] != "0" else "2") + code[1:]
    c.eq("redeem: parse error before the ledger binding (step 1)",
         _err(lambda: m.redeem(foreign, typo, "alice", "CORP", SID, "pw", t)), "Mistyped")
    c.eq("redeem: username error before the ledger binding",
         _err(lambda: m.redeem(foreign, code, " alice", "CORP", SID, "pw", t)), "InvalidUsername")
    c.eq("redeem: SID error before the ledger binding",
         _err(lambda: m.redeem(foreign, code, "alice", "CORP", SID[:-1], "pw", t)), "InvalidSid")
    c.eq("redeem: then the ledger binding, before the password (step 2)",
         _err(lambda: m.redeem(foreign, code, "alice", "CORP", SID, "", t)),
         "LedgerOfAnotherMachine")
    c.eq("redeem: errors before step 5 leave the ledger new", foreign.generation, 0)


# ---------------------------------------------------------------------------------------------
# §9.8 token ring record, built by hand with struct from the spec's layout (not with the
# reference's encoder), then read with ref.TokenRingRecord.read.
# ---------------------------------------------------------------------------------------------

def _point(k: int) -> bytes:
    """The compressed point k·G (§2), computed by the `cryptography` package."""
    return ec.derive_private_key(k, ec.SECP256R1()).public_key().public_bytes(
        Encoding.X962, PublicFormat.CompressedPoint)


def _off_curve_point() -> bytes:
    """0x02 || x with x < p but x³ − 3x + b not a square mod p (no such point)."""
    p = ref.P256_P
    b = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
    x = 1
    while pow((x ** 3 - 3 * x + b) % p, (p - 1) // 2, p) == 1:
        x += 1
    return b"\x02" + x.to_bytes(32, "big")


def _policy(lifetime=1440, skew=10, per_code=5, per_account=20, cost=(19456, 2, 1)) -> bytes:
    return struct.pack(">HHHHIII", lifetime, skew, per_code, per_account, *cost)


def _gen(epoch, retired, retired_at, window, public, cost=(19456, 2, 1)) -> bytes:
    return struct.pack(">HBqIIII33s", epoch, retired, retired_at, window, *cost, public)


def _record_body(serial, policy, grace, signing, nxt, gens, count=None) -> bytes:
    return (struct.pack(">Q", serial) + policy + struct.pack(">I33s33sH", grace, signing, nxt,
                                                            len(gens) if count is None else count)
            + b"".join(gens))


def _envelope(body: bytes, kind: int = 5, protection: int = 0, version: int = 1) -> bytes:
    head = b"OLR" + struct.pack(">BBBI", version, kind, protection, len(body)) + body
    return head + struct.pack(">I", zlib.crc32(head))


def _read(data: bytes):
    try:
        return ref.TokenRingRecord.read(data).as_dict()
    except OfflineResetError as e:
        return e.name


def token_ring_record_checks(c) -> None:
    P1, P2, P3, SG, NX = (_point(k) for k in (11, 22, 33, 44, 55))
    cost_a, cost_b = (19456, 2, 1), (65536, 3, 4)
    pol = _policy(60, 5, 3, 9, cost_b)
    g1 = _gen(1, 1, -7, 3600, P1, cost_a)
    g3 = _gen(3, 1, 1795000000, 99999, P2, cost_b)  # window above the header's grace: as stored
    g4 = _gen(4, 0, 0, 0, P3, cost_b)
    body = _record_body(2 ** 64 - 1, pol, 120, SG, NX, [g1, g3, g4])
    c.eq("token record: body is 100 + 60·count bytes", len(body), 100 + 60 * 3)
    cost = lambda m, t, p: {"memory_kib": m, "iterations": t, "parallelism": p}  # noqa: E731
    c.eq("token record: a valid record reads back exactly", _read(_envelope(body)), {
        "serial": 2 ** 64 - 1,
        "policy": {"lifetime_minutes": 60, "clock_skew_minutes": 5, "failed_opens_per_code": 3,
                   "failed_opens_per_account": 9, "password_cost": cost(65536, 3, 4)},
        "retired_grace_seconds": 120, "signing_public": SG.hex(), "next_signing_public": NX.hex(),
        "generations": [
            {"epoch": 1, "retired": True, "retired_at": -7, "grace_window_seconds": 3600,
             "password_cost": cost(19456, 2, 1), "public": P1.hex()},
            {"epoch": 3, "retired": True, "retired_at": 1795000000, "grace_window_seconds": 99999,
             "password_cost": cost(65536, 3, 4), "public": P2.hex()},
            {"epoch": 4, "retired": False, "retired_at": 0, "grace_window_seconds": 0,
             "password_cost": cost(65536, 3, 4), "public": P3.hex()}]})
    one = _record_body(0, _policy(), 0, SG, bytes(33), [_gen(2047, 0, 0, 0, P1)])
    got = _read(_envelope(one))
    c.eq("token record: next signing key of 33 zero bytes reads as none; serial 0, epoch 2047",
         (got["next_signing_public"], got["serial"], got["generations"][0]["epoch"])
         if isinstance(got, dict) else got, (None, 0, 2047))
    # The reference's own encoder and a ring's public part agree with the hand-built bytes.
    ring = ref.KeyRing.new(S1, D1, MIN_POLICY, 600)
    ring.rotate(1795000000, S2)
    ring.begin_signing_key_rotation(D2)
    rec = ref.TokenRingRecord.of_key_ring(ring, 7)
    by_hand = _record_body(7, _policy(60, 5, 5, 20, (19456, 2, 1)), 600, _pub(D1), _pub(D2), [
        _gen(1, 1, 1795000000, 600, _pub(S1)), _gen(2, 0, 0, 0, _pub(S2))])
    c.eq("token record: a ring's record (reference encoder) = the hand-built bytes",
         rec.envelope(), _envelope(by_hand))
    c.eq("token record: ... and reads back as that record",
         ref.TokenRingRecord.read(_envelope(by_hand)), rec)

    # §9.2 envelope: kind 5, plain, in §9.2's order.
    env = _envelope(body)
    for what, data, err in [
        ("magic", b"OLX" + env[3:], "MalformedInput"),
        ("version 2", _envelope(body, version=2), "UnsupportedVersion"),
        ("13 bytes", env[:13], "Truncated"),
        ("body length > 2^20", env[:6] + struct.pack(">I", 2 ** 20 + 1) + env[10:],
         "MalformedInput"),
        ("cut short", env[:-1], "Truncated"),
        ("a byte after the CRC", env + b"\0", "MalformedInput"),
        ("CRC", env[:-1] + bytes([env[-1] ^ 1]), "Corrupted"),
        ("kind 1 (a §9.4 key ring)", _envelope(body, kind=1), "WrongKind"),
        ("kind 4", _envelope(body, kind=4), "WrongKind"),
        ("wrapped (protection 1): a plain envelope is read with no wrapping key",
         _envelope(body, protection=1), "WrappingMismatch"),
        ("protection 2", _envelope(body, protection=2), "MalformedInput"),
        ("kind checked before protection", _envelope(body, kind=2, protection=1), "WrongKind"),
    ]:
        c.eq(f"token record envelope: {what} -> {err}", _read(data), err)

    def body_with(**kw):
        a = dict(serial=1, policy=_policy(), grace=0, signing=SG, nxt=bytes(33),
                 gens=[_gen(1, 1, 5, 1, P1), _gen(2, 0, 0, 0, P2)], count=None)
        a.update(kw)
        return _envelope(_record_body(**a))

    c.eq("token record: the base case reads", isinstance(_read(body_with()), dict), True)
    bad_points = [("x not on the curve", _off_curve_point()),
                  ("x = p", b"\x02" + ref.P256_P.to_bytes(32, "big")),
                  ("prefix 0x04", b"\x04" + SG[1:]), ("prefix 0x00", b"\x00" + SG[1:]),
                  ("33 zero bytes", bytes(33))]
    cases = [
        # §9.5 policy ranges, checked once the 20-byte field is read -> InvalidPolicy.
        ("lifetime 0", dict(policy=_policy(lifetime=0)), "InvalidPolicy"),
        ("lifetime 16384", dict(policy=_policy(lifetime=16384)), "InvalidPolicy"),
        ("skew 1441", dict(policy=_policy(skew=1441)), "InvalidPolicy"),
        ("failed opens per code 0", dict(policy=_policy(per_code=0)), "InvalidPolicy"),
        ("failed opens per account 1001", dict(policy=_policy(per_account=1001)), "InvalidPolicy"),
        ("policy memory 19455", dict(policy=_policy(cost=(19455, 2, 1))), "InvalidPolicy"),
        ("policy lanes 17", dict(policy=_policy(cost=(19456, 2, 17))), "InvalidPolicy"),
        ("generation passes 65", dict(gens=[_gen(1, 1, 5, 1, P1, (19456, 65, 1)),
                                            _gen(2, 0, 0, 0, P2)]), "InvalidPolicy"),
        ("generation memory 1048577", dict(gens=[_gen(1, 1, 5, 1, P1),
                                                 _gen(2, 0, 0, 0, P2, (1048577, 2, 1))]),
         "InvalidPolicy"),
        ("limits 1000/1000, skew 1440, lifetime 16383, cost at the ceilings read",
         dict(policy=_policy(16383, 1440, 1000, 1000, (1048576, 64, 16))), None),
        # §9.8 points -> InvalidKeyMaterial.
        *[(f"signing key: {w}", dict(signing=pt), "InvalidKeyMaterial") for w, pt in bad_points],
        *[(f"next signing key: {w}", dict(nxt=pt), "InvalidKeyMaterial")
          for w, pt in bad_points[:4]],
        ("next signing key 0x00 then 31 zeros and 0x01", dict(nxt=bytes(32) + b"\x01"),
         "InvalidKeyMaterial"),
        *[(f"retired generation's key: {w}", dict(gens=[_gen(1, 1, 5, 1, pt), _gen(2, 0, 0, 0, P2)]),
           "InvalidKeyMaterial") for w, pt in bad_points],
        ("current generation's key: x not on the curve",
         dict(gens=[_gen(1, 1, 5, 1, P1), _gen(2, 0, 0, 0, _off_curve_point())]),
         "InvalidKeyMaterial"),
        ("next signing key = the signing key reads (no rule against it)", dict(nxt=SG), None),
        # §9.4 count, epochs, flags, windows -> MalformedInput.
        ("count 0", dict(gens=[]), "MalformedInput"),
        ("count 17", dict(gens=[_gen(e, 1, 5, 1, P1) for e in range(1, 17)]
                          + [_gen(17, 0, 0, 0, P2)]), "MalformedInput"),
        ("count 16 reads", dict(gens=[_gen(e, 1, 5, 1, P1) for e in range(1, 16)]
                                + [_gen(16, 0, 0, 0, P2)]), None),
        ("count 3 with 2 generations", dict(count=3), "MalformedInput"),
        ("count 1 with 2 generations (the first is then current and retired)", dict(count=1),
         "MalformedInput"),
        ("epoch 0", dict(gens=[_gen(0, 1, 5, 1, P1), _gen(2, 0, 0, 0, P2)]), "MalformedInput"),
        ("epoch 2048", dict(gens=[_gen(2048, 0, 0, 0, P1)]), "MalformedInput"),
        ("epochs equal", dict(gens=[_gen(2, 1, 5, 1, P1), _gen(2, 0, 0, 0, P2)]),
         "MalformedInput"),
        ("epochs descending", dict(gens=[_gen(3, 1, 5, 1, P1), _gen(2, 0, 0, 0, P2)]),
         "MalformedInput"),
        ("current generation retired = 1", dict(gens=[_gen(1, 1, 5, 1, P1), _gen(2, 1, 0, 0, P2)]),
         "MalformedInput"),
        ("retired generation retired = 0", dict(gens=[_gen(1, 0, 5, 1, P1), _gen(2, 0, 0, 0, P2)]),
         "MalformedInput"),
        ("retired flag 2", dict(gens=[_gen(1, 2, 5, 1, P1), _gen(2, 0, 0, 0, P2)]),
         "MalformedInput"),
        ("current retired at 1", dict(gens=[_gen(1, 1, 5, 1, P1), _gen(2, 0, 1, 0, P2)]),
         "MalformedInput"),
        ("current grace window 1", dict(gens=[_gen(1, 1, 5, 1, P1), _gen(2, 0, 0, 1, P2)]),
         "MalformedInput"),
        ("retired grace window 0", dict(gens=[_gen(1, 1, 5, 0, P1), _gen(2, 0, 0, 0, P2)]),
         "MalformedInput"),
        ("retired at the smallest i64 and window 2^32 − 1 read",
         dict(gens=[_gen(1, 1, -2 ** 63, 2 ** 32 - 1, P1), _gen(2, 0, 0, 0, P2)]), None),
        # Fields are checked as they are read, in order: the first failure is the answer.
        ("bad policy before a bad signing key", dict(policy=_policy(lifetime=0), signing=bytes(33)),
         "InvalidPolicy"),
        ("bad signing key before count 0", dict(signing=bytes(33), gens=[]), "InvalidKeyMaterial"),
        ("bad next signing key before count 17",
         dict(nxt=_off_curve_point(), count=17), "InvalidKeyMaterial"),
        ("count 0 before anything a generation holds", dict(gens=[_gen(0, 7, 1, 0, bytes(33))],
                                                            count=0), "MalformedInput"),
        ("generation's epoch before its bad key", dict(gens=[_gen(0, 1, 5, 1, bytes(33)),
                                                             _gen(2, 0, 0, 0, P2)]),
         "MalformedInput"),
        ("generation's cost before its bad key", dict(gens=[_gen(1, 1, 5, 1, bytes(33), (1, 2, 1)),
                                                            _gen(2, 0, 0, 0, P2)]),
         "InvalidPolicy"),
        ("first generation's bad key before the second's bad flag",
         dict(gens=[_gen(1, 1, 5, 1, bytes(33)), _gen(2, 1, 0, 0, P2)]), "InvalidKeyMaterial"),
        ("first generation's bad window before the second's bad key",
         dict(gens=[_gen(1, 1, 5, 0, P1), _gen(2, 0, 0, 0, bytes(33))]), "MalformedInput"),
        ("the current flag is checked as read (before a bad cost of the same generation)",
         dict(gens=[_gen(1, 1, 5, 1, P1), _gen(2, 1, 0, 0, P2, (1, 1, 1))]), "MalformedInput"),
    ]
    for what, kw, err in cases:
        got = _read(body_with(**kw))
        c.eq(f"token record: {what} -> {err or 'reads'}",
             got if isinstance(got, str) else None, err)
    # Trailing bytes and truncation (the envelope rebuilt around the changed body).
    base = _record_body(1, _policy(), 0, SG, NX, [_gen(1, 1, 5, 1, P1), _gen(2, 0, 0, 0, P2)])
    c.eq("token record: one byte after the last generation -> MalformedInput",
         _read(_envelope(base + b"\0")), "MalformedInput")
    c.eq("token record: a whole extra generation after count -> MalformedInput",
         _read(_envelope(base + _gen(3, 0, 0, 0, P3))), "MalformedInput")
    cut = sorted({_read(_envelope(base[:n])) for n in range(len(base))})
    c.eq("token record: the body cut at every length -> MalformedInput (cut inside the policy "
         "included)", cut, ["MalformedInput"])

#!/usr/bin/env python3
"""Checks every vector in tests/vectors/*.json against the independent Python implementation.

Run: python3 tests/interop/test_vectors.py   (needs the `cryptography` package; see run.sh)
Ends with `interop: N passed, M failed`; exits non-zero when M > 0.

Every expected value is recomputed from the vectors' inputs (secrets, texts, times, names);
expected outputs are only compared with, never fed back in.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import offline_reset_reference as ref  # noqa: E402
from offline_reset_reference import OfflineResetError  # noqa: E402

VECTORS = os.environ.get("OFFLINE_RESET_VECTORS", os.path.join(HERE, "..", "vectors"))
UPCASE = os.path.join(VECTORS, "windows-upcase", "upcase.json")
KNOWN_FILES = {
    "account.json", "deployment_package.json", "identification_code.json",
    "identification_uri.json",
    "key_schedule.json", "pasted.json", "replay_ledger.json", "reset_code.json",
    "stored_objects.json",
}
# Not protocol vectors (PROTOCOL.md §13): the bindings' conformance file and the help-desk
# spelling aid. Listed so that a new, unknown file still fails.
NOT_PROTOCOL_FILES = {"bindings.json", "spelling.json"}


def h(s: str) -> bytes:
    return bytes.fromhex(s)


class Checker:
    def __init__(self, name: str):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.messages: list[str] = []

    def eq(self, what: str, got, expected) -> None:
        if got == expected:
            self.passed += 1
        else:
            self.failed += 1
            self.messages.append(f"  FAIL {what}\n    expected: {expected!r}\n    got:      {got!r}")

    def result(self, what: str, fn, expected: dict, ok_view=lambda v: v) -> None:
        """Run fn() and compare with an expected {"ok": ...} / {"error": {...}} result."""
        try:
            got = {"ok": ok_view(fn())}
        except OfflineResetError as e:
            got = {"error": e.as_dict()}
        except Exception as e:  # a bug in the implementation, reported as a failure
            got = {"exception": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()}
        self.eq(what, got, expected)

    def crash(self, what: str) -> None:
        self.failed += 1
        self.messages.append(f"  FAIL {what}: exception\n{traceback.format_exc()}")


# Where the vectors leave an input out and this checker has to supply it, it says so here; the
# list is printed after the counts (each is a gap between the spec/vectors and a reimplementation).
GAPS: list = []


def gap(note: str) -> None:
    if note not in GAPS:
        GAPS.append(note)


def test_secret(label: str) -> bytes:
    """§13: each secret of the vectors is SHA-256("offline-reset test vectors: " || label). Used
    only to check that rule against the secrets the files give, and for a machine secret the
    bindings' redeploy case leaves to the implementation's random draw."""
    return ref.sha256(b"offline-reset test vectors: " + label.encode("ascii"))


SIGNING_LABEL = "deployment signing key"  # §13


class VectorFieldMissing(Exception):
    pass


def need(v: dict, key: str, where: str):
    """A field §13 says the file carries; its absence is a failure, never a guess."""
    if key not in v:
        raise VectorFieldMissing(f"{where}: no {key!r} (§13 says the vectors carry it)")
    return v[key]


def signing_secret_of(c: "Checker", v: dict, where: str) -> bytes:
    """§13: the deployment signing secret is `signing_secret` (label `deployment signing key`)."""
    d = h(need(v, "signing_secret", where))
    c.eq(f"{where}: signing_secret is SHA-256 of the §13 prefix || {SIGNING_LABEL!r}",
         d, test_secret(SIGNING_LABEL))
    return d


POLICY_KEYS = {"reset_code_lifetime_minutes", "clock_skew_minutes", "failed_opens_per_code",
               "failed_opens_per_account", "password_cost"}
COST_KEYS = {"memory_kib", "iterations", "parallelism"}


def policy_from(v: dict, c: "Checker" = None, where: str = "policy") -> ref.Policy:
    """§13's policy form, exactly: every field present, no other."""
    if c is not None:
        c.eq(f"{where}: JSON fields are §13's", sorted(v), sorted(POLICY_KEYS))
        c.eq(f"{where}: password_cost fields are §13's", sorted(v["password_cost"]),
             sorted(COST_KEYS))
    pc = need(v, "password_cost", where)
    return ref.Policy(need(v, "reset_code_lifetime_minutes", where),
                      need(v, "clock_skew_minutes", where),
                      ref.PasswordCost(need(pc, "memory_kib", where),
                                       need(pc, "iterations", where),
                                       need(pc, "parallelism", where)),
                      need(v, "failed_opens_per_code", where),
                      need(v, "failed_opens_per_account", where)).validate()


def opened_view(o):
    return {"expires_at": o.expires_at, "issued_at": o.issued_at}


def sid_of(case: dict, where: str) -> bytes:
    """§13: every account carries its SID."""
    return h(need(case, "sid", where))


def check_key_schedule(c: Checker, v: dict) -> None:
    for i, case in enumerate(v["cases"]):
        w = f"case {i} (epoch {case['epoch']})"
        s = ref.validate_scalar(h(case["server_secret"]))
        m = ref.validate_scalar(h(case["machine_secret"]))
        s_pub = ref.compressed(s.public_key())
        c.eq(f"{w}: server_public", s_pub.hex(), case["server_public"])
        mx = ref.x_coordinate(m.public_key())
        c.eq(f"{w}: machine_public_x", mx.hex(), case["machine_public_x"])
        z_machine = ref.ecdh(m, ref.validate_compressed_point(s_pub))
        c.eq(f"{w}: shared_secret (machine side)", z_machine.hex(), case["shared_secret"])
        z_server = ref.ecdh(s, ref.machine_point_from_x(mx))
        c.eq(f"{w}: shared_secret (server side, M')", z_server.hex(), case["shared_secret"])
        prk, k = ref.key_schedule(z_machine, case["epoch"], s_pub, mx)
        c.eq(f"{w}: prk", prk.hex(), case["prk"])
        c.eq(f"{w}: machine_key", k.hex(), case["machine_key"])


def check_identification_code(c: Checker, v: dict) -> None:
    for i, case in enumerate(v["valid"]):
        w = f"valid {i} (epoch {case['epoch']})"
        m = ref.validate_scalar(h(case["machine_secret"]))
        mx = ref.x_coordinate(m.public_key())
        c.eq(f"{w}: machine_public_x", mx.hex(), case["machine_public_x"])
        ident = ref.IdentificationCode(case["epoch"], mx)
        c.eq(f"{w}: payload", ident.payload().hex(), case["payload"])
        c.eq(f"{w}: code", ident.text(), case["code"])
        c.result(f"{w}: parse code", lambda: ref.IdentificationCode.parse(case["code"]),
                 {"ok": [case["epoch"], case["machine_public_x"]]},
                 lambda r: [r.epoch, r.machine_x.hex()])
    for i, case in enumerate(v["parse"]):
        c.result(f"parse {i} {case['input']!r}",
                 lambda: ref.IdentificationCode.parse(case["input"]), case["result"],
                 lambda r: r.text())


def check_identification_uri(c: Checker, v: dict) -> None:
    """§6.1: building the URI from a base and a code (each refusal), and the portal's reader."""
    code = ref.IdentificationCode.parse(v["code"])
    c.eq("code is canonical", code.text(), v["code"])
    # The code is machine A's (epoch 1) of identification_code.json, recomputed from its secret.
    with open(os.path.join(VECTORS, "identification_code.json"), encoding="utf-8") as fh:
        ids = json.load(fh)
    recomputed = {ref.IdentificationCode(x["epoch"], ref.x_coordinate(
        ref.validate_scalar(h(x["machine_secret"])).public_key())).text() for x in ids["valid"]}
    c.eq("code is one of identification_code.json's machines", v["code"] in recomputed, True)
    for i, case in enumerate(v["uris"]):
        w = f"uri {i} {case['base_url']!r}"
        c.result(w, lambda: code.uri(case["base_url"]), case["result"])
        if "ok" in case["result"]:
            # The portal reads back what the tile built.
            c.result(f"{w}: read back", lambda: ref.parse_uri_or_code(code.uri(case["base_url"])),
                     {"ok": v["code"]}, lambda r: r.text())
    for i, case in enumerate(v["reads"]):
        c.result(f"read {i} {case['input']!r}", lambda: ref.parse_uri_or_code(case["input"]),
                 case["result"], lambda r: r.text())
    # Rule 1's length bound at its edge (512 bytes accepted, 513 refused).
    head = "https://reset.example.com/"
    for n, ok in ((512, True), (513, False)):
        base = head + "a" * (n - len(head))
        c.result(f"base of {n} bytes", lambda: len(code.uri(base)) - len(base),
                 {"ok": 1 + len("olr-id=") + 71} if ok else
                 {"error": {"name": "MalformedInput", "code": 1}})


def check_pasted(c: Checker, v: dict) -> None:
    kinds = {"identification_code": ref.IDENTIFICATION, "reset_code": ref.RESET}
    for i, case in enumerate(v["cases"]):
        w = f"case {i} ({case['kind']}: {case['what']})"
        c.eq(f"{w}: input_utf8", case["input"].encode("utf-8").hex(), case["input_utf8"])
        kind = kinds[case["kind"]]
        c.result(w, lambda: ref.parse_typed(h(case["input_utf8"]).decode("utf-8"), kind),
                 case["result"], lambda p: ref.encode_typed(p, kind))




def check_account(c: Checker, v: dict) -> None:
    no_sid = [i for i, case in enumerate(v["accounts"]) if "sid" not in case]
    if no_sid:
        gap(f"account.json: {len(no_sid)} of {len(v['accounts'])} accounts carry no \"sid\", "
            f"although §13 says every account carries its SID; those are checked as names "
            f"alone (§5: username, then domain, are checked before the SID), no SID supplied")
    for i, case in enumerate(v["accounts"]):
        w = f"account {i} ({case['what']}: {case['username']!r}, {case['domain']!r})"
        if "sid" in case:
            def normalize(case=case):
                a = ref.Account.new(case["username"], case["domain"], h(case["sid"]))
                return a.username, a.domain
        else:
            def normalize(case=case):
                return ref.Account.names(case["username"], case["domain"])
        c.result(w, normalize, case["result"], lambda a: {"domain": a[1], "username": a[0]})
        c.eq(f"{w}: username_problem", ref.name_problem(case["username"]),
             case["username_problem"])
        c.eq(f"{w}: domain_problem", ref.name_problem(case["domain"]), case["domain_problem"])
        # The error carries the problem of the name it names.
        try:
            normalize()
            problem = None
        except OfflineResetError as e:
            problem = e.problem
        c.eq(f"{w}: problem carried by the error", problem,
             case["username_problem"] or case["domain_problem"])
    for i, case in enumerate(v.get("sids", [])):
        c.result(f"sid {i} ({case.get('what')})", lambda: ref.check_sid(h(case["sid"])).hex(),
                 case["result"])
    for i, case in enumerate(v["default_offline_domain"]):
        c.result(f"default_offline_domain {i} ({case['fqdn']!r})",
                 lambda: ref.default_offline_domain(case["fqdn"]), case["result"])


def package_view(p: ref.DeploymentPackage, expected: dict):
    """§13: parsing gives {"epoch", "server_public"}; further fields when the vector has them."""
    out = {"epoch": p.epoch, "server_public": p.server_public.hex()}
    extra = {"signer": p.signer.hex(), "next_signer": p.next_signer.hex(),
             "fingerprint": p.fingerprint()}
    ok = expected.get("ok") if isinstance(expected, dict) else None
    if isinstance(ok, dict):
        for k in ok:
            if k in extra:
                out[k] = extra[k]
    return out


DEPLOYMENT_KEYS = {"description", "envelope", "epoch", "fingerprint", "next_signer", "parse",
                   "policy", "read_bytes", "server_public", "signature", "signed_message",
                   "signer", "signing_secret", "text"}


def _field_of_offset(off: int) -> str:
    """The §8 body field (or envelope part) an envelope offset falls in."""
    if off < 10:
        return "envelope header"
    o = off - 10
    for end, name in ((2, "epoch"), (35, "S"), (37, "lifetime"), (39, "skew"),
                      (41, "failed opens per code"), (43, "failed opens per account"),
                      (55, "password cost"), (88, "signer"), (121, "next signer"),
                      (153, "signature r"), (185, "signature s")):
        if o < end:
            return name
    return "CRC-32"


def check_deployment_package(c: Checker, v: dict) -> None:
    c.eq("deployment_package.json: top-level fields (a new one needs a check here)",
         sorted(set(v) - DEPLOYMENT_KEYS), [])
    policy = policy_from(v["policy"], c, "deployment_package.json policy")
    d = signing_secret_of(c, v, "deployment_package.json")
    d_key = ref.validate_scalar(d)
    signer = ref.compressed(d_key.public_key())
    c.eq("signer = public key of signing_secret", signer.hex(), need(v, "signer", "package"))
    # §9.4: no signing-key rotation under way, so next signer = signer.
    c.eq("next_signer = signer (no signing-key rotation under way)",
         need(v, "next_signer", "package"), signer.hex())
    pkg = ref.DeploymentPackage.sign(v["epoch"], h(v["server_public"]), policy, d_key,
                                     h(v["next_signer"]))
    signed_message = ref.DEPLOYMENT_SIGNATURE_LABEL + pkg.signed()
    c.eq("signed_message = label (35 bytes) || signed (121 bytes)", signed_message.hex(),
         need(v, "signed_message", "package"))
    c.eq("signed_message length 156", len(h(v["signed_message"])), 35 + 121)
    c.eq("signature: RFC 6979 ECDSA P-256/SHA-256, r || s, s as computed", pkg.signature.hex(),
         need(v, "signature", "package"))
    sig = h(v["signature"])
    s_val = int.from_bytes(sig[32:], "big")
    print(f"deployment_package.json: the vector's signature has s {'>' if s_val > ref.P256_N // 2 else '<='} n/2 "
          f"({'high-s: proves no low-s normalization' if s_val > ref.P256_N // 2 else 'low-s'})")
    c.eq("vector's signature verifies under signer over signed_message (§2)",
         ref.ecdsa_verify(ref.validate_compressed_point(h(v["signer"])), h(v["signed_message"]),
                          sig), True)
    c.eq("vector's signature with s -> n - s also verifies (no low-s rule, §2)",
         ref.ecdsa_verify(ref.validate_compressed_point(h(v["signer"])), h(v["signed_message"]),
                          sig[:32] + (ref.P256_N - s_val).to_bytes(32, "big")), True)
    c.eq("envelope (199 bytes, kind 3, plain)", pkg.envelope().hex(), need(v, "envelope", "package"))
    c.eq("envelope length 199", len(h(v["envelope"])), 199)
    c.eq("fingerprint = SHA-256 of the envelope bytes", pkg.fingerprint(),
         need(v, "fingerprint", "package"))
    c.eq("fingerprint of the file's own envelope", ref.sha256(h(v["envelope"])).hex(),
         v["fingerprint"])
    text = pkg.text()
    c.eq("text = base32 of the envelope", text, v["text"])
    c.eq("text decodes to the file's envelope", ref.base32_decode(v["text"]).hex(), v["envelope"])
    c.eq("text length 319", len(text), 319)
    c.eq("body length 185", len(pkg.content()), 185)
    c.result("parse text: every field", lambda: ref.DeploymentPackage.parse(v["text"]),
             {"ok": [v["epoch"], v["server_public"], policy, v["signer"], v["next_signer"],
                     v["signature"], v["fingerprint"]]},
             lambda p: [p.epoch, p.server_public.hex(), p.policy, p.signer.hex(),
                        p.next_signer.hex(), p.signature.hex(), p.fingerprint()])
    original = h(v["envelope"])
    for i, case in enumerate(v["parse"]):
        w = f"parse {i} ({case['what']})"
        c.result(w, lambda: ref.DeploymentPackage.parse(case["input"]),
                 case["result"], lambda p: package_view(p, case["result"]))
        err = case["result"].get("error", {}).get("name")
        if err != "PackageSignatureInvalid":
            continue
        # A package changed after signing, its CRC-32 made right again (§13): the envelope
        # opens, every field reads, only the signature check fails. Check which field changed.
        try:
            env = ref.base32_decode(case["input"])
            c.eq(f"{w}: 199 bytes, CRC-32 right", (len(env), ref.u32(ref.crc32(env[:-4]))),
                 (199, env[-4:]))
            changed = sorted({_field_of_offset(k) for k in range(195)
                              if env[k] != original[k]})
            what = case["what"]
            sig_r = int.from_bytes(env[10 + 121:10 + 153], "big")
            sig_s = int.from_bytes(env[10 + 153:10 + 185], "big")
            if "s = n" in what:
                c.eq(f"{w}: only s changed, and s = n", (changed, sig_s == ref.P256_N),
                     (["signature s"], True))
            elif "all zero" in what:
                c.eq(f"{w}: r = s = 0", (sig_r, sig_s), (0, 0))
            elif "lifetime" in what:
                c.eq(f"{w}: only the lifetime changed", changed, ["lifetime"])
            elif "last byte" in what:
                c.eq(f"{w}: only the signature's last byte changed",
                     [k for k in range(195) if env[k] != original[k]], [10 + 184])
            else:
                c.eq(f"{w}: a signature-invalid case this checker knows", what, None)
            if sig_r and sig_s:
                # The rest of the package reads (steps 3), so step 4 is what fails.
                c.eq(f"{w}: signature does not verify",
                     ref.ecdsa_verify(ref.validate_compressed_point(env[10 + 55:10 + 88]),
                                      ref.DEPLOYMENT_SIGNATURE_LABEL + env[10:10 + 121],
                                      env[10 + 121:10 + 185]), False)
        except Exception:
            c.crash(f"{w}: changed-after-signing analysis")
    for i, case in enumerate(v["read_bytes"]):
        c.result(f"read_bytes {i} ({case['what']})",
                 lambda: ref.DeploymentPackage.from_bytes(h(case["input_hex"])), case["result"],
                 lambda p: package_view(p, case["result"]))


def check_reset_code(c: Checker, v: dict) -> None:
    policy = policy_from(v["policy"], c, "reset_code.json policy")
    d = signing_secret_of(c, v, "reset_code.json")
    ring = ref.KeyRing.new(h(v["server_secret"]), d, policy)
    package = ring.deployment_package()
    machine_a = ref.Machine.enroll(package, h(v["machine_a_secret"]))
    machine_b = ref.Machine.enroll(package, h(v["machine_b_secret"]))
    c.eq("machine A epoch", machine_a.epoch, v["epoch"])
    c.eq("machine A password cost = the ring's", machine_a.password_cost,
         ring.password_cost(v["epoch"]))
    for case in v["cases"]:
        w = f"case {case['name']}"
        sid = sid_of(case, "reset_code.json cases")
        c.eq(f"{w}: machine A identification code", machine_a.identification_code(),
             case["identification_code"])
        c.eq(f"{w}: password_utf8", case["password"].encode("utf-8").hex(), case["password_utf8"])
        c.result(f"{w}: normalized account",
                 lambda: ref.Account.new(case["username"], case["domain"], sid),
                 {"ok": {"domain": case["normalized_domain"], "username": case["normalized_username"]}},
                 lambda a: {"domain": a.domain, "username": a.username})
        sealed = None
        try:
            sealed = ring.seal(case["identification_code"], case["username"], case["domain"],
                               sid, case["password"], case["now"])
            c.eq(f"{w}: seal", sealed, case["reset_code"])
        except Exception:
            c.crash(f"{w}: seal")
        try:
            acct = ref.Account.new(case["username"], case["domain"], sid)
            salt = ref.password_salt(machine_a.epoch, machine_a.machine_x, acct)
            c.eq(f"{w}: password_salt", salt.hex(), case["password_salt"])
            b = ref.password_binding(case["password"].encode("utf-8"), machine_a.epoch,
                                     machine_a.machine_x, acct, machine_a.password_cost)
            c.eq(f"{w}: password_binding", b.hex(), case["password_binding"])
            payload = ref.parse_typed(case["reset_code"], ref.RESET)
            pt = ref.aes_siv_open(machine_a.key,
                                  ref.reset_code_ad(machine_a.epoch, machine_a.machine_x, acct, b),
                                  payload[2:])
            c.eq(f"{w}: plaintext", pt.hex(), case["plaintext"])
        except Exception:
            c.crash(f"{w}: password binding / plaintext")
        # §13: every open carries its SID, and each case has one open with another account's
        # SID (the same names), which must be Rejected (§7.2 step 3).
        other_sid_opens = [o for o in case["opens_on_machine_a"]
                           if "sid" in o and h(o["sid"]) != sid]
        c.eq(f"{w}: every open on A carries a SID",
             [o["what"] for o in case["opens_on_machine_a"] if "sid" not in o], [])
        c.eq(f"{w}: exactly one open with another account's SID",
             [(o["username"], o["domain"], o["password"], o["now"], o["result"])
              for o in other_sid_opens],
             [(case["username"], case["domain"], case["password"], case["now"],
               {"error": {"name": "Rejected", "code": 7}})])
        for o in other_sid_opens:
            c.eq(f"{w}: the other SID is well-formed (§5), so the refusal is the binding's",
                 ref.check_sid(h(o["sid"])).hex(), o["sid"])
        for o in case["opens_on_machine_a"]:
            osid = h(need(o, "sid", f"{w} open {o['what']}"))
            c.result(f"{w}: open on A ({o['what']})",
                     lambda: machine_a.open_for_diagnostics(case["reset_code"], o["username"],
                                                            o["domain"], osid, o["password"],
                                                            o["now"]),
                     o["result"], opened_view)
        c.result(f"{w}: open on B",
                 lambda: machine_b.open_for_diagnostics(case["reset_code"], case["username"],
                                                        case["domain"], sid, case["password"],
                                                        case["now"]),
                 case["opens_on_machine_b"], opened_view)
        # The SID is bound (§7.1 step 6): another SID of the same name is Rejected.
        other = bytearray(sid)
        other[-1] ^= 1
        c.result(f"{w}: open on A with another SID (derived, not a vector)",
                 lambda: machine_a.open_for_diagnostics(case["reset_code"], case["username"],
                                                        case["domain"], bytes(other),
                                                        case["password"], case["now"]),
                 {"error": {"name": "Rejected", "code": 7}}, opened_view)
    for i, case in enumerate(v["parse"]):
        c.result(f"parse {i} {case['input']!r}", lambda: ref.parse_typed(case["input"], ref.RESET),
                 case["result"], lambda p: ref.encode_typed(p, ref.RESET))

    for i, case in enumerate(v["seal_edge_cases"]):
        sid = sid_of(case, "reset_code.json seal_edge_cases")
        c.result(f"seal edge case {i} ({case['what']})",
                 lambda: ring.seal(case["identification_code"], case["username"], case["domain"],
                                   sid, case["password"], case["now"]),
                 case["result"])

    # Key rotation: every operation names its time.
    r = v["rotation"]
    t = r["rotated_at"]
    acct = r["account"]
    asid = h(acct["sid"])
    s2 = h(r["epoch_2_server_secret"])
    old_id = machine_a.identification_code()
    c.eq("rotation: epoch_1_reset_code is the help-desk code",
         ring.seal(old_id, acct["username"], acct["domain"], asid, r["password"],
                   v["cases"][0]["now"]),
         r["epoch_1_reset_code"])

    ring0 = ref.KeyRing.new(h(v["server_secret"]), d, policy, 0)
    ring0.rotate(t, s2)
    c.eq("rotation: no grace ring holds only epoch 2", [g.epoch for g in ring0.generations], [2])
    # The epoch-2 machine: redeployed from the epoch-1 enrollment (§8 rule 4), which gives the
    # same state as a first enrollment from the epoch-2 package.
    machine_a2 = ref.Machine.enroll(package, h(v["machine_a_secret"]))
    machine_a2.redeploy(ring0.deployment_package(), h(r["epoch_2_machine_a_secret"]))
    fresh = ref.Machine.enroll(ring0.deployment_package(), h(r["epoch_2_machine_a_secret"]))
    c.eq("rotation: redeployed machine = enrolled afresh", machine_a2.content(), fresh.content())
    c.eq("rotation: epoch 2 identification code", machine_a2.identification_code(),
         r["epoch_2_identification_code"])
    op = r["epoch_2_reset_code"]
    epoch_2_code = None
    try:
        epoch_2_code = ring0.seal(machine_a2.identification_code(), acct["username"],
                                  acct["domain"], asid, r["password"], op["now"])
    except Exception:
        c.crash("rotation: seal epoch 2 reset code")
    c.eq("rotation: seal epoch 2 reset code", epoch_2_code, op["result"])
    c.result("rotation: epoch 2 code opens on epoch 2 machine (implied)",
             lambda: machine_a2.open_for_diagnostics(epoch_2_code, acct["username"],
                                                     acct["domain"], asid, r["password"],
                                                     op["now"]) and "opened",
             {"ok": "opened"})
    op = r["seal_old_id_no_grace"]
    c.result("rotation: seal_old_id_no_grace",
             lambda: ring0.seal(old_id, acct["username"], acct["domain"], asid, r["password"],
                                op["now"]),
             op["result"])
    epoch_1_code = ring.seal(old_id, acct["username"], acct["domain"], asid, r["password"],
                             v["cases"][0]["now"])
    op = r["open_epoch_1_code_on_epoch_2_machine"]
    c.result("rotation: open_epoch_1_code_on_epoch_2_machine",
             lambda: machine_a2.open_for_diagnostics(epoch_1_code, acct["username"],
                                                     acct["domain"], asid, r["password"],
                                                     op["now"]),
             op["result"], opened_view)
    op = r["open_epoch_2_code_on_epoch_1_machine"]
    c.result("rotation: open_epoch_2_code_on_epoch_1_machine",
             lambda: machine_a.open_for_diagnostics(epoch_2_code, acct["username"],
                                                    acct["domain"], asid, r["password"],
                                                    op["now"]),
             op["result"], opened_view)
    ring3600 = ref.KeyRing.new(h(v["server_secret"]), d, policy, 3600)
    ring3600.rotate(t, s2)
    c.eq("rotation: grace ring keeps epoch 1", [g.epoch for g in ring3600.generations], [1, 2])
    for name in ["seal_old_id_grace_3600_at_plus_3599", "seal_old_id_grace_3600_at_plus_3600"]:
        op = r[name]
        c.result(f"rotation: {name}",
                 lambda: ring3600.seal(old_id, acct["username"], acct["domain"], asid,
                                       r["password"], op["now"]),
                 op["result"])
        if "ok" in op["result"]:
            c.result(f"rotation: {name} code opens on epoch 1 machine (implied)",
                     lambda: machine_a.open_for_diagnostics(op["result"]["ok"], acct["username"],
                                                            acct["domain"], asid, r["password"],
                                                            op["now"]) and "opened",
                     {"ok": "opened"})


def check_stored_objects(c: Checker, v: dict) -> None:
    wk = h(v["wrapping_key"])
    kr = v["server_key_ring"]
    policy = policy_from(kr["policy"], c, "stored_objects.json server_key_ring policy")
    d = signing_secret_of(c, kr, "stored_objects.json server_key_ring")
    ring = ref.KeyRing.new(h(kr["epoch_1_secret"]), d, policy, kr["retired_grace_seconds"])
    ring.rotate(kr["rotated_at"], h(kr["epoch_2_secret"]))
    # §13: the stored ring has the signing secret and no signing-key rotation under way (its
    # next signing secret is 32 zero bytes, §9.4).
    c.eq("key ring: no next signing secret given (no rotation under way)",
         "next_signing_secret" in kr, False)
    c.eq("key ring: stored next signing secret is 32 zero bytes",
         ref.open_envelope(h(kr["plain"]), 1)[24 + 32:24 + 64], bytes(32))
    c.eq("key ring: plain export", ring.export().hex(), kr["plain"])
    c.eq("key ring: wrapped export", ring.export(wk).hex(), kr["wrapped"])
    c.eq("key ring: header 90 bytes, generation 59 bytes",
         (len(ring.content()) - 90) // len(ring.generations), 59)
    ring_view = lambda k: k.content().hex()  # noqa: E731
    c.result("key ring: import plain", lambda: ref.KeyRing.import_(h(kr["plain"])),
             {"ok": ring.content().hex()}, ring_view)
    c.result("key ring: import wrapped", lambda: ref.KeyRing.import_(h(kr["wrapped"]), wk),
             {"ok": ring.content().hex()}, ring_view)

    # Machine state: enroll machine A from the epoch-1 deployment package of that ring.
    ms = v["machine_state"]
    ring1 = ref.KeyRing.new(h(kr["epoch_1_secret"]), d, policy)
    machine = ref.Machine.enroll(ring1.deployment_package(), h(ms["machine_secret"]))
    c.eq("machine state: identification code", machine.identification_code(),
         ms["identification_code"])
    c.eq("machine state: content 184 bytes", len(machine.content()), 184)
    c.eq("machine state: plain export", machine.export().hex(), ms["plain"])
    c.eq("machine state: wrapped export", machine.export(wk).hex(), ms["wrapped"])
    c.eq("machine state: wrapped envelope at most 218 bytes", len(machine.export(wk)) <= 218, True)
    m_view = lambda m: m.content().hex()  # noqa: E731
    c.result("machine state: import plain", lambda: ref.Machine.import_(h(ms["plain"])),
             {"ok": machine.content().hex()}, m_view)
    c.result("machine state: import wrapped", lambda: ref.Machine.import_(h(ms["wrapped"]), wk),
             {"ok": machine.content().hex()}, m_view)

    importers = {
        "machine state": ref.Machine.import_,
        "server key ring": ref.KeyRing.import_,
        "replay ledger": lambda b, k: ref.ReplayLedger.import_(b, k, machine),
    }
    for i, case in enumerate(v["negative"]):
        kind, _, _protection = case["import_as"].partition(", ")
        importer = importers[kind]
        key = None if case["wrapping_key"] is None else h(case["wrapping_key"])
        c.result(f"negative {i} ({case['what']}, as {case['import_as']})",
                 lambda: importer(h(case["bytes"]), key), case["result"],
                 lambda o: "imported")


def ledger_view(lg: ref.ReplayLedger) -> dict:
    a, n = lg.counts()
    return {"accounts": a, "codes": n, "generation": lg.generation}


def check_replay_ledger(c: Checker, v: dict) -> None:
    wk = h(v["wrapping_key"])
    for i, f in enumerate(v["fingerprints"]):
        c.eq(f"fingerprint {i} ({f['username']!r}@{f['domain']!r})",
             ref.Account.new(f["username"], f["domain"], h(f["sid"])).fingerprint().hex(),
             f["fingerprint"])

    machines = {"A": ref.Machine.import_(h(v["machine_a_state"])),
                "B": ref.Machine.import_(h(v["machine_b_state"]))}
    machine = machines["A"]
    # Machine A is stored_objects.json's machine state (§13 fixture).
    with open(os.path.join(VECTORS, "stored_objects.json"), encoding="utf-8") as fh:
        so = json.load(fh)
    c.eq("machine A = stored_objects.json machine state", v["machine_a_state"],
         so["machine_state"]["plain"])
    # The codes are sealed by stored_objects.json's epoch-1 ring; recompute each accepted one.
    kr = so["server_key_ring"]
    ring = ref.KeyRing.new(h(kr["epoch_1_secret"]),
                           h(need(kr, "signing_secret", "stored_objects.json server_key_ring")),
                           policy_from(kr["policy"]))

    ledger = ref.ReplayLedger.new(machine)
    c.eq("new ledger: body 54 bytes", len(ledger.content()), 54)
    for i, step in enumerate(v["sequence"]):
        w = f"sequence {i} ({step['username']} {step['code']} at {step['now']})"
        c.result(f"{w}: redeem",
                 lambda: machine.redeem(ledger, step["reset_code"], step["username"],
                                        step["domain"], h(step["sid"]), step["password"],
                                        step["now"]),
                 step["result"], opened_view)
        c.eq(f"{w}: generation/accounts/codes after",
             ledger_view(ledger), {"accounts": step["accounts_after"],
                                   "codes": step["codes_after"],
                                   "generation": step["generation_after"]})
        c.eq(f"{w}: export_after", ledger.export().hex(), step["export_after"])
        c.eq(f"{w}: export size 68 + 51a + 26c", len(ledger.export()),
             68 + 51 * step["accounts_after"] + 26 * step["codes_after"])
        c.result(f"{w}: export_after imports to the same ledger",
                 lambda: ref.ReplayLedger.import_(h(step["export_after"]), None,
                                                  machine).content().hex(),
                 {"ok": ledger.content().hex()})
        if "ok" in step["result"]:
            issued = step["result"]["ok"]["issued_at"]
            c.result(f"{w}: the code is the ring's seal at its issue time",
                     lambda: ring.seal(machine.identification_code(), step["username"],
                                       step["domain"], h(step["sid"]), step["password"], issued),
                     {"ok": step["reset_code"]})
    c.eq("sequence: wrapped export of the final ledger has the size 88 + 51a + 26c",
         len(ledger.export(wk)), 88 + 51 * len(ledger.accounts) + 26 * len(ledger.codes))

    for i, case in enumerate(v["imports"]):
        key = wk if case["wrapped"] else None
        m = machines[case["machine"]]
        c.result(f"import {i} ({case['name']})",
                 lambda: ref.ReplayLedger.import_(h(case["bytes"]), key, m,
                                                  case["minimum_generation"]),
                 case["result"], ledger_view)


def check_bindings_package_cases(c: Checker, v: dict) -> None:
    """bindings.json is not a protocol vector file (§13), but its redeploy and package cases are
    the only vectors of §8 redeployment and fingerprints: run them as a cross-check. Statuses are
    the §10 numbers (0 is success)."""
    objs = {k: h(x) for k, x in v["objects"].items()}

    def status_of(fn):
        try:
            return 0, fn()
        except OfflineResetError as e:
            return e.code, None

    for case in v["cases"]:
        op, inp, exp = case["op"], case["inputs"], case["expect"]
        w = f"{case['name']}"
        if op == "redeploy":
            m = ref.Machine.import_(objs[inp["machine"]])
            ident = m.identification_code()

            def run():
                # A new epoch draws a key pair: any valid scalar does (only the listed parts
                # are compared).
                m.redeploy(inp["package"], test_secret("interop redeploy machine"))
                return {"epoch": m.epoch, "same_identification_code": m.identification_code() == ident}
            st, val = status_of(run)
            c.eq(w, (st, val), (exp["status"], exp.get("value")))
        elif op == "deployment_package_fingerprint":
            st, val = status_of(lambda: ref.DeploymentPackage.parse(inp["package"]).fingerprint())
            c.eq(w, (st, val), (exp["status"], exp.get("value")))
        elif op == "redeem_sequence":
            m = ref.Machine.import_(objs[inp["machine"]])
            lg = ref.ReplayLedger.new(m)
            steps = []
            for st_in in inp["steps"]:
                st, val = status_of(lambda: opened_view(m.redeem(
                    lg, st_in["reset_code"], st_in["username"], st_in["domain"], h(st_in["sid"]),
                    st_in["password"], st_in["now"])))
                steps.append((st, val))
            exp_steps = [(x["status"], x.get("value")) for x in exp["value"]["steps"]]
            c.eq(f"{w}: steps", steps, exp_steps)
            c.eq(f"{w}: ledger after", {**ledger_view(lg)},
                 {k: exp["value"][k] for k in ("accounts", "codes", "generation")})
        elif op == "replay_ledger_import":
            m = ref.Machine.import_(objs[inp["machine"]])
            key = h(inp["wrapping_key"]) if inp.get("wrapping_key") else None
            st, val = status_of(lambda: ledger_view(ref.ReplayLedger.import_(
                h(inp["bytes"]), key, m, inp.get("minimum_generation"))))
            c.eq(w, (st, val), (exp["status"], exp.get("value")))
        elif op == "account_check":
            # §5: username, domain, then the SID (the only InvalidSid vectors).
            st, val = status_of(lambda: ref.Account.new(inp["username"], inp["domain"],
                                                        h(inp["sid"])) and None)
            c.eq(w, (st, val), (exp["status"], exp.get("value")))
        elif op == "deployment_package_check":
            def check():
                p = (ref.DeploymentPackage.from_bytes(h(inp["package_hex"])) if "package_hex" in inp
                     else ref.DeploymentPackage.parse(inp["package"]))
                return {"epoch": p.epoch, "policy": {
                    "clock_skew_minutes": p.policy.clock_skew_minutes,
                    "reset_code_lifetime_minutes": p.policy.lifetime_minutes}}
            st, val = status_of(check)
            c.eq(w, (st, val), (exp["status"], exp.get("value")))


def check_upcase_table(c: Checker) -> None:
    """The normative table (§5): shape and the facts the spec states about it."""
    t = json.load(open(UPCASE, encoding="utf-8"))
    pairs = [(int(a, 16), int(b, 16)) for a, b in t["mappings"]]
    c.eq("upcase: count 973", (t["count"], len(pairs)), (973, 973))
    keys = [a for a, _ in pairs]
    c.eq("upcase: code units distinct", len(set(keys)), len(keys))
    c.eq("upcase: every entry changes the unit and stays in the BMP",
         [p for p in pairs if p[0] == p[1] or not 0 <= p[1] <= 0xFFFF], [])
    c.eq("upcase: no surrogate listed",
         [p for p in pairs if 0xD800 <= p[0] <= 0xDFFF or 0xD800 <= p[1] <= 0xDFFF], [])
    table = dict(pairs)
    c.eq("upcase: idempotent (an uppercase unit is not mapped again)",
         [a for a, b in pairs if b in table], [])
    classes: dict = {}
    for a, b in pairs:
        classes.setdefault(b, {b}).add(a)
    c.eq("upcase: every equality class has exactly two members",
         sorted({len(s) for s in classes.values()}), [2])
    for ch, up in [("ß", "ß"), ("ı", "ı"), ("ſ", "ſ"), ("µ", "µ"), ("ς", "ς"), ("σ", "Σ"),
                   ("ǅ", "ǅ"), ("ǈ", "ǈ"), ("ǋ", "ǋ"), ("ǲ", "ǲ"), ("ɐ", "Ɐ"), ("ü", "Ü"),
                   ("i", "I"), ("İ", "İ"), ("\u212A", "\u212A"), ("\u2126", "\u2126"),
                   ("ﬁ", "ﬁ")]:
        c.eq(f"upcase: {ch!r} (U+{ord(ch):04X}) -> {up!r}", ref.normalized_form(ch), up)
    differ = sum(1 for u in range(0x10000) if not 0xD800 <= u <= 0xDFFF
                 and chr(u).upper() != chr(table.get(u, u)))
    print(f"upcase.json: this Python's str.upper() (Unicode {unicodedata.unidata_version}) "
          f"differs from the table on {differ} BMP code units (informational; the table is "
          f"normative)")


def check_normative_lists(c: Checker) -> None:
    """§3.1 separators and §5 Cf: sizes and, when this Python has Unicode 17.0.0, its data."""
    c.eq("separators: 59 code points", len(ref.SEPARATORS), 59)
    c.eq("separators: 25 White_Space, 27 Pd, 7 others",
         (len(ref.WHITE_SPACE), len(ref.DASH_PUNCTUATION),
          len(ref.SEPARATORS - ref.WHITE_SPACE - ref.DASH_PUNCTUATION)), (25, 27, 7))
    c.eq("separators and symbols are disjoint",
         [s for s in ref.SEPARATORS if ref.symbol_value(s) is not None], [])
    c.eq("full-width forms read as ASCII",
         [ref.symbol_value(chr(o)) for o in (0xFF10, 0xFF19, 0xFF21, 0xFF3A, 0xFF41, 0xFF5A,
                                             0xFF2F, 0xFF49, 0xFF4C)],
         [0, 9, 10, 31, 10, 31, 0, 1, 1])
    if unicodedata.unidata_version == "17.0.0":
        pd = {chr(u) for u in range(0x110000) if unicodedata.category(chr(u)) == "Pd"}
        cf = {chr(u) for u in range(0x110000) if unicodedata.category(chr(u)) == "Cf"}
        c.eq("Pd list = Unicode 17.0.0 Pd", pd == ref.DASH_PUNCTUATION, True)
        c.eq("Cf list = Unicode 17.0.0 Cf", cf == ref.FORMAT, True)
    else:
        pd = {chr(u) for u in range(0x110000) if unicodedata.category(chr(u)) == "Pd"}
        cf = {chr(u) for u in range(0x110000) if unicodedata.category(chr(u)) == "Cf"}
        c.eq(f"Pd of Unicode {unicodedata.unidata_version} is within the normative list",
             sorted(hex(ord(x)) for x in pd - ref.DASH_PUNCTUATION), [])
        c.eq(f"Cf of Unicode {unicodedata.unidata_version} is within the normative list",
             sorted(hex(ord(x)) for x in cf - ref.FORMAT), [])


CHECKS = {
    "key_schedule.json": check_key_schedule,
    "identification_code.json": check_identification_code,
    "identification_uri.json": check_identification_uri,
    "pasted.json": check_pasted,
    "account.json": check_account,
    "deployment_package.json": check_deployment_package,
    "reset_code.json": check_reset_code,
    "stored_objects.json": check_stored_objects,
    "replay_ledger.json": check_replay_ledger,
}


def main() -> int:
    files = sorted(f for f in os.listdir(VECTORS)
                   if f.endswith(".json") and f not in NOT_PROTOCOL_FILES)
    total_pass = total_fail = 0
    print(f"python {sys.version.split()[0]}, unicodedata {unicodedata.unidata_version}, "
          f"cryptography {__import__('cryptography').__version__}")
    ref.load_upcase_table(UPCASE)
    runs = [(f, CHECKS.get(f)) for f in files]
    runs += [("bindings.json: §8 and §9.7 cases (redeploy, fingerprint, package, redeem, ledger import; cross-check)",
              lambda c, _v: check_bindings_package_cases(c, json.load(open(
                  os.path.join(VECTORS, "bindings.json"), encoding="utf-8")))),
             ("windows-upcase/upcase.json", lambda c, _v: check_upcase_table(c)),
             ("normative lists (§3.1, §5)", lambda c, _v: check_normative_lists(c)),
             ("wycheproof/ (AES-SIV 512, ECDH compressed, HKDF)",
              lambda c, _v: wycheproof_checks(c, VECTORS)),
             ("self-checks", lambda c, _v: self_checks(c))]
    for f, fn in runs:
        c = Checker(f)
        if fn is None:
            c.failed += 1
            c.messages.append(f"  FAIL no checker for {f} (new vector file?)")
        else:
            try:
                v = None
                if f.endswith(".json") and "/" not in f:
                    with open(os.path.join(VECTORS, f), encoding="utf-8") as fh:
                        v = json.load(fh)
                fn(c, v)
            except Exception:
                c.crash(f"{f}: checker crashed")
        print(f"{f}: {c.passed} passed, {c.failed} failed")
        for m in c.messages:
            print(m)
        total_pass += c.passed
        total_fail += c.failed
    missing = KNOWN_FILES - set(files)
    for f in sorted(missing):
        print(f"{f}: missing")
        total_fail += 1
    if GAPS:
        print("gaps between §13 and the vector files (see the notes):")
        for g in GAPS:
            print(f"  - {g}")
    print(f"interop: {total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


from self_checks import self_checks  # noqa: E402
from wycheproof_checks import wycheproof_checks  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks every vector in tests/vectors/*.json against the independent Python implementation.

Run: python3 tests/interop/test_vectors.py   (needs the `cryptography` package; see run.sh)
Ends with `interop: N passed, M failed`; exits non-zero when M > 0.
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
KNOWN_FILES = {
    "account.json", "deployment_package.json", "identification_code.json",
    "key_schedule.json", "reset_code.json", "stored_objects.json", "uppercase.json",
}


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


# ------------------------------------------------------------------------------------------------

def check_key_schedule(c: Checker, v: dict) -> None:
    for i, case in enumerate(v["cases"]):
        w = f"case {i} (epoch {case['epoch']})"
        s = ref.validate_scalar(h(case["server_secret"]))
        m = ref.validate_scalar(h(case["machine_secret"]))
        s_pub = ref.compressed(s.public_key())
        c.eq(f"{w}: server_public", s_pub.hex(), case["server_public"])
        mx = ref.x_coordinate(m.public_key())
        c.eq(f"{w}: machine_public_x", mx.hex(), case["machine_public_x"])
        z_machine = ref.ecdh(m, ref.validate_compressed_point(h(case["server_public"])))
        c.eq(f"{w}: shared_secret (machine side)", z_machine.hex(), case["shared_secret"])
        z_server = ref.ecdh(s, ref.machine_point_from_x(h(case["machine_public_x"])))
        c.eq(f"{w}: shared_secret (server side, M')", z_server.hex(), case["shared_secret"])
        prk, k = ref.key_schedule(h(case["shared_secret"]), case["epoch"],
                                  h(case["server_public"]), h(case["machine_public_x"]))
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


def check_account(c: Checker, v: dict) -> None:
    c.eq("unicode_version recorded", v["unicode_version"], "17.0.0")
    for i, case in enumerate(v["accounts"]):
        c.result(f"account {i} ({case['username']!r}, {case['domain']!r})",
                 lambda: ref.Account.new(case["username"], case["domain"]), case["result"],
                 lambda a: {"domain": a.domain, "username": a.username})
    for i, case in enumerate(v["default_offline_domain"]):
        c.result(f"default_offline_domain {i} ({case['fqdn']!r})",
                 lambda: ref.default_offline_domain(case["fqdn"]), case["result"])


def check_deployment_package(c: Checker, v: dict) -> None:
    policy = ref.Policy(v["policy"]["reset_code_lifetime_minutes"],
                        v["policy"]["clock_skew_minutes"])
    pkg = ref.DeploymentPackage(v["epoch"], h(v["server_public"]), policy)
    c.eq("text from (epoch, server_public, policy)", pkg.text(), v["text"])
    c.result("parse text: policy", lambda: ref.DeploymentPackage.parse(v["text"]),
             {"ok": [v["policy"]["reset_code_lifetime_minutes"], v["policy"]["clock_skew_minutes"]]},
             lambda p: [p.policy.lifetime_minutes, p.policy.clock_skew_minutes])
    for i, case in enumerate(v["parse"]):
        c.result(f"parse {i} ({case['what']})", lambda: ref.DeploymentPackage.parse(case["input"]),
                 case["result"],
                 lambda p: {"epoch": p.epoch, "server_public": p.server_public.hex()})


def check_reset_code(c: Checker, v: dict) -> None:
    policy = ref.Policy(v["policy"]["reset_code_lifetime_minutes"],
                        v["policy"]["clock_skew_minutes"])
    ring = ref.KeyRing.new(h(v["server_secret"]), policy)
    package = ring.deployment_package()
    machine_a = ref.Machine.enroll(package, h(v["machine_a_secret"]))
    machine_b = ref.Machine.enroll(package, h(v["machine_b_secret"]))
    c.eq("machine A epoch", machine_a.epoch, v["epoch"])
    opened_view = lambda o: {"expires_at": o.expires_at, "issued_at": o.issued_at}  # noqa: E731
    for case in v["cases"]:
        w = f"case {case['name']}"
        c.eq(f"{w}: machine A identification code", machine_a.identification_code(),
             case["identification_code"])
        c.eq(f"{w}: password_utf8", case["password"].encode("utf-8").hex(), case["password_utf8"])
        c.result(f"{w}: normalized account",
                 lambda: ref.Account.new(case["username"], case["domain"]),
                 {"ok": {"domain": case["normalized_domain"], "username": case["normalized_username"]}},
                 lambda a: {"domain": a.domain, "username": a.username})
        c.result(f"{w}: seal", lambda: ring.seal(case["identification_code"], case["username"],
                                                 case["domain"], case["password"], case["now"]),
                 {"ok": case["reset_code"]})
        # plaintext: decrypt directly with K to compare the 5 bytes
        try:
            payload = ref.parse_typed(case["reset_code"], ref.RESET)
            acct = ref.Account.new(case["username"], case["domain"])
            pt = ref.aes_siv_open(machine_a.key,
                                  ref.reset_code_ad(machine_a.epoch, machine_a.machine_x, acct,
                                                    case["password"].encode()), payload[2:])
            c.eq(f"{w}: plaintext", pt.hex(), case["plaintext"])
        except Exception:
            c.crash(f"{w}: plaintext")
        for o in case["opens_on_machine_a"]:
            c.result(f"{w}: open on A ({o['what']})",
                     lambda: machine_a.open(case["reset_code"], o["username"], o["domain"],
                                            o["password"], o["now"]),
                     o["result"], opened_view)
        c.result(f"{w}: open on B", lambda: machine_b.open(case["reset_code"], case["username"],
                                                           case["domain"], case["password"],
                                                           case["now"]),
                 case["opens_on_machine_b"], opened_view)
    for i, case in enumerate(v["parse"]):
        c.result(f"parse {i} {case['input']!r}", lambda: ref.parse_typed(case["input"], ref.RESET),
                 case["result"], lambda p: ref.encode_typed(p, ref.RESET))

    for i, case in enumerate(v["seal_edge_cases"]):
        c.result(f"seal edge case {i} ({case['what']})",
                 lambda: ring.seal(case["identification_code"], case["username"], case["domain"],
                                   case["password"], case["now"]),
                 case["result"])

    # Key rotation: every operation names its time.
    r = v["rotation"]
    t = r["rotated_at"]
    acct = r["account"]
    s2 = h(r["epoch_2_server_secret"])
    old_id = machine_a.identification_code()

    ring0 = ref.KeyRing.new(h(v["server_secret"]), policy, 0)
    ring0.rotate(t, s2)
    machine_a2 = ref.Machine.enroll(ring0.deployment_package(), h(r["epoch_2_machine_a_secret"]))
    c.eq("rotation: epoch 2 identification code", machine_a2.identification_code(),
         r["epoch_2_identification_code"])
    op = r["epoch_2_reset_code"]
    c.result("rotation: seal epoch 2 reset code",
             lambda: ring0.seal(r["epoch_2_identification_code"], acct["username"], acct["domain"],
                                r["password"], op["now"]),
             {"ok": op["result"]})
    c.result("rotation: epoch 2 code opens on epoch 2 machine (implied)",
             lambda: machine_a2.open(op["result"], acct["username"], acct["domain"],
                                     r["password"], op["now"]) and "opened",
             {"ok": "opened"})
    op = r["seal_old_id_no_grace"]
    c.result("rotation: seal_old_id_no_grace",
             lambda: ring0.seal(old_id, acct["username"], acct["domain"], r["password"], op["now"]),
             op["result"])
    op = r["open_epoch_1_code_on_epoch_2_machine"]
    c.result("rotation: open_epoch_1_code_on_epoch_2_machine",
             lambda: machine_a2.open(r["epoch_1_reset_code"], acct["username"], acct["domain"],
                                     r["password"], op["now"]),
             op["result"], opened_view)
    op = r["open_epoch_2_code_on_epoch_1_machine"]
    c.result("rotation: open_epoch_2_code_on_epoch_1_machine",
             lambda: machine_a.open(r["epoch_2_reset_code"]["result"], acct["username"],
                                    acct["domain"], r["password"], op["now"]),
             op["result"], opened_view)
    ring3600 = ref.KeyRing.new(h(v["server_secret"]), policy, 3600)
    ring3600.rotate(t, s2)
    c.eq("rotation: grace ring keeps epoch 1", [g.epoch for g in ring3600.generations], [1, 2])
    for name in ["seal_old_id_grace_3600_at_plus_3599", "seal_old_id_grace_3600_at_plus_3600"]:
        op = r[name]
        c.result(f"rotation: {name}",
                 lambda: ring3600.seal(old_id, acct["username"], acct["domain"], r["password"],
                                       op["now"]),
                 op["result"])
        if "ok" in op["result"]:
            c.result(f"rotation: {name} code opens on epoch 1 machine (implied)",
                     lambda: machine_a.open(op["result"]["ok"], acct["username"], acct["domain"],
                                            r["password"], op["now"]) and "opened",
                     {"ok": "opened"})


def check_uppercase(c: Checker, v: dict) -> None:
    """The table is what full_uppercase() uses (loaded in main); here: its shape, and how far
    this Python's own str.upper() is from it (informational: the table is normative)."""
    c.eq("uppercase: unicode_version", v["unicode_version"], "17.0.0")
    c.eq("uppercase: 1580 mappings", len(v["mappings"]), 1580)
    table = {chr(cp): "".join(chr(u) for u in up) for cp, up in v["mappings"]}
    differ = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF
              and chr(cp).upper() != table.get(chr(cp), chr(cp))]
    c.eq("uppercase: table maps ß to SS", table.get("\u00df"), "SS")
    print(f"uppercase.json: this Python's str.upper() differs from the table on {len(differ)} "
          f"code points (Unicode {unicodedata.unidata_version})")


IMPORT_KINDS = {
    "machine state": ref.Machine.import_,
    "server key ring": ref.KeyRing.import_,
}


def check_stored_objects(c: Checker, v: dict) -> None:
    wk = h(v["wrapping_key"])
    # Server key ring: rebuild from secrets, compare plain and wrapped bytes, import both.
    kr = v["server_key_ring"]
    policy = ref.Policy(kr["policy"]["reset_code_lifetime_minutes"], kr["policy"]["clock_skew_minutes"])
    ring = ref.KeyRing.new(h(kr["epoch_1_secret"]), policy, kr["retired_grace_seconds"])
    ring.rotate(kr["rotated_at"], h(kr["epoch_2_secret"]))
    c.eq("key ring: plain export", ring.export().hex(), kr["plain"])
    c.eq("key ring: wrapped export", ring.export(wk).hex(), kr["wrapped"])
    ring_view = lambda k: k.content().hex()  # noqa: E731
    c.result("key ring: import plain", lambda: ref.KeyRing.import_(h(kr["plain"])),
             {"ok": ring.content().hex()}, ring_view)
    c.result("key ring: import wrapped", lambda: ref.KeyRing.import_(h(kr["wrapped"]), wk),
             {"ok": ring.content().hex()}, ring_view)

    # Machine state: enroll machine A from the epoch-1 deployment package of that ring.
    ms = v["machine_state"]
    ring1 = ref.KeyRing.new(h(kr["epoch_1_secret"]), policy)
    machine = ref.Machine.enroll(ring1.deployment_package(), h(ms["machine_secret"]))
    c.eq("machine state: identification code", machine.identification_code(),
         ms["identification_code"])
    c.eq("machine state: plain export", machine.export().hex(), ms["plain"])
    c.eq("machine state: wrapped export", machine.export(wk).hex(), ms["wrapped"])
    m_view = lambda m: m.content().hex()  # noqa: E731
    c.result("machine state: import plain", lambda: ref.Machine.import_(h(ms["plain"])),
             {"ok": machine.content().hex()}, m_view)
    c.result("machine state: import wrapped", lambda: ref.Machine.import_(h(ms["wrapped"]), wk),
             {"ok": machine.content().hex()}, m_view)

    for i, case in enumerate(v["negative"]):
        kind, _, _protection = case["import_as"].partition(", ")
        importer = IMPORT_KINDS[kind]
        key = None if case["wrapping_key"] is None else h(case["wrapping_key"])
        c.result(f"negative {i} ({case['what']}, as {case['import_as']})",
                 lambda: importer(h(case["bytes"]), key), case["result"],
                 lambda o: "imported")


CHECKS = {
    "key_schedule.json": check_key_schedule,
    "identification_code.json": check_identification_code,
    "account.json": check_account,
    "deployment_package.json": check_deployment_package,
    "reset_code.json": check_reset_code,
    "stored_objects.json": check_stored_objects,
    "uppercase.json": check_uppercase,
}


def main() -> int:
    files = sorted(f for f in os.listdir(VECTORS) if f.endswith(".json"))
    total_pass = total_fail = 0
    print(f"python {sys.version.split()[0]}, unicodedata {unicodedata.unidata_version}, "
          f"cryptography {__import__('cryptography').__version__}")
    if unicodedata.unidata_version != "17.0.0":
        print(f"note: §5 case mapping uses Unicode 17.0.0; this Python has "
              f"{unicodedata.unidata_version}, so str.upper() can differ for characters whose "
              f"uppercase mapping was added later (e.g. U+019B, U+0264 gained one after 14.0); the normative table tests/vectors/uppercase.json is used instead")
    ref.load_uppercase_table(os.path.join(VECTORS, "uppercase.json"))
    for f in files:
        c = Checker(f)
        with open(os.path.join(VECTORS, f), encoding="utf-8") as fh:
            v = json.load(fh)
        fn = CHECKS.get(f)
        if fn is None:
            c.failed += 1
            c.messages.append(f"  FAIL no checker for {f} (new vector file?)")
        else:
            try:
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
    print(f"interop: {total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())

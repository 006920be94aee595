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


def policy_from(v: dict) -> ref.Policy:
    pc = v["password_cost"]
    return ref.Policy(v["reset_code_lifetime_minutes"], v["clock_skew_minutes"],
                      ref.PasswordCost(pc["memory_kib"], pc["iterations"], pc["parallelism"]))


def opened_view(o):
    return {"expires_at": o.expires_at, "issued_at": o.issued_at}


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
    for i, case in enumerate(v["accounts"]):
        w = f"account {i} ({case['what']}: {case['username']!r}, {case['domain']!r})"
        c.result(w, lambda: ref.Account.new(case["username"], case["domain"]), case["result"],
                 lambda a: {"domain": a.domain, "username": a.username})
        c.eq(f"{w}: username_problem", ref.name_problem(case["username"]),
             case["username_problem"])
        c.eq(f"{w}: domain_problem", ref.name_problem(case["domain"]), case["domain_problem"])
        # The error carries the problem of the name it names.
        try:
            ref.Account.new(case["username"], case["domain"])
            problem = None
        except OfflineResetError as e:
            problem = e.problem
        c.eq(f"{w}: problem carried by the error", problem,
             case["username_problem"] or case["domain_problem"])
    for i, case in enumerate(v["default_offline_domain"]):
        c.result(f"default_offline_domain {i} ({case['fqdn']!r})",
                 lambda: ref.default_offline_domain(case["fqdn"]), case["result"])


def check_deployment_package(c: Checker, v: dict) -> None:
    policy = policy_from(v["policy"])
    pkg = ref.DeploymentPackage(v["epoch"], h(v["server_public"]), policy)
    text = pkg.text()
    c.eq("text from (epoch, server_public, policy)", text, v["text"])
    c.eq("text length 104", len(text), 104)
    c.eq("body length 51", len(pkg.content()), 51)
    c.result("parse text: epoch, server_public, policy",
             lambda: ref.DeploymentPackage.parse(v["text"]),
             {"ok": [v["epoch"], v["server_public"], policy]},
             lambda p: [p.epoch, p.server_public.hex(), p.policy])
    view = lambda p: {"epoch": p.epoch, "server_public": p.server_public.hex()}  # noqa: E731
    for i, case in enumerate(v["parse"]):
        c.result(f"parse {i} ({case['what']})", lambda: ref.DeploymentPackage.parse(case["input"]),
                 case["result"], view)
    for i, case in enumerate(v["read_bytes"]):
        c.result(f"read_bytes {i} ({case['what']})",
                 lambda: ref.DeploymentPackage.from_bytes(h(case["input_hex"])), case["result"],
                 view)


def check_reset_code(c: Checker, v: dict) -> None:
    policy = policy_from(v["policy"])
    ring = ref.KeyRing.new(h(v["server_secret"]), policy)
    package = ring.deployment_package()
    machine_a = ref.Machine.enroll(package, h(v["machine_a_secret"]))
    machine_b = ref.Machine.enroll(package, h(v["machine_b_secret"]))
    c.eq("machine A epoch", machine_a.epoch, v["epoch"])
    c.eq("machine A password cost = the ring's", machine_a.password_cost,
         ring.password_cost(v["epoch"]))
    for case in v["cases"]:
        w = f"case {case['name']}"
        c.eq(f"{w}: machine A identification code", machine_a.identification_code(),
             case["identification_code"])
        c.eq(f"{w}: password_utf8", case["password"].encode("utf-8").hex(), case["password_utf8"])
        c.result(f"{w}: normalized account",
                 lambda: ref.Account.new(case["username"], case["domain"]),
                 {"ok": {"domain": case["normalized_domain"], "username": case["normalized_username"]}},
                 lambda a: {"domain": a.domain, "username": a.username})
        sealed = None
        try:
            sealed = ring.seal(case["identification_code"], case["username"], case["domain"],
                               case["password"], case["now"])
            c.eq(f"{w}: seal", sealed, case["reset_code"])
        except Exception:
            c.crash(f"{w}: seal")
        # Password salt, binding and plaintext, from the machine's side.
        try:
            acct = ref.Account.new(case["username"], case["domain"])
            salt = ref.password_salt(machine_a.epoch, machine_a.machine_x, acct)
            c.eq(f"{w}: password_salt", salt.hex(), case["password_salt"])
            b = ref.password_binding(case["password"].encode("utf-8"), machine_a.epoch,
                                     machine_a.machine_x, acct, machine_a.password_cost)
            c.eq(f"{w}: password_binding", b.hex(), case["password_binding"])
            payload = ref.parse_typed(sealed, ref.RESET)
            pt = ref.aes_siv_open(machine_a.key,
                                  ref.reset_code_ad(machine_a.epoch, machine_a.machine_x, acct, b),
                                  payload[2:])
            c.eq(f"{w}: plaintext", pt.hex(), case["plaintext"])
        except Exception:
            c.crash(f"{w}: password binding / plaintext")
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
    # The epoch-1 code is recomputed (it is the help-desk case's code, sealed at its time).
    c.eq("rotation: epoch_1_reset_code is the help-desk code",
         ring.seal(old_id, acct["username"], acct["domain"], r["password"], v["cases"][0]["now"]),
         r["epoch_1_reset_code"])

    ring0 = ref.KeyRing.new(h(v["server_secret"]), policy, 0)
    ring0.rotate(t, s2)
    c.eq("rotation: no grace ring holds only epoch 2", [g.epoch for g in ring0.generations], [2])
    machine_a2 = ref.Machine.enroll(ring0.deployment_package(), h(r["epoch_2_machine_a_secret"]))
    c.eq("rotation: epoch 2 identification code", machine_a2.identification_code(),
         r["epoch_2_identification_code"])
    op = r["epoch_2_reset_code"]
    epoch_2_code = None
    try:
        epoch_2_code = ring0.seal(machine_a2.identification_code(), acct["username"],
                                  acct["domain"], r["password"], op["now"])
    except Exception:
        c.crash("rotation: seal epoch 2 reset code")
    c.eq("rotation: seal epoch 2 reset code", epoch_2_code, op["result"])
    c.result("rotation: epoch 2 code opens on epoch 2 machine (implied)",
             lambda: machine_a2.open(epoch_2_code, acct["username"], acct["domain"],
                                     r["password"], op["now"]) and "opened",
             {"ok": "opened"})
    op = r["seal_old_id_no_grace"]
    c.result("rotation: seal_old_id_no_grace",
             lambda: ring0.seal(old_id, acct["username"], acct["domain"], r["password"], op["now"]),
             op["result"])
    epoch_1_code = ring.seal(old_id, acct["username"], acct["domain"], r["password"],
                             v["cases"][0]["now"])
    op = r["open_epoch_1_code_on_epoch_2_machine"]
    c.result("rotation: open_epoch_1_code_on_epoch_2_machine",
             lambda: machine_a2.open(epoch_1_code, acct["username"], acct["domain"],
                                     r["password"], op["now"]),
             op["result"], opened_view)
    op = r["open_epoch_2_code_on_epoch_1_machine"]
    c.result("rotation: open_epoch_2_code_on_epoch_1_machine",
             lambda: machine_a.open(epoch_2_code, acct["username"], acct["domain"], r["password"],
                                    op["now"]),
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


IMPORT_KINDS = {
    "machine state": ref.Machine.import_,
    "server key ring": ref.KeyRing.import_,
    "replay ledger": ref.ReplayLedger.import_,
}


def check_stored_objects(c: Checker, v: dict) -> None:
    wk = h(v["wrapping_key"])
    # Server key ring: rebuild from secrets, compare plain and wrapped bytes, import both.
    kr = v["server_key_ring"]
    policy = policy_from(kr["policy"])
    ring = ref.KeyRing.new(h(kr["epoch_1_secret"]), policy, kr["retired_grace_seconds"])
    ring.rotate(kr["rotated_at"], h(kr["epoch_2_secret"]))
    c.eq("key ring: plain export", ring.export().hex(), kr["plain"])
    c.eq("key ring: wrapped export", ring.export(wk).hex(), kr["wrapped"])
    c.eq("key ring: generation size 59",
         (len(ring.content()) - 22) // len(ring.generations), 59)
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
    c.eq("machine state: content 147 bytes", len(machine.content()), 147)
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


def _entry(rec: dict, fingerprint: bytes, forget_after: int) -> ref.LedgerEntry:
    """A ledger record from a vector: code id and issued_at are inputs (the vectors give no
    codes for them); the fingerprint and forget_after are computed by the caller."""
    return ref.LedgerEntry(fingerprint, h(rec["code_id"]), rec["issued_at"], forget_after)


def check_replay_ledger(c: Checker, v: dict) -> None:
    wk = h(v["wrapping_key"])
    for i, f in enumerate(v["fingerprints"]):
        c.eq(f"fingerprint {i} ({f['username']!r}@{f['domain']!r})",
             ref.Account.new(f["username"], f["domain"]).fingerprint().hex(), f["fingerprint"])

    # Stored form: record the entries in order at stored.now, then export / import.
    st = v["stored"]
    ledger = ref.ReplayLedger()
    for i, e in enumerate(st["entries"]):
        c.result(f"stored: record entry {i}",
                 lambda: ledger.record(_entry(e, h(e["account_fingerprint"]), e["forget_after"]),
                                       st["now"]), {"ok": None})
    c.eq("stored: plain export", ledger.export().hex(), st["plain"])
    c.eq("stored: plain size 16 + 48n", len(ledger.export()), 16 + 48 * len(st["entries"]))
    c.eq("stored: wrapped export", ledger.export(wk).hex(), st["wrapped"])
    c.eq("stored: wrapped size 36 + 48n", len(ledger.export(wk)), 36 + 48 * len(st["entries"]))
    view = lambda lg: lg.content().hex()  # noqa: E731
    c.result("stored: import plain", lambda: ref.ReplayLedger.import_(h(st["plain"])),
             {"ok": ledger.content().hex()}, view)
    c.result("stored: import wrapped", lambda: ref.ReplayLedger.import_(h(st["wrapped"]), wk),
             {"ok": ledger.content().hex()}, view)

    # Sequence: one ledger, starting empty. Accounts are USERNAME@CORP, policy 60 min + 5 min.
    ledger = ref.ReplayLedger()
    for i, step in enumerate(v["sequence"]):
        rec = step["record"]
        w = f"sequence {i} ({step['account']} {step['code']} at {step['now']})"
        fp = ref.Account.new(step["account"], "CORP").fingerprint()
        c.eq(f"{w}: account fingerprint", fp.hex(), rec["account_fingerprint"])
        forget_after = rec["issued_at"] + 60 * (60 + 5)
        c.eq(f"{w}: forget_after", forget_after, rec["forget_after"])
        c.result(f"{w}: record", lambda: ledger.record(_entry(rec, fp, forget_after), step["now"]),
                 step["result"])
        c.eq(f"{w}: len_after", len(ledger), step["len_after"])
        c.eq(f"{w}: export_after", ledger.export().hex(), step["export_after"])
        c.result(f"{w}: export_after imports to the same ledger",
                 lambda: ref.ReplayLedger.import_(h(step["export_after"])).content().hex(),
                 {"ok": ledger.content().hex()})


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
    runs += [("windows-upcase/upcase.json", lambda c, _v: check_upcase_table(c)),
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
    print(f"interop: {total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


from self_checks import self_checks  # noqa: E402
from wycheproof_checks import wycheproof_checks  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes the committed seed corpora, fuzz/corpus/<target>/seed-*, from tests/vectors/*.json.

Run from anywhere: python3 fuzz/make_seeds.py. Deterministic: rerunning it after the vectors
change rewrites the seeds (stale seed-* files are removed first). The input layouts are the
ones documented at the top of each fuzz target and in fuzz/src/lib.rs: text fields separated by
the byte 0xFF; stored-object targets take a mode byte first.
"""

import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
CORPUS = ROOT / "fuzz" / "corpus"
SEP = b"\xff"
TIME_ORIGIN_UNIX = 1_735_689_600
# S-1-5-21-1004336348-1177238915-682003330-1104: the vectors' SID where a vector names none.
VECTOR_SID = bytes.fromhex("010500000000000515000000dcf4dc3b833d2b46828ba62850040000")
# Malformed SIDs (docs/PROTOCOL.md §5): revision 2, no sub-authority, 16 sub-authorities, a
# count that does not match the length, too short.
BAD_SIDS = [
    bytes.fromhex("020500000000000515000000dcf4dc3b833d2b46828ba62850040000"),
    bytes.fromhex("0100000000000005"),
    bytes([1, 16, 0, 0, 0, 0, 0, 5]) + bytes(64),
    bytes.fromhex("010400000000000515000000dcf4dc3b833d2b46828ba62850040000"),
    bytes.fromhex("0101000000000005"),
]


def load(name):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def fields(*parts):
    return SEP.join(p.encode("utf-8") if isinstance(p, str) else p for p in parts)


def sid_of(item) -> bytes:
    """An input's binary SID (lowercase hex "sid" in the vectors), else the vectors' SID."""
    return bytes.fromhex(item["sid"]) if item.get("sid") else VECTOR_SID


def with_sid(sid: bytes) -> bytes:
    """The SID prefix of the targets that take one: its length, then the SID."""
    return bytes([len(sid)]) + sid


def body(envelope: bytes) -> bytes:
    """The body of a plain envelope (10-byte header, 4-byte CRC)."""
    return envelope[10:-4]


def main():
    seeds = {}

    def add(target, data: bytes):
        seeds.setdefault(target, [])
        if data not in seeds[target]:
            seeds[target].append(data)

    ident = load("identification_code.json")
    reset = load("reset_code.json")
    package = load("deployment_package.json")
    stored = load("stored_objects.json")
    account = load("account.json")
    pasted = load("pasted.json")

    # identification_code: every parse input and valid code.
    for case in ident["parse"]:
        add("identification_code", case["input"].encode("utf-8"))
    for case in ident["valid"]:
        add("identification_code", case["code"].encode())
    for case in reset["cases"]:
        add("identification_code", case["identification_code"].encode())
    for key, value in sorted(reset.get("rotation", {}).items()):
        if key.endswith("identification_code") and isinstance(value, str):
            add("identification_code", value.encode())
    # Pasted identification codes (separators, full-width forms, line breaks, byte order mark),
    # as their exact UTF-8 bytes.
    for case in pasted["cases"]:
        if case["kind"] == "identification_code":
            add("identification_code", bytes.fromhex(case["input_utf8"]))

    # typing_progress: every code and pasted input of the vectors, and prefixes of a code.
    pasted = load("pasted.json")
    spelling = load("spelling.json")
    for case in ident["parse"] + reset["parse"] + pasted["cases"]:
        add("typing_progress", case["input"].encode("utf-8"))
    for case in spelling["cases"]:
        add("typing_progress", case["input"].encode("utf-8"))
    code = reset["cases"][0]["reset_code"]
    for n in (1, 8, 9, 20, len(code) - 1):
        add("typing_progress", code[:n].encode())

    # identification_uri: the URI vectors' base URLs and portal inputs.
    uri = load("identification_uri.json")
    for case in uri["uris"]:
        add("identification_uri", case["base_url"].encode("utf-8"))
    for case in uri["reads"]:
        add("identification_uri", case["input"].encode("utf-8"))

    # reset_code_open: every opening of the vectors (time, SID, code, username, domain,
    # password), and every parse input with the first case's account.
    first = reset["cases"][0]
    first_sid = with_sid(sid_of(first))
    for case in reset["cases"]:
        for attempt in case["opens_on_machine_a"]:
            add(
                "reset_code_open",
                struct.pack(">q", attempt["now"]) + with_sid(sid_of(attempt))
                + fields(case["reset_code"], attempt["username"], attempt["domain"],
                         attempt["password"]),
            )
    for case in reset["parse"]:
        add(
            "reset_code_open",
            struct.pack(">q", first["now"]) + first_sid
            + fields(case["input"], first["username"], first["domain"], first["password"]),
        )
    for sid in BAD_SIDS:
        add(
            "reset_code_open",
            struct.pack(">q", first["now"]) + with_sid(sid)
            + fields(first["reset_code"], first["username"], first["domain"], first["password"]),
        )
    # The replay-ledger sequence's redeems (each opens on a new ledger).
    ledger = load("replay_ledger.json")
    for step in ledger["sequence"]:
        add(
            "reset_code_open",
            struct.pack(">q", step["now"]) + with_sid(sid_of(step))
            + fields(step["reset_code"], step["username"], step["domain"], step["password"]),
        )
    # Pasted reset codes, opened with the first case's account and password.
    for case in pasted["cases"]:
        if case["kind"] == "reset_code":
            add(
                "reset_code_open",
                struct.pack(">q", first["now"]) + first_sid
                + fields(bytes.fromhex(case["input_utf8"]), first["username"], first["domain"],
                         first["password"]),
            )
    # The rotation section (its layout has changed before: take what is there).
    rot = reset.get("rotation", {})
    for key, value in sorted(rot.items()):
        if not key.endswith("reset_code"):
            continue
        code = value.get("result") if isinstance(value, dict) else value
        now = value.get("now", rot.get("rotated_at")) if isinstance(value, dict) else rot.get("rotated_at")
        if isinstance(code, str) and isinstance(now, int):
            add(
                "reset_code_open",
                struct.pack(">q", now) + with_sid(sid_of(rot["account"]))
                + fields(code, rot["account"]["username"], rot["account"]["domain"],
                         rot["password"]),
            )

    # deployment_package: the canonical text and every parse input.
    add("deployment_package", package["text"].encode())
    for case in package["parse"]:
        add("deployment_package", case["input"].encode("utf-8"))
    # The raw bytes the C ABI reads (byte order mark, CRLF, UTF-16 refused).
    for case in package["read_bytes"]:
        add("deployment_package", bytes.fromhex(case["input_hex"]))
    # Mode 0xFE (the fixture package's body XORed with the rest): unchanged, one signed byte
    # changed (epoch, policy, next signer), the signature's last byte changed.
    add("deployment_package", b"\xfe")
    for at in (1, 40, 120, 184):
        add("deployment_package", b"\xfe" + bytes(at) + b"\x01")
    # Mode 0xFD (a key ring of fuzzed epoch, policy and keys): flags (bit 0 another server key,
    # bit 1 another signing key, bit 2 a signing-key rotation), epoch, lifetime, skew, attempt
    # limits per code and per account.
    for flags, epoch in ((0, 0), (0, 1), (1, 0), (2, 1), (4, 0), (4, 2)):
        add(
            "deployment_package",
            b"\xfd" + bytes([flags]) + struct.pack(">HHHBH", epoch, 24 * 60, 10, 5, 20),
        )

    # Stored objects. Modes as documented in each target.
    ring = stored["server_key_ring"]
    ring_plain = bytes.fromhex(ring["plain"])
    ring_wrapped = bytes.fromhex(ring["wrapped"])
    machine = stored["machine_state"]
    machine_plain = bytes.fromhex(machine["plain"])
    machine_wrapped = bytes.fromhex(machine["wrapped"])
    for mode in range(4):
        add("key_ring_import", bytes([mode]) + (ring_plain if mode == 0 else body(ring_plain)))
    add("key_ring_import_wrapped", b"\x00" + ring_wrapped)
    for mode in (1, 2, 3):
        add("key_ring_import_wrapped", bytes([mode]) + body(ring_plain))
    add("machine_import", b"\x00" + machine_plain)
    add("machine_import", b"\x01" + body(machine_plain))
    add("machine_import", b"\x02" + machine_wrapped)
    add("machine_import", b"\x03" + body(machine_plain))

    # ledger_import: every import vector (bit 0-1 of the mode byte: 0 plain, 2 wrapped; bits 2-7
    # the minimum generation, capped at 63), each plain one also as a body (modes 1 and 3), and
    # every ledger of the scripted sequence.
    for case in ledger["imports"]:
        data = bytes.fromhex(case["bytes"])
        minimum = min(case["minimum_generation"], 63) << 2
        if case["wrapped"]:
            add("ledger_import", bytes([minimum | 2]) + data)
        else:
            add("ledger_import", bytes([minimum]) + data)
            if len(data) > 14 and data[:3] == b"OLR":
                add("ledger_import", bytes([minimum | 1]) + body(data))
                add("ledger_import", bytes([minimum | 3]) + body(data))
    for step in ledger["sequence"]:
        generation = min(step.get("generation_after", 0), 63) << 2
        add("ledger_import", bytes([generation | 1]) + body(bytes.fromhex(step["export_after"])))
    for case in stored["negative"]:
        data = bytes.fromhex(case["bytes"])
        # Opened with a wrapping key (any: the targets use the vectors' key) or without.
        wrapped_mode = bool(case.get("wrapping_key", case.get("with_wrapping_key")))
        if case["import_as"].startswith("machine state"):
            add("machine_import", (b"\x02" if wrapped_mode else b"\x00") + data)
        elif wrapped_mode:
            add("key_ring_import_wrapped", b"\x00" + data)
        else:
            add("key_ring_import", b"\x00" + data)

    # account_names: every account vector, paired with the default-domain vectors in turn.
    fqdns = [c["fqdn"] for c in account["default_offline_domain"]]
    # Input: SID length, SID, then the text fields.
    for i, case in enumerate(account["accounts"]):
        add("account_names", with_sid(sid_of(case))
            + fields(case["username"], case["domain"], fqdns[i % len(fqdns)]))
    for fqdn in fqdns:
        add("account_names", with_sid(VECTOR_SID) + fields("alice", "corp", fqdn))
    for sid in BAD_SIDS:
        add("account_names", with_sid(sid) + fields("alice", "corp", fqdns[0]))

    # round_trip: each case's account, password and time, with each opening attempt as the
    # alternative account and password (header layout in fuzz_targets/round_trip.rs).
    for n, case in enumerate(reset["cases"]):
        for k, attempt in enumerate(case["opens_on_machine_a"]):
            header = (
                bytes([0])
                + struct.pack(">q", case["now"] - TIME_ORIGIN_UNIX)
                + struct.pack(">i", attempt["now"] - case["now"])
                + bytes([(7 * k + n) % 44, k])
                + struct.pack(">H", 8 * k + 20)
            )
            add(
                "round_trip",
                header + fields(case["username"], case["domain"], case["password"],
                                attempt["username"], attempt["domain"], attempt["password"]),
            )

    # ffi_buffers: each C entry point with the vectors' inputs (layout in
    # fuzz_targets/ffi_buffers.rs: entry, flags, capacity, key choice, time, fields; the fifth
    # field is the SID).
    def ffi(entry, now, *parts, cap=255, key=0, flags=0):
        add("ffi_buffers", bytes([entry, flags, cap, key]) + struct.pack(">q", now) + fields(*parts))

    first_id = reset["cases"][0]["identification_code"]
    for case in reset["cases"]:
        ffi(0, case["now"], case["identification_code"])
        ffi(1, case["now"], case["reset_code"])
        ffi(6, case["now"], case["identification_code"], case["username"], case["domain"],
            case["password"], sid_of(case))
        ffi(6, case["now"], case["identification_code"], case["username"], case["domain"],
            case["password"], sid_of(case), cap=10, flags=1)
        for attempt in case["opens_on_machine_a"][:4]:
            for entry in (5, 12):
                ffi(entry, attempt["now"], case["reset_code"], attempt["username"],
                    attempt["domain"], attempt["password"], sid_of(attempt))
    first_case = reset["cases"][0]
    for sid in BAD_SIDS[:2]:
        ffi(12, first_case["now"], first_case["reset_code"], first_case["username"],
            first_case["domain"], first_case["password"], sid)
    ffi(0, 0, first_id, cap=3)
    ffi(0, 0, first_id, flags=0x10)
    for c in account["default_offline_domain"][:6]:
        ffi(2, 0, c["fqdn"])
    for c in account["accounts"][:6]:
        ffi(3, 0, c["username"], c["domain"], b"", b"", sid_of(c))
    for sid in BAD_SIDS:
        ffi(3, 0, "alice", "CORP", b"", b"", sid)
    ffi(4, 0, package["text"])
    ffi(9, 0, package["text"])
    ffi(4, 0, package["text"], flags=0b10)
    ffi(7, 0, machine_plain)
    ffi(7, 0, machine_wrapped, key=1)
    ffi(8, 0, ring_plain)
    ffi(8, 0, ring_wrapped, key=1)
    ffi(10, 0, cap=200, key=1)
    ffi(10, 0, cap=100)
    ffi(11, 0, cap=71)
    for case in ledger["imports"]:
        data = bytes.fromhex(case["bytes"])
        ffi(13, case["minimum_generation"], data, key=1 if case["wrapped"] else 0)
    ffi(14, 0, package["text"])
    ffi(15, 0, package["text"])
    ffi(15, 0, package["text"], cap=64)
    ffi(15, 0, package["text"], cap=10)
    for case in package["parse"][:8]:
        ffi(14, 0, case["input"])

    # The stateful targets decode their input with arbitrary's Unstructured: one byte per opcode
    # (modulo the number of operations), one per slot, choice and small range (none for a choice
    # among one item). Each input starts from the prebuilt world (ring 0 with machine A, its
    # ledger and a sealed code; ring 1 rotated to epoch 2 with machine B) and may take one heavy
    # step (generate, ring export/import, package, enroll, redeploy, machine export/import, seal,
    # diagnostics) and two light ones (rotate, signing-key rotation); the fuzzer takes it from
    # there.
    # ffi_stateful opcodes: 0 copy of a fixture ring, 1 generate, 2 grace, 3 rotate, 5 policy, 6 attempt
    # limits, 7 signing-key rotation, 9 ring export/import, 10 package, 11 enroll, 12 redeploy,
    # 13 machine export/import, 15 ledger new, 16 ledger export, 17 ledger import, 18 seal,
    # 19/20 redeem UTF-8/UTF-16, 21 diagnostics, 22 aids, 23 names, 24 constants, 25 hostile.
    package_op, enroll = [10, 0, 0, 0, 1], [11, 0, 0, 0, 0]
    seal = [18, 0, 0, 0] + [0] * 7 + [0, 1, 0, 0]
    world = seal
    for script in (
        world,
        world + [19, 0, 0, 0, 0, 0, 4, 0] + [19, 0, 0, 0, 0, 0, 4, 0],
        world + [20, 0, 0, 0, 0, 0, 4, 0],
        world + [16, 0, 0, 0, 0, 0] + [19, 0, 0, 0, 0, 0, 4, 0] + [17, 0, 0, 0, 0, 1],
        world + [21, 0, 0, 0, 0, 0],
        [6, 0, 0, 0, 0, 0] + seal[:-1] + [1, 1],
        # Rotation without grace, then a redeploy with the new package.
        [2, 0, 0, 0, 0] + [3, 0, 0, 0] + [12, 0, 0, 0, 1, 0],
        # Rotation without grace, then a seal for the retired identification code.
        [2, 0, 0, 0, 0] + [3, 0, 0, 0] + [18, 0, 0, 0, 1] + [0] * 6 + [0, 1, 0, 0],
        # A code sealed on the rotated ring for machine B, redeemed on machine A.
        [18, 1, 1, 1] + [0] * 7 + [0, 1, 0, 0] + [19, 0, 0, 0, 0, 0, 4, 0],
        package_op + [19, 0, 0, 0, 0, 0, 4, 0],
        enroll + [19, 0, 0, 0, 0, 0, 4, 0],
        # Another machine's ledger; a saved ledger imported with minimum generation + 1.
        world + [11, 0, 1, 0, 0] + [16, 0, 0, 0, 0, 0] + [17, 0, 1, 0, 1] + [17, 0, 0, 0, 2],
        # Redeem, clock set back.
        world + [19, 0, 0, 0, 4, 2, 7, 5, 5] + [19, 0, 0, 0, 0, 0, 2, 7, 5, 0],
        [7, 0, 0, 0, 0] + [11, 0, 0, 0, 3] + [13, 0, 0, 0, 1, 0, 0, 0, 1],
        [1, 1, 0, 0, 2, 1, 1] + [9, 1, 0, 0, 1, 1, 0, 0, 1] + [23, 0, 0, 0, 5] + [24, 0, 0, 0, 7],
        [22, 0, 0, 0, 2, 0, 0] + [22, 0, 0, 0, 2, 4, 1, 1] + [22, 0, 0, 0, 2, 7, 0, 0],
        [25, 0, 0, 0] + list(range(10)),
    ):
        add("ffi_stateful", bytes(script))
    for n in range(10):
        add("ffi_stateful", bytes([25, 0, 0, 0, n, 0, 0, 0, 1, 0]))
        add("ffi_stateful", bytes([22, 0, 0, 0, 3, n, 0, 1, 0, 1]))

    # api_stateful: each step is a ring index, a machine index (two of each at the start), then
    # the opcode: 0 ring from secrets, 1 rotate to a secret, 2 signing-key rotation, 3 package,
    # 4 enroll with a secret, 5 redeploy, 6/7 seal and promises, 8 redeem, 9 spelling tables,
    # 10 QR, 11 accounts, 12 errors, 13 the clock, 14 the Argon2id memory pool.
    def step(ring, machine, op, *args):
        return [ring, machine, op, *args]
    for script in (
        step(0, 0, 6, *[0] * 8) + step(0, 0, 14, 0) + step(0, 0, 14, 1),
        step(1, 1, 6, *[0] * 8) + step(1, 0, 8, 0, 0, 0, 0),
        step(0, 0, 1, 0, 9) + step(0, 0, 6, *[0] * 8) + step(0, 0, 8, 0, 0, 0, 0),
        step(1, 1, 1, 0, 9) + step(1, 0, 5, 1, 3) + step(0, 0, 8, 0, 0, 0, 0),
        step(0, 0, 2, 0, 7) + step(0, 0, 3, 0),
        step(0, 0, 3, 0, 4),
        step(1, 0, 4, 1, 5),
        step(0, 0, 0, 2, 1, 0, 0, 0, 0, 1, 5, 3),
        step(0, 0, 9, 0, 9, 5) + step(0, 0, 10, 0, 0) + step(0, 0, 11, 0, 0, 0),
        step(0, 0, 12, 3, 1, 2, 3, 4) + step(0, 0, 13, 7) + step(0, 0, 8, 0, 1),
        # Found by the first 10-minute run (a stale assertion of the target, not a library bug:
        # a signing-key rotation, then the rotation package redeployed after it moved the pin,
        # which a machine takes whoever signed it because it changes nothing). Kept as a seed;
        # it was decoded with the step layout of its time (one ring, one machine: no indexes).
        [0xE2, 0x80, 0x8B, 0xCA, 0x0C, 0x03, 0x09, 0x02, 0x03, 0x04, 0x2D, 0x0C, 0x03, 0x09, 0x13,
         0x03, 0x04, 0x2D, 0x07],
    ):
        add("api_stateful", bytes(script))

    for target, items in sorted(seeds.items()):
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("seed-*"):
            old.unlink()
        for i, data in enumerate(items):
            (folder / f"seed-{i:03d}").write_bytes(data)
        print(f"{target}: {len(items)} seeds")


if __name__ == "__main__":
    main()

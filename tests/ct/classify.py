#!/usr/bin/env python3
"""Reads one valgrind memcheck log per case (tests/ct/logs/CASE.log) and sorts every report into
an allowed rule or a failure. The allowed rules are the list in docs/PROTOCOL.md §12.4; each
names what the branch reveals and why that is public. Usage: classify.py LOG_DIR CASE...
Last line: "constant-time: N passed, M failed"."""
import re
import sys

# (rule name, case pattern, frames that must all appear in the report's stack, reason).
# A frame pattern starting with "top:" must be contained in the report's innermost frame; one
# starting with "top~" is a regular expression the innermost frame must match.
# The cases that run Argon2id on a secret password.
ARGON2_CASES = r"^(seal|open|open_wrong_password|redeem|password_binding)$"

ALLOWED = [
    ("accept/reject: AES-SIV tag", r".*", ["aes_siv::siv::Siv"],
     "the final accept/reject of an AES-SIV open (the tag comparison itself is constant-time)"),
    ("accept/reject: envelope", r".*", ["top:offline_reset::envelope::open"],
     "the final accept/reject of an envelope: the CRC-32 match and the wrapping-key check, "
     "each compared in constant time"),
    ("accept/reject: scalar range", r".*_import_(plain|wrapped)$", ["::import", "secret_key.rs"],
     "an imported secret scalar is refused unless 0 < s < n (elliptic-curve's "
     "SecretKey::from_bytes; reveals only validity)"),
    ("rejection sampling", r".*", ["SecretScalar::generate"],
     "a random scalar is redrawn unless 0 < s < n (RFC 6979-style rejection sampling; the "
     "rejected draw is discarded)"),
    ("public output: public key", r".*", ["SecretScalar::public_"],
     "the public key, once computed from the secret, is public (its SEC1 tag byte)"),
    ("public output: code text", r".*", ["offline_reset::code_text::encode"],
     "identification and reset code text is made from public bytes (machine public key; "
     "header, SIV tag and ciphertext)"),
    ("public output: issue time", r"^(open|redeem)$",
     ["top:offline_reset::machine::Machine::open_reset_code"],
     "the issue time and lifetime of an authenticated code are compared with the clock "
     "(they are public: any observer of the code's use learns them)"),
    ("public output: issue time (ledger)", r"^redeem$",
     ["offline_reset::replay_ledger::ReplayLedger::record",
      "offline_reset::replay_ledger::<impl offline_reset::machine::Machine>::redeem_reset_code"],
     "recording an opened code compares its issue time and forget-after time (issue time + "
     "policy lifetime + skew) with the ledger's entries; the code identifier (the public SIV "
     "tag) and the account fingerprint (of public names) carry no secret"),
    ("public fields of a wrapped object", r".*_import_wrapped$", ["::import"],
     "the public fields (epoch, policy, counts, public keys) of an object whose AES-SIV tag was "
     "accepted; memcheck taints every decrypted byte with the wrapping key. The plain-import "
     "cases check the same code with only the secrets marked"),
    ("public fields of a wrapped object (drop)", r".*_import_wrapped$",
     ["drop_in_place<offline_reset::"],
     "the entry count read from a wrapped replay ledger sizes the vector freed on drop"),
    # Argon2id (argon2 0.6.0, lines as in tests/ct/Cargo.lock's version): only reached through
    # the password binding, and only where the reference block is chosen from the previous
    # block's content (data-dependent addressing, RFC 9106 §3.4) and then read.
    ("Argon2id addressing: reference index", ARGON2_CASES,
     [r"top~^\{closure#0\} \(lib\.rs:(464|472|480|502)\)$",
      "argon2::Argon2::fill_blocks", "offline_reset::key_schedule::password_binding"],
     "fill_blocks computes ref_lane (rand >> 32) % lanes, compares it with the lane and takes "
     "lane_index = (start + relative position) % lane_length from the previous block's first "
     "word (data-dependent addressing of Argon2id's later slices, RFC 9106 §3.4)"),
    ("Argon2id addressing: bounds check", ARGON2_CASES,
     [r"top~^get_block \(memory\.rs:13[34]\)$", "{closure#0} (lib.rs:508)",
      "argon2::Argon2::fill_blocks", "offline_reset::key_schedule::password_binding"],
     "the two asserts of SegmentView::get_block on that data-dependent reference index"),
    ("Argon2id addressing: reference block read", ARGON2_CASES,
     [r"top~^UnknownInlinedFun \(library/core/src/ops/bit\.rs:\d+\)$", "(block.rs:147)",
      "argon2::Argon2::compress (lib.rs:537)", "{closure#0} (lib.rs:506)",
      "argon2::Argon2::fill_blocks", "offline_reset::key_schedule::password_binding"],
     "compress loads the reference block at that data-dependent address (its XOR into the "
     "previous block)"),
]

REPORT = re.compile(r"(Conditional jump or move depends on uninitialised value|"
                    r"Use of uninitialised value of size|Syscall param .* uninitialised)")


def reports(path):
    lines = [re.sub(r"^==\d+== ?", "", l.rstrip("\n")) for l in open(path, errors="replace")]
    i = 0
    while i < len(lines):
        if REPORT.search(lines[i]):
            frames = []
            j = i + 1
            while j < len(lines) and lines[j].strip().startswith(("at ", "by ")):
                frames.append(re.sub(r"^(at|by) 0x[0-9A-Fa-f]+: ", "", lines[j].strip()))
                j += 1
            yield lines[i].strip(), frames
            i = j
        else:
            i += 1


def rule_for(case, frames):
    for name, cases, needs, _ in ALLOWED:
        if not re.search(cases, case):
            continue
        ok = True
        for need in needs:
            if need.startswith("top:"):
                ok &= bool(frames) and need[4:] in frames[0]
            elif need.startswith("top~"):
                ok &= bool(frames) and re.search(need[4:], frames[0]) is not None
            else:
                ok &= any(need in f for f in frames)
        if ok:
            return name
    return None


def where(frames):
    """The innermost frames, for a failure message."""
    return " < ".join(f[:110] for f in frames[:4])


def main():
    log_dir, cases = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    used = set()
    for case in cases:
        allowed, bad = {}, []
        for kind, frames in reports(f"{log_dir}/{case}.log"):
            rule = rule_for(case, frames)
            if rule:
                used.add(rule)
                allowed[rule] = allowed.get(rule, 0) + 1
            else:
                bad.append((kind, frames))
        total = sum(allowed.values()) + len(bad)
        detail = ", ".join(f"{n}: {k}" for k, n in allowed.items()) or "none"
        if bad:
            failed += 1
            print(f"FAIL - {case}: {total} reports, {len(bad)} not allowed (allowed: {detail})")
            for kind, frames in bad:
                print(f"       {kind}\n         at {where(frames)}")
        else:
            passed += 1
            print(f"ok   - {case}: {total} reports, all allowed ({detail})")
    # A rule that allowed nothing is stale (the code it described changed): say so, so the list
    # here and in §12.4 stays exactly what is needed.
    if not failed:
        for name, *_ in ALLOWED:
            if name not in used:
                print(f"note - rule not needed by any case: {name}")
    print(f"constant-time: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

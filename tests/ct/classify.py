#!/usr/bin/env python3
"""Reads one valgrind memcheck log per case (tests/ct/logs/CASE.log) and sorts every report into
an allowed rule or a failure. The allowed rules are the list in docs/PROTOCOL.md §12.4; each
names what the branch reveals and why that is public. Usage: classify.py LOG_DIR CASE...
Last line: "constant-time: N passed, M failed"."""
import re
import sys

# (rule name, case pattern, frames that must all appear in the report's stack, reason).
# A frame pattern starting with "top:" must match the report's innermost frame.
ALLOWED = [
    ("accept/reject: AES-SIV tag", r".*", ["aes_siv::siv::Siv"],
     "the final accept/reject of an AES-SIV open (the tag comparison itself is constant-time)"),
    ("accept/reject: envelope", r".*", ["top:offline_reset::envelope::open"],
     "the final accept/reject of an envelope: the CRC-32 match and the wrapping-key check, "
     "each compared in constant time"),
    ("accept/reject: scalar range", r".*_import_(plain|wrapped)$", ["::import", "secret_key.rs"],
     "an imported secret scalar is refused unless 0 < s < n (elliptic-curve's "
     "SecretKey::from_bytes; reveals only validity)"),
    ("accept/reject: ECDH identity", r".*", ["offline_reset::primitives::ecdh", "top:from<"],
     "the shared point is the identity (never, for a valid scalar and point): ECDH's final check"),
    ("rejection sampling", r".*", ["SecretScalar::generate"],
     "a random scalar is redrawn unless 0 < s < n (RFC 6979-style rejection sampling; the "
     "rejected draw is discarded)"),
    ("public output: public key", r".*", ["SecretScalar::public_"],
     "the public key, once computed from the secret, is public (its SEC1 tag byte)"),
    ("public output: code text", r".*", ["offline_reset::code_text::encode"],
     "identification and reset code text is made from public bytes (machine public key; "
     "header, SIV tag and ciphertext)"),
    ("public output: issue time", r"^open", ["top:offline_reset::machine::Machine::open_reset_code"],
     "the issue time and lifetime of an authenticated code are compared with the clock "
     "(they are public: any observer of the code's use learns them)"),
    ("public fields of a wrapped object", r".*_import_wrapped$", ["::import"],
     "the public fields (epoch, policy, counts, public keys) of an object whose AES-SIV tag was "
     "accepted; memcheck taints every decrypted byte with the wrapping key. The plain-import "
     "cases check the same code with only the secrets marked"),
    ("public fields of a wrapped object (drop)", r".*_import_wrapped$",
     ["drop_in_place<offline_reset::"],
     "the generation count read from a wrapped key ring sizes the vector freed on drop"),
    ("Argon2id addressing", r".*", ["argon2::"],
     "Argon2id's second half uses data-dependent addressing by design (RFC 9106 §3.4)"),
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
    for case in cases:
        allowed, bad = {}, []
        for kind, frames in reports(f"{log_dir}/{case}.log"):
            rule = rule_for(case, frames)
            if rule:
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
    print(f"constant-time: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

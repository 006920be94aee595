#!/usr/bin/env python3
"""Reads one valgrind memcheck log per case (tests/ct/logs/CASE.log) and sorts every report into
an allowed rule or a failure. The allowed rules are the list in docs/PROTOCOL.md §12.4; each
names what the branch reveals and why that is public. Usage: classify.py LOG_DIR CASE...
Last line: "constant-time: N passed, M failed".

How a report is matched (docs/PROTOCOL.md §12.4):
- run.sh runs valgrind with --fullpath-after= (empty), so every frame with debug info carries its
  full source path. Paths are shortened to: CRATE-VERSION/path:LINE for crates from the registry
  (the exact versions of tests/ct/Cargo.lock; a version bump changes the path, so its rules go
  stale and its reports fail until re-derived), src/...:LINE for this library, tests/ct/...:LINE
  for the harness, library/{core,alloc,std}/...:LINE for Rust's standard library.
- The report's INNERMOST LIBRARY FRAME is its innermost frame that has a source file and is not
  in Rust's standard library (core, alloc, std). Standard-library frames (a `^=`, an iterator, a
  `Vec` method inlined into the caller) and frames without source (libc, valgrind's preload, e.g.
  `malloc`) are skipped: the branch or index is then attributed to the line that called them.
- A rule allows a report only when the innermost library frame equals one of the rule's `at`
  entries: function (as valgrind names it; `UnknownInlinedFun` where valgrind cannot name an
  inlined function; generic arguments may be left off) AND file:line. `context` entries are
  extra frames that must all appear somewhere in the same stack (a line of None: any line).
- Self-tests (SELF_TESTS) are cases that branch on a secret on purpose: each passes only when at
  least one report is caught at its expected frame and none of its reports matches a rule.
"""
import os
import re
import sys

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# The cases that run Argon2id on a secret password (the password binding, §5).
ARGON2_CASES = (r"^(seal|seal_reused_memory|open|open_wrong_password|redeem|redeem_wrong_password|password_binding"
                r"|cabi_seal|cabi_redeem|cabi_redeem_wrong_password)$")

UNNAMED = "UnknownInlinedFun"  # valgrind's name for an inlined frame it cannot name
SCALAR_FROM_BYTES = ("offline_reset::primitives::SecretScalar::from_bytes", "src/primitives.rs:57")
RING_IMPORT = "offline_reset::server_key_ring::ServerKeyRing::import"
# The generation fields of a key ring (and of a token ring record), read for ServerKeyRing::import.
RING_GENERATION = "offline_reset::server_key_ring::read_generation_fields"
MACHINE_IMPORT = "offline_reset::machine::Machine::import"
LEDGER_IMPORT = "offline_reset::replay_ledger::ReplayLedger::import"
ECDSA_SIGN = ("offline_reset::primitives::ecdsa_sign", "src/primitives.rs:101")
BINDING = ("offline_reset::key_schedule::bind", "src/key_schedule.rs:178")
POLICY_CHECKS = [("new", "src/policy.rs:62"), ("new", "src/policy.rs:159"),
                 ("with_attempt_limits", "src/policy.rs:181")]
# SEC1 decoding of a compressed public key (PublicPoint::from_compressed, its on-curve check).
POINT_DECODING = [("from_compressed", "src/primitives.rs:167"),
                  ("offline_reset::primitives::PublicPoint::from_sec1", "src/primitives.rs:148"),
                  ("from_bytes", "sec1-0.8.1/src/point.rs:95"),
                  ("from_u8", "sec1-0.8.1/src/point.rs:528"),
                  ("is_compressed", "sec1-0.8.1/src/point.rs:545"),
                  ("into_option<elliptic_curve::public_key::PublicKey<p256::NistP256>>",
                   "ctutils-0.4.8/src/ct_option.rs:200")]

# (rule name, case pattern, at: allowed innermost library frames (function, file:line),
#  context: frames that must also be in the stack (function, file:line or None), reason).
# Lines are those of this commit's src/ and of the crate versions in tests/ct/Cargo.lock.
ALLOWED = [
    ("accept/reject: AES-SIV tag", r".*",
     [("decrypt_inout_detached", "aes-siv-0.8.0/src/siv.rs:305")],
     [("offline_reset::primitives::SivKey::open_in_place", "src/primitives.rs:296")],
     "the final accept/reject of an AES-SIV open: the `if` on the result of the constant-time "
     "tag comparison (CtOutput ==)"),
    ("accept/reject: envelope", r"_import_(rotating_)?(plain|wrapped)$",
     [("offline_reset::envelope::open", "src/envelope.rs:156"),
      ("offline_reset::envelope::open", "src/envelope.rs:170")],
     [],
     "the final accept/reject of an envelope: the `if` on the constant-time CRC-32 comparison "
     "(line 153) and on the constant-time wrapping-key check (line 167)"),
    ("accept/reject: scalar range", r"^ring_import_",
     [("from<elliptic_curve::scalar::value::ScalarValue<p256::NistP256>>",
       "subtle-2.6.1/src/lib.rs:663"),
      ("from_bytes<p256::NistP256>", "elliptic-curve-0.14.3/src/secret_key.rs:142")],
     [SCALAR_FROM_BYTES, (RING_IMPORT, None)],
     "an imported secret scalar (generation secret, signing secret, next signing secret) is "
     "refused unless 0 < s < n (elliptic-curve's SecretKey::from_bytes: CtOption to Option, "
     "then the zero check); reveals only validity"),
    ("rejection sampling", r"^(generate|rotate|signing_rotation_begin)$",
     [("from<elliptic_curve::scalar::value::ScalarValue<p256::NistP256>>",
       "subtle-2.6.1/src/lib.rs:663"),
      ("from_bytes<p256::NistP256>", "elliptic-curve-0.14.3/src/secret_key.rs:142")],
     [SCALAR_FROM_BYTES, ("generate", "src/primitives.rs:48")],
     "a random scalar is redrawn unless 0 < s < n (SecretScalar::generate's loop over "
     "SecretKey::from_bytes); the rejected draw is discarded"),
    ("public output: public key",
     r"^(generate|rotate|rotate_to_secret|enroll|redeploy_new_epoch|signing_rotation_begin"
     r"|package_sign.*|ring_import_.*)$",
     [("from_u8", "sec1-0.8.1/src/point.rs:528")],
     [("offline_reset::primitives::compress", "src/primitives.rs:204")],
     "the SEC1 tag byte of a public key just computed from its secret (EncodedPoint::as_bytes "
     "reads the tag to know the length); the public key is public"),
    ("public output: package keys", r"^package_sign",
     POINT_DECODING,
     [("offline_reset::server_key_ring::ServerKeyRing::deployment_package", None)],
     "deployment_package decodes the server public key and sign() the signer's and next "
     "signer's public keys (SEC1 tag, decompression's CtOption): keys computed from secrets, "
     "published in the package itself"),
    ("ECDSA: RFC 6979 candidate range", r"^package_sign",
     [("fill_next_k", "rfc6979-0.6.0/src/lib.rs:93")],
     [ECDSA_SIGN],
     "RFC 6979 §3.2 h.3: an HMAC-DRBG candidate k is used only if 1 <= k < n, else the next "
     "is drawn; reveals only that a discarded candidate was out of range (probability ~2^-32 "
     "for P-256), never anything of the k used or of the signing key"),
    ("ECDSA: nonce nonzero", r"^package_sign",
     [("from<elliptic_curve::scalar::nonzero::NonZeroScalar<p256::NistP256>>",
       "subtle-2.6.1/src/lib.rs:663"),
      ("unwrap<p256::arithmetic::scalar::Scalar>", "subtle-2.6.1/src/lib.rs:701")],
     [ECDSA_SIGN],
     "NonZeroScalar::from_repr(k).into_option() (ecdsa hazmat.rs:118) and the unwrap of "
     "k's inversion (elliptic-curve scalar/nonzero.rs:222): k is already in 1..n-1, so both "
     "are always Some; the branch has one outcome and reveals nothing"),
    ("ECDSA: signature range", r"^package_sign",
     [("from<elliptic_curve::scalar::value::ScalarValue<p256::NistP256>>",
       "subtle-2.6.1/src/lib.rs:663"),
      ("from_scalars", "ecdsa-0.17.0/src/lib.rs:241")],
     [("from_scalars", None), ECDSA_SIGN],
     "Signature::from_scalars checks r and s (range, then nonzero): r and s are the signature, "
     "a public output"),
    ("public output: code text", r"^(enroll|redeploy_new_epoch|seal|seal_reused_memory|cabi_seal)$",
     [("update_table", "crc-3.4.0/src/crc16.rs:150"),
      ("offline_reset::code_text::encode", "src/code_text.rs:208"),
      ("offline_reset::code_text::encode", "src/code_text.rs:212")],
     [("offline_reset::code_text::encode", None)],
     "code text is made from public bytes only (machine public key; header, SIV tag and "
     "ciphertext): the table-driven CRC-16, the symbol and check-symbol lookups"),
    ("public output: issue time", r"^(open|redeem|cabi_redeem)$",
     [("offline_reset::machine::Machine::open_checked", "src/machine.rs:239"),
      ("offline_reset::machine::Machine::open_checked", "src/machine.rs:242")],
     [],
     "the issue time and lifetime of an authenticated code compared with the clock (not yet "
     "valid, expired); they are public: any observer of the code's use learns them"),
    # The wrapped imports: memcheck taints every byte decrypted with the wrapping key, so each
    # read of a public field is reported. Named here read by read; the plain-import cases run the
    # same readers with only the secrets marked (and report none of these lines).
    ("public fields of a wrapped key ring", r"^ring_import_(rotating_)?wrapped$",
     [(RING_IMPORT, f"src/server_key_ring.rs:{n}") for n in (630, 634)]
     + [(RING_GENERATION, f"src/server_key_ring.rs:{n}") for n in (721, 724, 729, 730)]
     + POLICY_CHECKS,
     [(RING_IMPORT, None)],
     "the key ring's public fields after its AES-SIV tag was accepted: generation count, "
     "epochs, retired flags and times, grace windows, policy and password costs (range checks)"),
    ("next signing slot empty?", r"^ring_import_",
     [(RING_IMPORT, "src/server_key_ring.rs:622")],
     [],
     "whether a signing-key rotation is under way: the slot is compared with zero in constant "
     "time (subtle's ct_eq) and only that answer is branched on; it is public (packages name "
     "the next signer)"),
    ("public fields of a wrapped machine state", r"^machine_import_wrapped$",
     [(MACHINE_IMPORT, "src/machine.rs:287")] + POINT_DECODING + POLICY_CHECKS,
     [(MACHINE_IMPORT, None)],
     "the machine state's public fields after its AES-SIV tag was accepted: epoch, the "
     "server's public key, policy, the pinned signer, x(M) (SEC1 decoding, on-curve checks)"),
    ("public fields of a wrapped replay ledger", r"^ledger_import_wrapped$",
     [(LEDGER_IMPORT, f"src/replay_ledger.rs:{n}")
      for n in (192, 196, 202, 205, 209, 210, 218, 219, 220, 221, 233, 236, 243, 244, 258)]
     + [("{closure#0}", "src/replay_ledger.rs:217")],
     [(LEDGER_IMPORT, None)],
     "the ledger's fields after its AES-SIV tag was accepted: epoch and x(M) (compared with "
     "the machine's), generation, latest time, counts (which size allocations), account and "
     "code records (order, failure counts, windows, times); none is secret (§9.7)"),
    ("public fields of a wrapped replay ledger (drop)", r"^ledger_import_wrapped$",
     [("offline_reset_ct::case_ledger_import_wrapped", "tests/ct/src/main.rs")],
     [],
     "the record counts read from a wrapped ledger size the vectors freed on drop (Vec's drop, "
     "inlined into the harness: the harness line is not pinned, it moves as cases are added)"),
    # Argon2id (argon2 0.6.0): only where the reference block is chosen from the previous
    # block's content (data-dependent addressing, RFC 9106 §3.4) and then read.
    ("Argon2id addressing: reference index", ARGON2_CASES,
     [(UNNAMED, f"argon2-0.6.0/src/lib.rs:{n}") for n in (472, 480, 502)],
     [BINDING],
     "fill_blocks computes ref_lane = (rand >> 32) % lanes, compares it with the lane, and "
     "lane_index = (start + relative position) % lane_length, rand being the previous block's "
     "first word (Argon2id's data-dependent addressing after the first half of the first pass)"),
    ("Argon2id addressing: bounds check", ARGON2_CASES,
     [(UNNAMED, "argon2-0.6.0/src/memory.rs:133"), (UNNAMED, "argon2-0.6.0/src/memory.rs:134")],
     [(UNNAMED, "argon2-0.6.0/src/lib.rs:508"), BINDING],
     "the two asserts of SegmentView::get_block on that data-dependent reference index"),
    ("Argon2id addressing: reference block read", ARGON2_CASES,
     [("bitxor_assign", "argon2-0.6.0/src/block.rs:147")],
     [("bitxor", "argon2-0.6.0/src/block.rs:139"), ("compress", "argon2-0.6.0/src/block.rs:81"),
      BINDING],
     "compress loads the reference block at that data-dependent address (its XOR into the "
     "previous block)"),
    # The C ABI only: the password arrives as bytes and is checked to be UTF-8 in the library
    # (core::str::from_utf8 inlined into ffi::ptr::text). A Rust caller does this check itself
    # before it can hold a &str. Pinned to the password argument's line of each export.
    ("C ABI: UTF-8 check of the password", r"^cabi_",
     [("text", "src/ffi/ptr.rs:56")],
     [("{closure#0}", "src/ffi/server_key_ring.rs:217")],
     "olr_server_key_ring_seal_reset_code's UTF-8 validation of new_password branches on each "
     "byte's class (ASCII or the length of a multi-byte sequence): reveals which characters of "
     "the password are ASCII, not their values; see docs/PROTOCOL.md §12.4"),
    ("C ABI: UTF-8 check of the password (redeem)", r"^cabi_",
     [("text", "src/ffi/ptr.rs:56")],
     [("{closure#0}", "src/ffi/replay_ledger.rs:190")],
     "as above, in olr_machine_redeem_reset_code"),
]

# Self-tests: case name -> (innermost library function, file) its deliberate branch must be
# caught at. The harness's line is not pinned (it moves as cases are added).
SELF_TESTS = {
    "selftest_secret_branch": ("offline_reset_ct::leaky_branch", "tests/ct/src/main.rs"),
}

REPORT = re.compile(r"(Conditional jump or move depends on uninitialised value|"
                    r"Use of uninitialised value of size|Syscall param .* uninitialised)")
FRAME = re.compile(r"^(?:at|by) 0x[0-9A-Fa-f]+: (.*?)(?: \((.*)\))?$")
STD = re.compile(r"(^|/)library/(core|alloc|std)/")


def location(raw):
    """A frame's source location, shortened (see the module comment); None without source."""
    if not raw or raw.startswith("in "):
        return None
    raw = re.sub(r"^.*/registry/src/[^/]+/", "", raw)
    raw = re.sub(r"^/rustc/[0-9a-f]+/", "", raw)
    if raw.startswith(ROOT + "/"):
        raw = raw[len(ROOT) + 1:]
    return raw


def reports(path):
    lines = [re.sub(r"^==\d+== ?", "", l.rstrip("\n")) for l in open(path, errors="replace")]
    i = 0
    while i < len(lines):
        if REPORT.search(lines[i]):
            frames = []
            j = i + 1
            while j < len(lines) and lines[j].strip().startswith(("at ", "by ")):
                m = FRAME.match(lines[j].strip())
                frames.append((m.group(1), location(m.group(2))) if m else (lines[j], None))
                j += 1
            yield lines[i].strip(), frames
            i = j
        else:
            i += 1


def innermost_library_frame(frames):
    for function, loc in frames:
        if loc and not STD.search(loc):
            return function, loc
    return None


def same_function(want, got):
    return want is None or got == want or got.startswith(want + "<")


def same_location(want, got):
    """A rule's location: exact file:line, or a bare file (any line), or None (anywhere)."""
    if want is None:
        return True
    if got is None:
        return False
    return got == want if re.search(r":\d+$", want) else got.rsplit(":", 1)[0] == want


def rule_for(case, frames):
    inner = innermost_library_frame(frames)
    if inner is None:
        return None, None
    for name, cases, at, context, _ in ALLOWED:
        if not re.search(cases, case):
            continue
        hit = next((a for a in at if same_function(a[0], inner[0])
                    and same_location(a[1], inner[1])), None)
        if hit and all(any(same_function(f, g) and same_location(l, m) for g, m in frames)
                       for f, l in context):
            return name, hit
    return None, None


def where(frames):
    """The innermost library frame and the next ones out, for a failure message."""
    inner = innermost_library_frame(frames)
    start = frames.index(inner) if inner else 0
    return " < ".join(f"{f[:70]} ({l})" for f, l in frames[start:start + 4])


def self_test(log_dir, case):
    """A self-test passes only when its deliberate branch is reported and no rule allows it."""
    function, file = SELF_TESTS[case]
    caught, wrongly_allowed = 0, []
    for kind, frames in reports(f"{log_dir}/{case}.log"):
        rule, _ = rule_for(case, frames)
        if rule:
            wrongly_allowed.append(rule)
        inner = innermost_library_frame(frames)
        if inner and same_function(function, inner[0]) and same_location(file, inner[1]):
            caught += 1
    if wrongly_allowed:
        print(f"FAIL - {case} (self-test): the deliberate leak matched allowed rule(s) "
              f"{sorted(set(wrongly_allowed))}: the rules are too broad")
        return False
    if not caught:
        print(f"FAIL - {case} (self-test): the deliberate secret-dependent branch in {function} "
              f"was NOT reported: the checker is blind (are secrets still marked? valgrind?)")
        return False
    print(f"ok   - {case} (self-test): the deliberate leak was caught ({caught} report(s) at "
          f"{function}, matching no allowed rule)")
    return True


def main():
    log_dir, cases = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    used, used_at = set(), set()
    for test in SELF_TESTS:
        if test not in cases:
            failed += 1
            print(f"FAIL - {test} (self-test): did not run, so the checker is unproven")
    for case in cases:
        if case in SELF_TESTS:
            if self_test(log_dir, case):
                passed += 1
            else:
                failed += 1
            continue
        allowed, bad = {}, []
        for kind, frames in reports(f"{log_dir}/{case}.log"):
            rule, at = rule_for(case, frames)
            if rule:
                used.add(rule)
                used_at.add((rule, at))
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
    # A rule, or a line of a rule, that allowed nothing is stale (the code it described
    # changed): say so, so the list here and in §12.4 stays exactly what is needed.
    if not failed:
        for name, _, at, _, _ in ALLOWED:
            if name not in used:
                print(f"note - rule not needed by any case: {name}")
                continue
            for a in at:
                if (name, a) not in used_at:
                    print(f"note - rule {name}: frame not needed by any case: {a[0]} ({a[1]})")
    print(f"constant-time: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

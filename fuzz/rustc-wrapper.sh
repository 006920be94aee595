#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz builds (fuzz/smoke.sh, fuzz/coverage.sh, docs/FUZZING.md): compiles
# the vetted cryptographic crates without libFuzzer's coverage instrumentation (sancov: edge
# counters and the comparison tracing that is most of the cost), keeping AddressSanitizer on
# every crate. Why: those crates are constant-time arithmetic with no input-dependent branches to
# discover (qrcodegen: a vetted encoder, called with the library's own checked input), and
# tracing each of their comparisons made a P-256 scalar multiplication several times slower,
# most of every stateful input's time. For the same crates it also drops cargo-fuzz's
# `-Cdebug-assertions` (their internal invariants and overflow checks in constant-time
# arithmetic) and `-simplifycfg-branch-fold-threshold=0` (kept branches help only coverage
# guidance). The library, the fuzz targets and the parsers they reach (crc, data-encoding, ...)
# keep everything. Cargo calls this as `wrapper rustc ARGS...`; it does not notice when this
# file changes: after editing it, `rm -rf fuzz/target` (CI builds from a fresh clone).
set -euo pipefail
rustc=$1
shift
uninstrumented=" p256 primeorder elliptic_curve crypto_bigint ecdsa ff group subtle ctutils rfc6979 hmac sha2 aes aes_siv argon2 blake2 cmac ctr hkdf digest cipher block_buffer crypto_common sec1 hybrid_array dbl base16ct inout cpufeatures qrcodegen "
name=
prev=
for arg in "$@"; do
    if [ "$prev" = --crate-name ]; then
        name=$arg
        break
    fi
    prev=$arg
done
if [ -z "$name" ] || [[ "$uninstrumented" != *" $name "* ]]; then
    exec "$rustc" "$@"
fi
args=()
for arg in "$@"; do
    case "$arg" in
        -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-* | -Cdebug-assertions | \
            -Cllvm-args=-simplifycfg-branch-fold-threshold=0) ;;
        *) args+=("$arg") ;;
    esac
done
exec "$rustc" "${args[@]}"

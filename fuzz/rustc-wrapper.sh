#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz builds (fuzz/smoke.sh, fuzz/coverage.sh, fuzz/long_run.sh): compiles
# the vetted cryptographic crates without libFuzzer's coverage instrumentation (sancov: edge
# counters and comparison tracing) and without AddressSanitizer; the library, the fuzz targets
# and the parsers they reach (crc, data-encoding, ...) keep both. Why: those crates are
# constant-time arithmetic in safe Rust with no input-dependent branches to discover (qrcodegen:
# a vetted encoder, called with the library's own checked input), and P-256 scalar
# multiplications were most of every stateful input's time: tracing their comparisons made one
# several times slower, and under ASan each copy of a field element or point is a checked
# `__asan_memcpy` call (a fifth of the time; ffi_stateful went from 1,089 to 1,529 inputs a
# second without it). Generic code (P-256 arithmetic over `NistP256`, AES modes) is compiled
# where it is instantiated, in the library, and stays instrumented there. Every crate gets
# `-Cunsafe-allow-abi-mismatch=sanitizer`: rustc refuses to link crates built with different
# `-Zsanitizer` values otherwise; mixing is sound for ASan (uninstrumented code is only not
# checked; heap allocations still go through the ASan allocator). For the same crates it also
# drops cargo-fuzz's `-Cdebug-assertions` (their internal invariants and overflow checks in
# constant-time arithmetic) and `-simplifycfg-branch-fold-threshold=0` (kept branches help only
# coverage guidance). Cargo calls this as `wrapper rustc ARGS...`; it does not notice when this
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
    exec "$rustc" "$@" -Cunsafe-allow-abi-mismatch=sanitizer
fi
args=()
for arg in "$@"; do
    case "$arg" in
        -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-* | -Cdebug-assertions | \
            -Cllvm-args=-simplifycfg-branch-fold-threshold=0 | -Zsanitizer=address) ;;
        *) args+=("$arg") ;;
    esac
done
exec "$rustc" "${args[@]}" -Cunsafe-allow-abi-mismatch=sanitizer

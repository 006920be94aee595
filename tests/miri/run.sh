#!/usr/bin/env bash
# Miri over the FFI layer (issue 25): the unit tests under src/ffi and of src/argon2_memory.rs
# (the one other module with `unsafe`: its mapping and wipe), and every FFI test file
# (tests/ffi.rs, ffi_account.rs, ffi_ledger.rs, ffi_typing.rs, ffi_utf16.rs; in CI without the
# P-256-heavy tests listed below, counted as skipped) run in the Miri
# interpreter, once with Stacked Borrows and once with Tree Borrows, both with
# -Zmiri-strict-provenance. Miri reports undefined behaviour on the Rust side of the C ABI:
# aliasing of the references made from C pointers (src/ffi/ptr.rs), provenance, alignment,
# out-of-bounds and uninitialized reads, use after free and leaks of handles, data races.
#
# Installs what it needs (the nightly toolchain, its miri and rust-src components, Miri's
# sysroot). Builds into target/miri (Miri's own default), apart from the normal builds.
# Prints per-run counts, the reasons of skipped tests, any undefined behaviour Miri reports, and
# as its last line `miri: N passed, M failed, K skipped` (summed over both borrow models). A run
# that reports undefined behaviour, times out or fails to build counts its unfinished tests as
# failed (at least one). Exit status 0 only if nothing failed.
#
# Environment: MIRI_RUN_TIMEOUT (seconds per cargo run, default 900), MIRI_FULL=1 (no test left
# out by name: hours), MIRI_TOOLCHAIN (default nightly), MIRI_MODELS (default "stacked tree").
set -uo pipefail
cd "$(dirname "$0")/../.."

toolchain=${MIRI_TOOLCHAIN:-nightly}
run_timeout=${MIRI_RUN_TIMEOUT:-900}
models=${MIRI_MODELS:-stacked tree}

# Tests left out by name in the CI run, with the reason; counted as skipped, never dropped
# silently. MIRI_FULL=1 runs them all (a nightly job: several hours). Each one drives P-256 key
# generations, ECDH and signatures through the exports; Miri needs about 50 s of CPU for one
# P-256 scalar multiplication, so tests/ffi.rs alone takes hours (two_threads_share_const_handles
# seals and opens 80 times). What Miri checks is the pointer handling in src/ffi/ptr.rs, which
# every test left in drives the same way (handles, input slices, output buffers, details, frees);
# the crypto between them touches no C pointer. Every FFI test file keeps at least one test.
# A test Miri cannot run at all (an OS call it does not model) is marked
# `#[cfg_attr(miri, ignore = "reason")]` in its file instead and shows up as ignored.
slow="P-256 work under the interpreter, over the CI time budget; run with MIRI_FULL=1"
skip_tests=(
    "ffi::version::tests::maximum_sizes_are_exact|Rust API only (no C pointer): 41 P-256 key generations; the sizes are checked natively by cargo test"
    "whole_reset_through_the_c_abi|${slow}"
    "mistyped_group_and_rotation_details|${slow}"
    "password_costs_through_the_c_abi|${slow}"
    "two_threads_share_const_handles|${slow} (80 seals and opens)"
    "panic_becomes_a_status|${slow}"
    "redeem_through_c_works_once_and_survives_a_reload|${slow}"
    "redeem_through_utf16_matches_utf8|${slow}"
    "qr_export_matches_rust|QR encoding of many symbols: still running after 12 min under Miri; the QR export's buffer handling is the same OutBuf as the rest"
)
[ "${MIRI_FULL:-0}" = 1 ] && skip_tests=()

# ---- installation -------------------------------------------------------------------------
if ! rustup toolchain list | grep -q "^${toolchain}[- ]"; then
    rustup toolchain install "$toolchain" --profile minimal || exit 1
fi
rustup component add --toolchain "$toolchain" miri rust-src >/dev/null 2>&1 ||
    rustup component add --toolchain "$toolchain" miri rust-src || exit 1
cargo "+$toolchain" miri setup >/dev/null 2>&1 || cargo "+$toolchain" miri setup || exit 1
cargo "+$toolchain" miri --version

# ---- runs ---------------------------------------------------------------------------------
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
skip_args=()
for entry in "${skip_tests[@]}"; do skip_args+=(--skip "${entry%%|*}"); done
tests=(--test ffi --test ffi_account --test ffi_ledger --test ffi_typing --test ffi_utf16)

# One cargo run: $1 label, $2 MIRIFLAGS, then cargo's test selection, then `--` and libtest
# arguments. Prints the run's output lines and counts; appends "pass fail skip" to $counts.
miri_run() {
    local label=$1 flags=$2 log status start=$SECONDS
    shift 2
    log=$logdir/$(echo "$label" | tr -c 'A-Za-z0-9' _).log
    echo
    echo "--- ${label}  (MIRIFLAGS=${flags})"
    MIRIFLAGS=$flags timeout --kill-after=30 "$run_timeout" \
        cargo "+$toolchain" miri test --no-fail-fast --features test-hooks "$@" >"$log" 2>&1
    status=$?
    grep -E '^(     Running|test .* \.\.\. |test result:)' "$log"
    # Per test binary: tests announced by "running N tests" that neither passed nor were
    # ignored count as failed (a failure, the test Miri stopped at with undefined behaviour and
    # the ones after it, or the rest of a run that timed out).
    local pass fail skip
    read -r pass fail skip < <(awk '
        function flush() { if (open) { f += n - ok - ig; open = 0 } }
        /^running [0-9]+ tests?$/ { flush(); n = $2; ok = 0; ig = 0; open = 1 }
        /^test .* \.\.\. ok$/ { ok++; p++ }
        /^test .* \.\.\. ignored/ { ig++; i++ }
        /^test result:/ { flush() }
        END { flush(); printf "%d %d %d\n", p, f, i }' "$log")
    if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1 # failed before or outside any test (build error, const evaluation, ...)
    fi
    if grep -q 'Undefined Behavior' "$log"; then
        echo "UNDEFINED BEHAVIOUR reported:"
        grep -E -A25 '^error: Undefined Behavior' "$log" | head -n 80
    elif [ "$status" -ne 0 ]; then
        [ "$status" -eq 124 ] && echo "TIMED OUT after ${run_timeout} s"
        grep -E -A30 '^(failures:|error)' "$log" | head -n 60
    fi
    grep -E '^test .* \.\.\. ignored' "$log" | sed 's/^test /  skipped: /'
    echo "${label}: ${pass} passed, ${fail} failed, ${skip} skipped ($((SECONDS - start)) s)"
    echo "$pass $fail $skip" >>"$counts"
}

# One borrow model: the unit tests of the unsafe code (`ffi::` selects exactly the tests of the
# src/ffi modules, `argon2_memory::` those of the Argon2id memory module), then the FFI test
# files; the tests left out by name count as skipped.
model_runs() {
    local model=$1 flags
    case $model in
    stacked) flags="-Zmiri-strict-provenance" ;;
    tree) flags="-Zmiri-strict-provenance -Zmiri-tree-borrows" ;;
    *) echo "unknown borrow model: $model"; echo "0 1 0" >>"$counts"; return ;;
    esac
    miri_run "${model} borrows, src/ffi and argon2_memory unit tests" "$flags" --lib -- ffi:: argon2_memory:: "${skip_args[@]}"
    miri_run "${model} borrows, tests/ffi*.rs" "$flags" "${tests[@]}" -- "${skip_args[@]}"
    for entry in "${skip_tests[@]}"; do
        echo "  skipped by name: ${entry%%|*}: ${entry#*|}"
    done
    echo "0 0 ${#skip_tests[@]}" >>"$counts"
}

# Build once (Miri's builds are check builds: a minute or two), then run the borrow models side
# by side, one interpreter each (Miri is single-threaded; cargo does not hold its build lock
# while tests run), and print their reports in order.
start=$SECONDS
cargo "+$toolchain" miri test --no-run --features test-hooks --lib "${tests[@]}" 2>&1 |
    grep -E '^(error|warning: unused)|Finished' || true
counts=$logdir/counts
: >"$counts"
for model in $models; do
    (counts=$logdir/counts.$model; : >"$counts"; model_runs "$model" >"$logdir/report.$model" 2>&1) &
done
wait
for model in $models; do
    cat "$logdir/report.$model"
    cat "$logdir/counts.$model" >>"$counts"
done

echo
echo "miri wall time: $((SECONDS - start)) s"
read -r total_pass total_fail total_skip < <(awk '{ p += $1; f += $2; s += $3 }
    END { printf "%d %d %d\n", p, f, s }' "$counts")
echo "miri: ${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
[ "$total_fail" -eq 0 ]

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
# `bash tests/miri/run.sh --regenerate` instead remakes tests/support/miri_fixture_data.rs under
# Miri (a few minutes; needed when the wire format changes: the Miri tests then say so).
#
# Environment: MIRI_RUN_TIMEOUT (seconds per cargo run, default 1500), MIRI_FULL=1 (no test left
# out by name), MIRI_TOOLCHAIN (default nightly), MIRI_MODELS (default "stacked tree").
set -uo pipefail
cd "$(dirname "$0")/../.."

toolchain=${MIRI_TOOLCHAIN:-nightly}
run_timeout=${MIRI_RUN_TIMEOUT:-1500}
models=${MIRI_MODELS:-stacked tree}

# Tests left out by name, with the reason; counted as skipped, never dropped silently.
# MIRI_FULL=1 runs them too (a nightly job: about an hour more). Miri needs about 25 s of CPU
# for one P-256 scalar multiplication; the tests that stay share one key ring and machine per
# test binary (tests/support/miri_fixture.rs), while these make several of their own (rotations,
# enrollments, rings imported and exported, 41 key generations) or encode QR symbols. What
# Miri checks is the pointer handling in src/ffi/ptr.rs, which the tests that stay drive through
# the same exports (handles, input slices, output buffers, details, frees); the crypto between
# them touches no C pointer. A test Miri cannot run at all (an OS call it does not model) is
# marked `#[cfg_attr(miri, ignore = "reason")]` in its file instead and shows up as ignored.
slow="P-256 work of its own (rings, rotations, enrollments): minutes under the interpreter, over the CI time budget; MIRI_FULL=1 runs it"
skip_tests=(
    "ffi::version::tests::maximum_sizes_are_exact|Rust API only (no C pointer): 41 P-256 key generations; the sizes are checked natively by cargo test"
    "mistyped_group_and_rotation_details|${slow}"
    "password_costs_through_the_c_abi|${slow}"
    "qr_export_matches_rust|QR encoding (every mask scored, twice): still running after 12 min under Miri; MIRI_FULL=1 runs it; the QR export's buffer handling is the OutBuf of every other export"
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

# ---- fixture ------------------------------------------------------------------------------
if [ "${1:-}" = --regenerate ]; then
    data=tests/support/miri_fixture_data.rs
    log=$(mktemp)
    MIRIFLAGS=-Zmiri-strict-provenance cargo "+$toolchain" miri test --test miri_fixture \
        -- --ignored --nocapture >"$log" 2>&1
    status=$?
    if [ "$status" -ne 0 ] || ! grep -q '^---- miri fixture end$' "$log"; then
        tail -n 40 "$log"
        rm -f "$log"
        echo "miri fixture: not made"
        exit 1
    fi
    sed -n '/---- miri fixture begin$/,/^---- miri fixture end$/p' "$log" | sed '1d;$d' >"$data"
    rm -f "$log"
    echo "miri fixture: wrote $data"
    exit 0
fi

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

flags_of() {
    case $1 in
    stacked) echo "-Zmiri-strict-provenance" ;;
    tree) echo "-Zmiri-strict-provenance -Zmiri-tree-borrows" ;;
    *) return 1 ;;
    esac
}

# The runs, one per borrow model and test binary, longest first (measured: tests/ffi.rs, then
# the ledger and UTF-16 files; Tree Borrows takes about 1.7 times Stacked Borrows' time). The
# unit tests of the unsafe code: `ffi::` selects exactly the tests of the src/ffi modules,
# `argon2_memory::` those of the Argon2id memory module.
runs=()
for target in "--test ffi" "--test ffi_ledger" "--test ffi_utf16" "--test ffi_typing" \
    "--lib|ffi:: argon2_memory::" "--test ffi_account"; do
    for model in $models; do
        runs+=("${model}|${target}")
    done
done

# One run: $1 its number, $2 "model|cargo selection[|libtest filters]".
one_run() {
    local model=${2%%|*} rest=${2#*|} flags selection filters=""
    selection=${rest%%|*}
    [ "$selection" != "$rest" ] && filters=${rest#*|}
    counts=$logdir/counts.$1
    : >"$counts"
    if ! flags=$(flags_of "$model"); then
        echo "unknown borrow model: $model"
        echo "0 1 0" >>"$counts"
        return
    fi
    local what="tests/${selection#--test }.rs"
    [ "$selection" = --lib ] && what="src/ffi and argon2_memory unit tests"
    # shellcheck disable=SC2086 # selection and filters are word lists
    miri_run "${model} borrows, ${what}" "$flags" $selection -- $filters "${skip_args[@]}"
}

# Build once (Miri's builds are check builds: a minute or two), then run MIRI_JOBS runs at a
# time (default: one per CPU; Miri is single-threaded and cargo does not hold its build lock
# while tests run), and print their reports in order.
start=$SECONDS
cargo "+$toolchain" miri test --no-run --features test-hooks --lib "${tests[@]}" 2>&1 |
    grep -E '^(error|warning: unused)|Finished' || true
parallel=${MIRI_JOBS:-$(nproc)}
for index in "${!runs[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
    one_run "$index" "${runs[$index]}" >"$logdir/report.$index" 2>&1 &
done
wait
counts=$logdir/counts
: >"$counts"
for index in "${!runs[@]}"; do
    cat "$logdir/report.$index"
    cat "$logdir/counts.$index" >>"$counts"
done
echo
for model in $models; do
    for entry in "${skip_tests[@]}"; do
        echo "${model} borrows, skipped by name: ${entry%%|*}: ${entry#*|}"
    done
    echo "0 0 ${#skip_tests[@]}" >>"$counts"
done

echo
echo "miri wall time: $((SECONDS - start)) s"
read -r total_pass total_fail total_skip < <(awk '{ p += $1; f += $2; s += $3 }
    END { printf "%d %d %d\n", p, f, s }' "$counts")
echo "miri: ${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
[ "$total_fail" -eq 0 ]

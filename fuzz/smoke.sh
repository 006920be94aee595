#!/usr/bin/env bash
# CI fuzz smoke: builds every fuzz target (AddressSanitizer, cargo-fuzz defaults) and runs each
# for FUZZ_SECONDS (default 30) with the code dictionary, starting from a temporary copy of its
# committed seeds (fuzz/corpus/<target>/seed-*), so the working tree never changes. The corpus
# each target ends with is left in SMOKE_CORPUS (default fuzz/target/smoke-corpus/<target>,
# replaced on every run) for fuzz/coverage.sh. Fails on any crash, panic, failed assertion,
# timeout, leak or out-of-memory (crash inputs go to fuzz/artifacts/<target>/). Needs the nightly
# toolchain; installs cargo-fuzz if it is missing.
#
#   bash fuzz/smoke.sh                    # every target, 30 s each
#   FUZZ_SECONDS=5 bash fuzz/smoke.sh round_trip
#   FUZZ_SECONDS=15 bash fuzz/smoke.sh && bash fuzz/coverage.sh     # what tests/all.sh runs
set -euo pipefail
cd "$(dirname "$0")/.."

# The vetted cryptographic crates are built without libFuzzer's instrumentation
# (fuzz/rustc-wrapper.sh), and ASan runs without its stack-use-after-return fake stack (a quarter
# of the stateful targets' time; every other ASan check stays on): docs/FUZZING.md, "Rates".
export RUSTC_WRAPPER="$PWD/fuzz/rustc-wrapper.sh"
export ASAN_OPTIONS="detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
SMOKE_CORPUS=${SMOKE_CORPUS:-fuzz/target/smoke-corpus}

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz smoke: the nightly toolchain is required (rustup toolchain list)" >&2
    exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

build_start=$SECONDS
cargo +nightly fuzz build
build_seconds=$((SECONDS - build_start))
run_start=$SECONDS

passed=0
failed=0
summary=()
for target in "${targets[@]}"; do
    # A fresh copy of the seeds: new inputs never land in fuzz/corpus/.
    corpus="$SMOKE_CORPUS/$target"
    rm -rf "$corpus"
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    find "fuzz/corpus/$target" -maxdepth 1 -type f -name 'seed-*' -exec cp -t "$corpus" {} + 2>/dev/null || true
    log=$(mktemp)
    if cargo +nightly fuzz run "$target" "$corpus" -- \
        -dict=fuzz/code.dict -max_total_time="$FUZZ_SECONDS" -timeout=20 \
        -print_final_stats=1 >"$log" 2>&1; then
        passed=$((passed + 1))
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        summary+=("  ok     $target: ${execs:-?} executions, ${rate:-?}/s")
    else
        failed=$((failed + 1))
        summary+=("  FAILED $target")
        echo "== fuzz target $target failed; its log:" >&2
        tail -60 "$log" >&2
    fi
    rm -f "$log"
done

printf '%s\n' "${summary[@]}"
echo "fuzz smoke: ${FUZZ_SECONDS} s per target; build ${build_seconds} s, runs $((SECONDS - run_start)) s; corpora in $SMOKE_CORPUS"
echo "fuzzing: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

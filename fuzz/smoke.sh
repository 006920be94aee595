#!/usr/bin/env bash
# CI fuzz smoke: builds every fuzz target (AddressSanitizer, cargo-fuzz defaults) and runs each
# for FUZZ_SECONDS (default 30) from its corpus with the code dictionary. Fails on any crash,
# panic, failed assertion, timeout or out-of-memory. Needs the nightly toolchain; installs
# cargo-fuzz if it is missing.
#
#   bash fuzz/smoke.sh                    # every target, 30 s each
#   FUZZ_SECONDS=5 bash fuzz/smoke.sh round_trip
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-30}

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

cargo +nightly fuzz build

passed=0
failed=0
summary=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    log=$(mktemp)
    if cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
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
echo "fuzz smoke: ${FUZZ_SECONDS} s per target"
echo "fuzzing: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

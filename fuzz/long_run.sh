#!/usr/bin/env bash
# Long local fuzzing runs, one target at a time on one core (nice), for docs/FUZZING.md.
#
#   bash fuzz/long_run.sh                 # every target, 10 million executions each
#   RUNS=1000000 bash fuzz/long_run.sh round_trip key_ring_import
#
# Builds without a sanitizer and with debug assertions (overflow checks) for speed: the smoke
# run (fuzz/smoke.sh) is the one under AddressSanitizer. Each target's corpus grows in
# fuzz/corpus/<target> (only seed-* files are committed); libFuzzer's log goes to
# ${LOG_DIR:-fuzz/target/logs}/<target>.log, and a summary line per target is printed at the end.
# MAX_SECONDS caps each target's time (default 40 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-10000000}
# The vetted cryptographic crates without libFuzzer's instrumentation (fuzz/rustc-wrapper.sh).
export RUSTC_WRAPPER="$PWD/fuzz/rustc-wrapper.sh"
MAX_SECONDS=${MAX_SECONDS:-2400}
LOG_DIR=${LOG_DIR:-fuzz/target/logs}
TARGET_DIR=${FUZZ_LONG_TARGET_DIR:-fuzz/target/long}
if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

cargo +nightly fuzz build -s none --debug-assertions --target-dir "$TARGET_DIR"
bin_dir="$TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release"
mkdir -p "$LOG_DIR"

summary=()
status=0
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    start=$(date +%s)
    set +e
    nice -n 10 "$bin_dir/$target" "fuzz/corpus/$target" \
        -dict=fuzz/code.dict -runs="$RUNS" -max_total_time="$MAX_SECONDS" \
        -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/" \
        >"$LOG_DIR/$target.log" 2>&1
    rc=$?
    set -e
    seconds=$(( $(date +%s) - start ))
    done_line=$(grep -E '^#[0-9]+\s+DONE' "$LOG_DIR/$target.log" | tail -1 || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG_DIR/$target.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOG_DIR/$target.log" | tail -1)
    cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$done_line" | sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
    if [ "$rc" -ne 0 ]; then status=1; result="CRASH (exit $rc, see $LOG_DIR/$target.log)"; else result=ok; fi
    line="$target: execs=${execs:-?} exec/s=${rate:-?} cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} seconds=$seconds $result"
    echo "$line"
    summary+=("$line")
done
echo "== long-run summary ($(date -u +%FT%TZ), RUNS=$RUNS)"
printf '%s\n' "${summary[@]}"
exit $status

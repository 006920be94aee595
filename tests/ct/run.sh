#!/usr/bin/env bash
# The constant-time check (docs/PROTOCOL.md §12.4): builds the harness (tests/ct, its own
# workspace), runs every case in its own process under valgrind memcheck with secrets marked
# undefined, and sorts memcheck's reports into the allowed rules of tests/ct/classify.py. Any
# other report fails. Installs valgrind (its headers come with it) when missing, as root.
# Last line: "constant-time: N passed, M failed"; exit status non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ct=$root/tests/ct
cd "$ct"

if ! command -v valgrind >/dev/null || [ ! -f /usr/include/valgrind/memcheck.h ] || ! command -v cc >/dev/null; then
    echo "installing: valgrind gcc libc6-dev"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind gcc libc6-dev >/dev/null
    else
        echo "valgrind (with /usr/include/valgrind/memcheck.h) is needed: apt-get install valgrind" >&2
        echo "constant-time: 0 passed, 1 failed"
        exit 1
    fi
fi

# Its own target directory: the harness's release profile differs from the main workspace's.
if ! cargo build --release --quiet --target-dir "$ct/target"; then
    echo "constant-time: 0 passed, 1 failed (the harness did not build)"
    exit 1
fi
bin=$ct/target/release/offline-reset-ct
mkdir -p "$ct/logs"
rm -f "$ct"/logs/*.log "$ct/logs/crashed"
mapfile -t cases < <("$bin" list)
ran=()
for case in "${cases[@]}"; do
    # --fullpath-after= (empty): full source paths, so classify.py knows each frame's crate and
    # version (a registry path names both) and can tell Rust's std/core/alloc from library code.
    out=$(valgrind --tool=memcheck --track-origins=yes --num-callers=40 --error-limit=no --fullpath-after= \
        --log-file="$ct/logs/$case.log" "$bin" "$case" 2>&1)
    status=$?
    if [ $status -ne 0 ] || [ "$out" != "case $case ran (under valgrind: true)" ]; then
        echo "FAIL - $case: the case itself failed (status $status): $out"
        tail -n 20 "$ct/logs/$case.log" | sed 's/^/       /'
        echo "$case" >>"$ct/logs/crashed"
    else
        ran+=("$case")
    fi
done
python3 "$ct/classify.py" "$ct/logs" "${ran[@]}"
status=$?
if [ -f "$ct/logs/crashed" ]; then
    n=$(wc -l <"$ct/logs/crashed")
    echo "constant-time: $n case(s) did not run"
    exit 1
fi
exit $status

#!/usr/bin/env bash
# The Argon2id anchor (issue 23, docs/PERFORMANCE.md "Argon2id against libsodium"): builds
# benches/anchor (its own workspace: libsodium-sys-stable builds its bundled libsodium, and the
# library's dependency tree never sees it), then in one process, interleaved round by round,
# libsodium's crypto_pwhash against the library's password binding, seal (repeated on one ring)
# and open (fresh memory), at the default cost and at the floor. Ratios are per round (each
# variant against the libsodium run just before or after it, same load), medians over rounds.
#
# ANCHOR_ROUNDS (default 9): rounds. ANCHOR_QUICK=1: only the rounds (no phase breakdown and no
# scaling runs). Last line: "anchor: seal-default R, open-default R, seal-floor R, open-floor R"
# (library / libsodium). Reports only: nothing fails on timing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/benches/anchor"
cargo build --release --quiet
bin=$root/benches/anchor/target/release/offline-reset-anchor
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
if [ "${ANCHOR_QUICK:-0}" != 1 ]; then
    echo "--- where a one-shot binding's time goes (medians; phases interleaved)"
    "$bin" phases default 5
    "$bin" phases floor 9
    echo "--- seals on one shared ring (4 s each; VmHWM is the process's peak resident memory)"
    for cost in default floor; do
        for threads in 1 2; do
            "$bin" scale "$threads" "$cost" 4
        done
    done
fi
echo "--- libsodium against the library, interleaved (load average now: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
"$bin" rounds "${ANCHOR_ROUNDS:-9}"

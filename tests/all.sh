#!/usr/bin/env bash
# Every test of offline-reset, in one command (the README's second command; .ci/run calls it).
# Installs what it needs when missing (Debian packages via apt-get as root, crates via cargo), so it
# runs the same on a fresh machine and in CI. Each step's output goes to the terminal; a summary
# follows, and the exit status is non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

steps=()
failed=()
run_step() {
    local name=$1
    shift
    local start=$SECONDS
    echo
    echo "=== ${name}"
    if "$@"; then
        steps+=("ok    ${name} ($((SECONDS - start)) s)")
    else
        steps+=("FAIL  ${name} ($((SECONDS - start)) s)")
        failed+=("${name}")
    fi
}

# The Project Wycheproof vectors live next to the project root (../shared), read-only.
if [ ! -d ../shared/vectors/wycheproof ]; then
    echo "missing ../shared/vectors/wycheproof: the conformance tests need it" >&2
fi

run_step "format (cargo fmt --check)" cargo fmt --all -- --check
run_step "lint (cargo clippy --all-targets --all-features -D warnings)" cargo clippy --all-targets --all-features -- -D warnings
run_step "Rust tests: unit, API, properties, vectors, Wycheproof (cargo test)" cargo test --all-targets
run_step "doc tests (cargo test --doc)" cargo test --doc
run_step "demo runs end to end" cargo run --quiet --example demo
run_step "independent Python implementation checks every vector" bash tests/interop/run.sh
run_step "C ABI: header drift, symbols, C/C++ examples, negative tests, valgrind, ASan/UBSan, mingw" bash tests/c/run.sh
run_step "fuzzing smoke (every target, bounded time)" bash fuzz/smoke.sh
run_step "benchmarks compile and run once (criterion --test)" bash benches/smoke.sh

echo
echo "=== Summary"
printf '%s\n' "${steps[@]}"
echo "steps: $((${#steps[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ "${#failed[@]}" -eq 0 ]

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

root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}

# The Rust tests from a copy of the repository alone, in a fresh empty temporary folder with
# nothing beside it: proves no test reads anything outside the repository. Copies the files git
# knows (tracked, and new files not ignored), so it works from a clone and from a working tree.
# Reuses the main target directory for the compiled dependencies.
sibling_free_copy() {
    local tmp copy status
    tmp=$(mktemp -d) || return 1
    copy=$tmp/offline-reset
    mkdir "$copy"
    if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$root" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
            xargs -0 cp --parents -t "$copy")
    else
        # Not a git checkout (an unpacked archive): everything but build output.
        (cd "$root" && tar --exclude=./target --exclude=./fuzz/target --exclude=./tests/ct/target \
            --exclude=./tests/c/build -cf - .) | (cd "$copy" && tar -xf -)
    fi
    echo "copy: $copy ($(find "$copy" -type f | wc -l) files; beside it: $(ls -A "$tmp" | wc -l) entry)"
    (cd "$copy" && CARGO_TARGET_DIR=$target_dir cargo test --all-targets --no-fail-fast 2>&1) >"$tmp/log"
    status=$?
    grep -E '^(     Running|test result:)' "$tmp/log"
    if [ $status -ne 0 ]; then
        grep -E -A20 '^(failures:|error)' "$tmp/log" | head -n 60
    fi
    awk '/^test result:/ { p += $4; f += $6 } END { printf "sibling-free copy: %d passed, %d failed\n", p, f }' "$tmp/log"
    rm -rf "$tmp"
    # The copy built this crate's own units into the shared target directory with its own
    # CARGO_MANIFEST_DIR (now deleted); cargo gives them the same file names as the checkout's.
    # Forget them so the checkout's next cargo command rebuilds its own (dependencies stay).
    rm -rf "$target_dir"/debug/.fingerprint/offline-reset-*
    return $status
}

# Secret residue in freed heap memory: prints its table and its count line.
residue() {
    cargo test --test residue -- --nocapture --test-threads=1 2>&1 |
        grep -E '^(secret residue|  |residue:|test result:|test .* (ok|FAILED)$)'
    return "${PIPESTATUS[0]}"
}

# Windows for real (tests/windows/run.sh): the DLL, import library, .def and static library
# cross-built with mingw-w64, imports checked, and the C/C++ tests, examples, login tile,
# bindings.json and the Windows storage example (DPAPI, MoveFileExW, UTF-16) run under Wine.
windows() {
    bash tests/windows/run.sh
}

run_step "format (cargo fmt --check)" cargo fmt --all -- --check
run_step "lint (cargo clippy --all-targets --all-features -D warnings)" cargo clippy --all-targets --all-features -- -D warnings
run_step "Rust tests: unit, API, properties, vectors, Wycheproof (cargo test)" cargo test --all-targets
run_step "Rust tests from a sibling-free copy (nothing outside the repository)" sibling_free_copy
run_step "secret residue in freed memory (tests/residue.rs)" residue
run_step "constant time under valgrind memcheck (tests/ct)" bash tests/ct/run.sh
run_step "doc tests (cargo test --doc)" cargo test --doc
run_step "demo runs end to end" cargo run --quiet --example demo
run_step "QR symbols decoded by zbar (tests/qr/run.sh)" bash tests/qr/run.sh
run_step "independent Python implementation checks every vector" bash tests/interop/run.sh
run_step "C ABI: header drift, symbols, C/C++ examples, negative tests, valgrind, ASan/UBSan, mingw" bash tests/c/run.sh
run_step "Python binding: build, install into a fresh venv, pytest" bash bindings/python/run_tests.sh
run_step "C++ header, login tile example (scripted), install through pkg-config, g++/clang++, ASan/UBSan, valgrind, mingw" bash tests/cpp/run.sh
run_step "Windows (mingw-w64 + Wine)" windows
run_step ".NET binding (Mono + NUnit): build, conformance file, example" bash bindings/dotnet/run_tests.sh
run_step "Java binding: javac, JUnit 5 (bindings.json, header, statuses, threads, leaks), reset-server example" bash bindings/java/run_tests.sh
run_step "Go binding: go vet, go test -race (bindings.json), leak check" bash bindings/go/run_tests.sh
run_step "server key ring in a PKCS#11 token: SoftHSM2, Rust API and every reset-server binding (tests/pkcs11/run.sh)" bash tests/pkcs11/run.sh
run_step "reference reset server against a Samba AD DC: self-service in headless Chromium, help desk, codes redeemed by the C++ login tile (tests/reset-server/run.sh)" bash tests/reset-server/run.sh
run_step "packages: scripts/package.sh builds dist/ (C tarball, Windows zip, wheel + sdist, Maven layout, nupkg, Go module); tests/packages/run.sh installs each outside the repository and runs a help-desk program" \
    bash -c 'bash scripts/package.sh && bash tests/packages/run.sh'
run_step "fuzzing smoke (every target, 15 s each, from a temporary copy of the seeds)" env FUZZ_SECONDS=15 bash fuzz/smoke.sh
run_step "fuzz coverage of the smoke corpora (src/ lines, regions, C exports reached)" bash fuzz/coverage.sh
run_step "Miri over the FFI layer: Stacked and Tree Borrows, strict provenance (tests/miri/run.sh)" bash tests/miri/run.sh
run_step "benchmarks compile and run once (criterion --test)" bash benches/smoke.sh
# A report, not a gate: prints the anchor line (library / libsodium); fails only if it cannot run.
run_step "Argon2id anchor against libsodium (benches/anchor.sh, 3 rounds)" \
    bash -c 'set -o pipefail; ANCHOR_QUICK=1 ANCHOR_ROUNDS=3 bash benches/anchor.sh | tail -n 1'

echo
echo "=== Summary"
printf '%s\n' "${steps[@]}"
echo "steps: $((${#steps[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ "${#failed[@]}" -eq 0 ]

#!/usr/bin/env bash
# The Go binding's checks (tests/all.sh runs this): installs Go (Debian's golang-go, Go 1.19)
# when missing, builds the static library, then `go vet`, `go test -race` (every test and the
# Example) and the 100,000-call leak test again without -race (its RSS bound; the race detector's
# own memory grows), plus one run of each benchmark. Prints "Go binding: N passed, M failed".
# The PKCS#11 tests run against a token when OLR_TEST_PKCS11_MODULE, _TOKEN and _PIN are set
# (then build with OLR_CARGO_FEATURES=pkcs11); without them, they expect ErrPkcs11NotBuilt.
# No module proxy: the module has no dependencies (GOPROXY=off proves it).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if ! command -v go >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        start=$SECONDS
        apt-get install -y -qq golang-go >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && apt-get install -y -qq golang-go >/dev/null; } || exit 1
        echo "installed $(go version) in $((SECONDS - start)) s"
    else
        echo "go is missing (apt-get install golang-go)"; exit 1
    fi
fi

# OLR_CARGO_FEATURES (e.g. pkcs11, for the PKCS#11 tests) adds cargo features to that build;
# put a feature build in its own CARGO_TARGET_DIR to keep the default one.
features=()
if [ -n "${OLR_CARGO_FEATURES:-}" ]; then
    features=(--features "$OLR_CARGO_FEATURES")
fi
(cd "$root" && cargo build --release --lib ${features[@]+"${features[@]}"} --quiet) || exit 1
target_dir=${CARGO_TARGET_DIR:-$root/target}
export CGO_ENABLED=1 GOPROXY=off GOFLAGS=-mod=readonly
# The static archive and the system libraries it needs (docs/C_API.md's link line).
export CGO_LDFLAGS="$target_dir/release/liboffline_reset.a -lm -lrt -lpthread -lgcc_s -lutil -ldl -lc"
cd "$here" || exit 1

log=$(mktemp)
status=0
go vet ./... || status=1
go test -race -count=1 -v ./... >"$log" 2>&1 || status=1
go test -count=1 -v -run 'TestNoLeakIn100000Calls' -bench . -benchtime 1x ./... >>"$log" 2>&1 || status=1
grep -E '^(--- FAIL|bindings\.json|RSS|C heap|ok|FAIL|panic|WARNING: DATA RACE)|^Benchmark-?' "$log"
grep -E -B2 -A20 '^--- FAIL|DATA RACE|^panic' "$log" | head -n 80
passed=$(grep -c -- '^--- PASS' "$log")
failed=$(grep -c -- '^--- FAIL' "$log")
races=$(grep -c 'WARNING: DATA RACE' "$log")
rm -f "$log"
echo "Go binding: $passed passed, $failed failed ($races data races)"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$races" -eq 0 ]

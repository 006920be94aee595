#!/usr/bin/env bash
# The Go binding's checks (tests/all.sh runs this): installs Go (Debian's golang-go, Go 1.19) and
# pkg-config when missing, builds the library, then:
#   1. the module's header copy (include/offline_reset.h) is the repository's, byte for byte;
#   2. `go vet`, `go test -race` (every test and the Example) and the 100,000-call leak test
#      again without -race (its RSS bound; the race detector's own memory grows), plus one run of
#      each benchmark, linked statically through CGO_LDFLAGS (-tags olr_cgoflags);
#   3. the default build as a user gets it: the shared library, header and offline-reset.pc
#      (examples/c/offline-reset.pc.in) installed in a temporary prefix, a separate module in a
#      temporary directory importing github.com/offline-reset/offline-reset/bindings/go (replace
#      directive to this directory), built with only PKG_CONFIG_PATH and the documented
#      CGO_LDFLAGS=-Wl,-rpath,<libdir>, run without LD_LIBRARY_PATH; and the package's tests
#      in that default build.
# Prints "Go binding: N passed, M failed"; any failing step fails the script.
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
if ! command -v pkg-config >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -qq pkg-config >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && apt-get install -y -qq pkg-config >/dev/null; } || exit 1
    else
        echo "pkg-config is missing (apt-get install pkg-config)"; exit 1
    fi
fi

# 1. The header cgo compiles against is the module's copy; it must be the repository's.
if ! cmp -s "$root/include/offline_reset.h" "$here/include/offline_reset.h"; then
    echo "FAIL: bindings/go/include/offline_reset.h differs from include/offline_reset.h" \
        "(cp include/offline_reset.h bindings/go/include/)"
    exit 1
fi

# OLR_CARGO_FEATURES (e.g. pkcs11, for the PKCS#11 tests) adds cargo features to that build;
# put a feature build in its own CARGO_TARGET_DIR to keep the default one.
features=()
if [ -n "${OLR_CARGO_FEATURES:-}" ]; then
    features=(--features "$OLR_CARGO_FEATURES")
fi
(cd "$root" && cargo build --release --lib ${features[@]+"${features[@]}"} --quiet) || exit 1
target_dir=${CARGO_TARGET_DIR:-$root/target}
[[ $target_dir == /* ]] || target_dir=$root/$target_dir # cargo reads a relative one from $root
export CGO_ENABLED=1 GOPROXY=off GOFLAGS=-mod=readonly
# 2. The static archive and the system libraries it needs (docs/C_API.md's link line), with
# -tags olr_cgoflags (no pkg-config).
export CGO_LDFLAGS="$target_dir/release/liboffline_reset.a -lm -lrt -lpthread -lgcc_s -lutil -ldl -lc"
cd "$here" || exit 1

log=$(mktemp)
status=0
go vet -tags olr_cgoflags ./... || status=1
go test -tags olr_cgoflags -race -count=1 -v ./... >"$log" 2>&1 || status=1
go test -tags olr_cgoflags -count=1 -v -run 'TestNoLeakIn100000Calls' -bench . -benchtime 1x ./... >>"$log" 2>&1 || status=1

# 3. The default build (pkg-config), as a program that imports the module gets it.
installed_check() {
    local tmp prefix major minor version libdir app
    tmp=$(mktemp -d) || return 1
    trap 'rm -rf "$tmp"; trap - RETURN' RETURN
    prefix=$tmp/prefix
    major=$(sed -n 's/^#define OLR_ABI_VERSION_MAJOR \([0-9]*\)$/\1/p' "$root/include/offline_reset.h")
    minor=$(sed -n 's/^#define OLR_ABI_VERSION_MINOR \([0-9]*\)$/\1/p' "$root/include/offline_reset.h")
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
    # examples/c/install.sh's layout (without its own cargo build): the shared library under its
    # soname, the header, and offline-reset.pc from the project's template.
    mkdir -p "$prefix/lib/pkgconfig" "$prefix/include" "$tmp/app" || return 1
    cp "$target_dir/release/liboffline_reset.so" "$prefix/lib/liboffline_reset.so.$major.$minor" || return 1
    ln -s "liboffline_reset.so.$major.$minor" "$prefix/lib/liboffline_reset.so.$major"
    ln -s "liboffline_reset.so.$major" "$prefix/lib/liboffline_reset.so"
    cp "$root/include/offline_reset.h" "$prefix/include/" || return 1
    sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NATIVE_STATIC_LIBS@||" \
        "$root/examples/c/offline-reset.pc.in" >"$prefix/lib/pkgconfig/offline-reset.pc" || return 1
    cat >"$tmp/app/go.mod" <<MOD
module example.com/olrapp

go 1.19

require github.com/offline-reset/offline-reset/bindings/go v0.0.0

replace github.com/offline-reset/offline-reset/bindings/go => $here
MOD
    cat >"$tmp/app/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"time"

	offlinereset "github.com/offline-reset/offline-reset/bindings/go"
)

func main() {
	fail := func(err error) { fmt.Println("FAIL:", err); os.Exit(1) }
	ring, err := offlinereset.GenerateServerKeyRing(offlinereset.DefaultPolicy(), offlinereset.MinimumPasswordCost())
	if err != nil {
		fail(err)
	}
	defer ring.Close()
	pkg, err := ring.DeploymentPackage()
	if err != nil {
		fail(err)
	}
	machine, err := offlinereset.EnrollMachine(pkg)
	if err != nil {
		fail(err)
	}
	defer machine.Close()
	ledger, err := offlinereset.NewReplayLedger(machine)
	if err != nil {
		fail(err)
	}
	defer ledger.Close()
	sid := []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}
	account := offlinereset.Account{Username: "alice", OfflineDomain: "CORP", SID: sid}
	now := time.Now()
	code, err := ring.SealResetCodeAt(machine.IdentificationCode(), account, "Winter-Tulip-42", now)
	if err != nil {
		fail(err)
	}
	if _, err := machine.RedeemResetCodeAt(ledger, code, account, "Winter-Tulip-42", now); err != nil {
		fail(err)
	}
	fmt.Printf("installed library %s, ABI %#x: redeemed, ledger generation %d\n",
		offlinereset.Version(), offlinereset.LinkedABIVersion(), ledger.Generation())
}
GO
    libdir=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --variable=libdir offline-reset) || return 1
    # A build cache of its own: Go 1.19's cache does not key a cgo package on pkg-config's
    # output, so a shared cache would reuse a build of an earlier run's (deleted) prefix.
    local -x GOCACHE=$tmp/gocache
    # Only PKG_CONFIG_PATH and the run-time path: no CGO_CFLAGS, no -L, no LD_LIBRARY_PATH.
    (cd "$tmp/app" && env -u CGO_CFLAGS -u CGO_CPPFLAGS -u LD_LIBRARY_PATH GOFLAGS=-mod=mod GOPROXY=off \
        PKG_CONFIG_PATH="$prefix/lib/pkgconfig" CGO_LDFLAGS="-Wl,-rpath,$libdir" go build -o app .) || {
        echo "FAIL: a module importing the binding does not build against the installed library"; return 1; }
    app=$tmp/app/app
    # (Outputs are read whole before grep -q: with pipefail, a pipe into grep -q can fail.)
    local dynamic loaded
    dynamic=$(readelf -d "$app") || return 1
    if ! grep -q "NEEDED.*liboffline_reset\.so\.$major" <<<"$dynamic"; then
        echo "FAIL: the program does not link the shared liboffline_reset.so.$major"; return 1
    fi
    grep -q "R.*PATH.*$libdir" <<<"$dynamic" || { echo "FAIL: no run-time path $libdir in the program"; return 1; }
    env -u LD_LIBRARY_PATH "$app" || { echo "FAIL: the program does not run without LD_LIBRARY_PATH"; return 1; }
    loaded=$(env -u LD_LIBRARY_PATH ldd "$app") || return 1
    grep -qF "liboffline_reset.so.$major => $prefix/lib/" <<<"$loaded" ||
        { printf '%s\nFAIL: the program does not load the prefix'"'"'s library\n' "$loaded"; return 1; }
    # The control: without the run-time path the loader does not find the library, so the run
    # above proves the rpath (not a library installed elsewhere) found it.
    (cd "$tmp/app" && env -u CGO_CFLAGS -u CGO_CPPFLAGS -u LD_LIBRARY_PATH GOFLAGS=-mod=mod GOPROXY=off \
        PKG_CONFIG_PATH="$prefix/lib/pkgconfig" CGO_LDFLAGS= go build -o app-norpath .) || return 1
    if env -u LD_LIBRARY_PATH "$tmp/app/app-norpath" >/dev/null 2>&1; then
        echo "FAIL: the control without -Wl,-rpath runs: liboffline_reset.so.$major is found outside the prefix"; return 1
    fi
    echo "installed library: a module importing the binding built with pkg-config and ran without LD_LIBRARY_PATH"
    # The package's own tests (all of them, the leak test's C-heap and RSS bounds included) in
    # the default build, against the installed shared library.
    env -u CGO_CFLAGS -u CGO_CPPFLAGS -u LD_LIBRARY_PATH PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
        CGO_LDFLAGS="-Wl,-rpath,$libdir" go vet ./... || return 1
    env -u CGO_CFLAGS -u CGO_CPPFLAGS -u LD_LIBRARY_PATH PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
        CGO_LDFLAGS="-Wl,-rpath,$libdir" go test -count=1 -v ./... >>"$log" 2>&1
}
if ! installed_check; then
    echo "FAIL: the installed-library check (step 3)"
    status=1
fi
grep -E '^(--- FAIL|bindings\.json|RSS|C heap|ok|FAIL|panic|WARNING: DATA RACE)|^Benchmark-?' "$log"
grep -E -B2 -A20 '^--- FAIL|DATA RACE|^panic' "$log" | head -n 80
passed=$(grep -c -- '^--- PASS' "$log")
failed=$(grep -c -- '^--- FAIL' "$log")
races=$(grep -c 'WARNING: DATA RACE' "$log")
rm -f "$log"
echo "Go binding: $passed passed, $failed failed ($races data races)"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$races" -eq 0 ]

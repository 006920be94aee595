#!/usr/bin/env bash
# The .NET binding's tests under Mono (tests/all.sh calls this): installs Mono and NUnit 2.6 when
# missing (Debian: mono-devel nunit-console libnunit-cil-dev, as root), builds the crate's
# native library (cargo build --release --lib; respects CARGO_TARGET_DIR), compiles the binding,
# its NUnit tests and the README's example with mcs, runs them, and prints
# "dotnet binding: N passed, M failed". Exit status non-zero on any failure.
# The PKCS#11 tests run against a token when OLR_TEST_PKCS11_MODULE, _TOKEN, _PIN and
# _SPARE_TOKEN are set (then build with OLR_CARGO_FEATURES=pkcs11, with SOFTHSM2_CONF for
# SoftHSM2; the test process inherits them); without them, they expect Pkcs11NotBuiltException.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
nunit_dll=/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll

if ! command -v mcs >/dev/null || ! command -v nunit-console >/dev/null || ! [ -f "$nunit_dll" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        start=$SECONDS
        apt-get install -y -qq mono-devel nunit-console libnunit-cil-dev >/dev/null ||
            { apt-get update -qq && apt-get install -y -qq mono-devel nunit-console libnunit-cil-dev >/dev/null; } || exit 1
        echo "installed mono-devel nunit-console libnunit-cil-dev in $((SECONDS - start)) s"
    else
        echo "Mono (mcs) and NUnit 2.6 (nunit-console, libnunit-cil-dev) are missing"; exit 1
    fi
fi
[ -f "$nunit_dll" ] || nunit_dll=$(ls /usr/lib/cli/nunit.framework-2.6*/nunit.framework.dll | head -n 1)

# OLR_CARGO_FEATURES (e.g. pkcs11, for the PKCS#11 tests) adds cargo features to that build;
# put a feature build in its own CARGO_TARGET_DIR to keep the default one.
features=()
if [ -n "${OLR_CARGO_FEATURES:-}" ]; then
    features=(--features "$OLR_CARGO_FEATURES")
fi
(cd "$root" && cargo build --quiet --release --lib ${features[@]+"${features[@]}"}) || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The native library beside the assembly: what a package ships, and where the binding looks.
cp "$target_dir/release/liboffline_reset.so" "$out/" || exit 1

cd "$here"
mcs -nologo -target:library -warn:4 -warnaserror -out:"$out/OfflineReset.dll" src/*.cs || exit 1
mcs -nologo -target:library -warn:4 -warnaserror -out:"$out/OfflineReset.Tests.dll" -r:"$out/OfflineReset.dll" \
    -r:"$nunit_dll" -r:System.Core tests/*.cs || exit 1
mcs -nologo -warn:4 -warnaserror -out:"$out/ResetServer.exe" -r:"$out/OfflineReset.dll" examples/ResetServer.cs || exit 1

passed=0
failed=0
# The README's example (the README shows examples/ResetServer.cs verbatim; a test checks that).
if (cd "$out" && mono ResetServer.exe "$out/example-state"); then
    passed=$((passed + 1))
else
    echo "FAIL: examples/ResetServer.cs"; failed=$((failed + 1))
fi

# NUnit: from the output directory (the native library is found beside the assembly; no
# LD_LIBRARY_PATH), with the repository root for bindings.json and the header.
(cd "$out" && OFFLINE_RESET_REPO=$root nunit-console -nologo -noshadow -xml="$out/TestResult.xml" OfflineReset.Tests.dll)
status=$?
if [ -f "$out/TestResult.xml" ]; then
    head=$(grep -m1 '<test-results' "$out/TestResult.xml")
    attr() { printf '%s' "$head" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    total=$(attr total); errors=$(attr errors); failures=$(attr failures); not_run=$(attr not-run)
    passed=$((passed + total - errors - failures))
    failed=$((failed + errors + failures))
    [ "${not_run:-0}" = 0 ] || echo "not run: $not_run"
else
    failed=$((failed + 1))
fi
echo "dotnet binding: $passed passed, $failed failed"
[ $status -eq 0 ] && [ $failed -eq 0 ]

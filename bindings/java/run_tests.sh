#!/usr/bin/env bash
# The Java binding's CI: installs what is missing (Debian: default-jdk-headless, libjna-java, junit5),
# builds the native library (cargo build --release --lib, cached), compiles the binding with javac,
# packages it as a jar carrying linux-x86-64/liboffline_reset.so, runs the JUnit 5 tests with the
# console launcher, then compiles and runs the reset-server example from the jar (the packaged
# library) and through jna.library.path. Ends with "java-binding: N passed, M failed".
# The PKCS#11 tests run against a token when OLR_TEST_PKCS11_MODULE, _TOKEN, _PIN and
# _SPARE_TOKEN are set (then build with OLR_CARGO_FEATURES=pkcs11, in its own CARGO_TARGET_DIR);
# without them, they expect PKCS11_NOT_BUILT. The test JVM inherits the environment (those and
# SOFTHSM2_CONF).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
jna=/usr/share/java/jna.jar
launcher=/usr/share/java/junit-platform-console-standalone.jar

missing=()
command -v javac >/dev/null || missing+=(default-jdk-headless)
[ -f "$jna" ] || missing+=(libjna-java)
[ -f "$launcher" ] || missing+=(junit5)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        start=$SECONDS
        apt-get install -y -qq "${missing[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; } || exit 1
        echo "installed ${missing[*]} in $((SECONDS - start)) s"
    else
        echo "missing: ${missing[*]} (apt-get install them)"; exit 1
    fi
fi

# OLR_CARGO_FEATURES (e.g. pkcs11, for the PKCS#11 tests) adds cargo features to that build.
features=()
if [ -n "${OLR_CARGO_FEATURES:-}" ]; then
    features=(--features "$OLR_CARGO_FEATURES")
fi
(cd "$root" && cargo build --release --lib ${features[@]+"${features[@]}"} --quiet) || exit 1
lib=$target_dir/release/liboffline_reset.so

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/classes/linux-x86-64" "$build/test" "$build/example"
javac -Xlint:all -Werror --release 17 -encoding UTF-8 -d "$build/classes" -cp "$jna" \
    $(find "$here/src/main/java" -name '*.java') || exit 1
cp "$lib" "$build/classes/linux-x86-64/"
jar --create --file "$build/offline-reset.jar" -C "$build/classes" . || exit 1
javac -Xlint:all --release 17 -encoding UTF-8 -d "$build/test" -cp "$build/classes:$jna:$launcher" \
    $(find "$here/src/test/java" -name '*.java') || exit 1

if [ -n "${OLR_TEST_PKCS11_MODULE:-}" ]; then
    echo "PKCS#11 tests against token ${OLR_TEST_PKCS11_TOKEN:-?} (spare ${OLR_TEST_PKCS11_SPARE_TOKEN:-?}) of $OLR_TEST_PKCS11_MODULE"
fi
# Tests: the library named explicitly; heap fixed so the leak test sees native growth.
(cd "$here" && java -Xms64m -Xmx64m -XX:+AlwaysPreTouch -Doffline.reset.library="$lib" -Doffline.reset.repo="$root" \
    -jar "$launcher" -cp "$build/test:$build/classes:$jna" --select-package org.offlinereset \
    --disable-banner --disable-ansi-colors --details=tree) >"$build/log" 2>&1
status=$?
grep -vE '^\s*(org\.junit|java\.base|\[\.\.\.\])' "$build/log" | grep -vE '^\s+(at |org\.|java\.)' | head -n 120
passed=$(sed -nE 's/^\[ *([0-9]+) tests successful *\]$/\1/p' "$build/log")
failed=$(sed -nE 's/^\[ *([0-9]+) tests failed *\]$/\1/p' "$build/log")
[ -n "$passed" ] || { passed=0; failed=${failed:-1}; }

# The reset-server example, from the jar alone (its packaged library), then via jna.library.path.
examples=0
state=$(mktemp -d)
if javac --release 17 -encoding UTF-8 -d "$build/example" -cp "$build/offline-reset.jar:$jna" "$here/examples/ResetServer.java" &&
    (cd "$state" && java -cp "$build/example:$build/offline-reset.jar:$jna" ResetServer "$state/state") | tee "$build/ex1" &&
    grep -q "native library: " "$build/ex1" && ! grep -q "native library: $lib" "$build/ex1" &&
    grep -q "second use: ALREADY_USED" "$build/ex1" && grep -q "ledger: generation 2, 1 account(s)" "$build/ex1" &&
    (cd "$state" && java -Djna.library.path="$(dirname "$lib")" -cp "$build/example:$build/offline-reset.jar:$jna" ResetServer "$state/state") | tee "$build/ex2" &&
    grep -q "native library: $lib" "$build/ex2" && grep -q "mistyped: MISTYPED, group 1" "$build/ex2"; then
    passed=$((passed + 1)); echo "example ResetServer: ok (packaged library, then jna.library.path, wrapped ring reloaded, ledger persisted after each redeem)"
else
    failed=$((failed + 1)); echo "example ResetServer: FAILED"
fi
rm -rf "$state"
echo "java-binding: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The C++ layer's whole test: installs the library into a temporary prefix (examples/c/install.sh)
# and builds everything through pkg-config only; bindings/cpp/offline_reset.hpp tests with g++
# and clang++ (-std=c++17 -Wall -Wextra -Wpedantic -Werror), the status-only style with
# -fno-exceptions, all under ASan+UBSan and valgrind; a mingw-w64 compile of the tests and the
# tile example (Windows, compile only); the scripted login tile (tests/cpp/tile.sh).
# Installs missing tools (as root). Last line: "cpp: N passed, M failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
passed=0 failed=0
CXXFLAGS=(-std=c++17 -O1 -g -Wall -Wextra -Wpedantic -Werror)
pass() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/logs" "$build/valgrind"
step() {
    local name=$1 log=$build/logs/$1.log
    shift
    if "$@" >"$log" 2>&1; then
        pass "$name"
        grep -E '^(cpp|cpp-noexcept|tile): [0-9]+ passed' "$log" | sed 's/^/       /'
    else
        fail "$name"
        sed 's/^/       /' "$log" | tail -n 40
    fi
}

need_apt=()
command -v g++ >/dev/null || need_apt+=(g++)
command -v clang++ >/dev/null || need_apt+=(clang)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v x86_64-w64-mingw32-g++ >/dev/null || need_apt+=(g++-mingw-w64-x86-64)
if ((${#need_apt[@]})); then
    echo "installing: ${need_apt[*]}"
    [[ $(id -u) == 0 ]] || { echo "tests/cpp/run.sh: missing ${need_apt[*]} and not root" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${need_apt[@]}" >/dev/null || exit 1
fi

prefix=$build/prefix
step install-into-temporary-prefix bash examples/c/install.sh "$prefix"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cflags=$(pkg-config --cflags offline-reset) || { echo "cpp: $passed passed, $((failed + 1)) failed"; exit 1; }
shared=($(pkg-config --libs offline-reset) -Wl,-rpath,"$(pkg-config --variable=libdir offline-reset)")
static=($(pkg-config --libs offline-reset-static))
inc=($cflags -Ibindings/cpp)

compile() { # compile CXX OUT SOURCE EXTRA...
    local cxx=$1 out=$2 src=$3
    shift 3
    "$cxx" "${CXXFLAGS[@]}" "${inc[@]}" "$src" "$@" -o "$out"
}
for cxx in g++ clang++; do
    step "$cxx-tests-build-Werror" compile "$cxx" "$build/test-$cxx" tests/cpp/test_offline_reset.cpp "${shared[@]}"
    step "$cxx-tests-run" "$build/test-$cxx"
    step "$cxx-no-exceptions-build-Werror" compile "$cxx" "$build/noexc-$cxx" tests/cpp/no_exceptions.cpp -fno-exceptions "${static[@]}"
    step "$cxx-no-exceptions-run" "$build/noexc-$cxx"
done
# The static programs must not load the shared library.
step static-link-has-no-shared-dependency bash -c "! ldd '$build/noexc-g++' | grep -q offline_reset"

san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=98 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
step asan-ubsan-build compile g++ "$build/test-asan" tests/cpp/test_offline_reset.cpp "${san[@]}" "${static[@]}"
step asan-ubsan-tests "$build/test-asan"
step asan-ubsan-tile-build compile g++ "$build/login_tile-asan" examples/cpp/login_tile.cpp "${san[@]}" "${static[@]}"
unset ASAN_OPTIONS UBSAN_OPTIONS

vg=(valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
    --track-origins=yes --log-file="$build/valgrind/%p.log")
step valgrind-tests-shared "${vg[@]}" "$build/test-g++"
step valgrind-no-exceptions-static "${vg[@]}" "$build/noexc-g++"

step mingw-w64-compile-tests bash -c "x86_64-w64-mingw32-g++ --version | head -n 1 &&
    x86_64-w64-mingw32-g++ ${CXXFLAGS[*]} -Iinclude -Ibindings/cpp -c tests/cpp/test_offline_reset.cpp -o '$build/t.obj' &&
    x86_64-w64-mingw32-g++ ${CXXFLAGS[*]} -fno-exceptions -Iinclude -Ibindings/cpp -c tests/cpp/no_exceptions.cpp -o '$build/n.obj' &&
    x86_64-w64-mingw32-g++ ${CXXFLAGS[*]} -Iinclude -Ibindings/cpp -c examples/cpp/login_tile.cpp -o '$build/l.obj'"

# The tile example and the C help-desk server, through pkg-config only.
mkdir -p "$build/bin" "$build/bin-asan"
step tile-build-Werror bash -c "
    g++ ${CXXFLAGS[*]} ${inc[*]} examples/cpp/login_tile.cpp ${shared[*]} -o '$build/bin/login_tile' &&
    cc -std=c11 -Wall -Wextra -Werror $cflags examples/c/server.c ${static[*]} -o '$build/bin/olr-server' &&
    cp '$build/bin/olr-server' '$build/bin-asan/' && cp '$build/login_tile-asan' '$build/bin-asan/login_tile'"
step tile-scripted bash tests/cpp/tile.sh "$build/bin"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=98 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
step tile-scripted-asan-ubsan bash tests/cpp/tile.sh "$build/bin-asan"
unset ASAN_OPTIONS UBSAN_OPTIONS
step tile-scripted-valgrind env OLR_TILE_RUNNER="${vg[*]}" bash tests/cpp/tile.sh "$build/bin"

check_valgrind_logs() {
    local logs=("$build"/valgrind/*.log) clean=0 log
    for log in "${logs[@]}"; do
        if grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$log" &&
            grep -q 'All heap blocks were freed -- no leaks are possible' "$log"; then
            clean=$((clean + 1))
        else
            echo "$log:"; grep -E 'ERROR SUMMARY|lost:|reachable:|Invalid|uninitialised' "$log"
        fi
    done
    echo "valgrind: $clean of ${#logs[@]} runs clean (0 errors, no leaks)"
    ((${#logs[@]} >= 5 && clean == ${#logs[@]}))
}
step valgrind-0-errors-0-leaks check_valgrind_logs
tail -n 1 "$build/logs/valgrind-0-errors-0-leaks.log" | sed 's/^/       /'

echo "cpp: $passed passed, $failed failed"
((failed == 0))

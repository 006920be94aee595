#!/usr/bin/env bash
# The C ABI's whole test: header drift, header functions == exported symbols, version macros ==
# Cargo.toml, documented link line == rustc's native-static-libs, examples built against the
# static and the shared library and run (a whole offline reset), the negative and thread tests,
# everything again under valgrind memcheck and under ASan+UBSan, the header from C++17 and for
# Windows (mingw-w64). Installs missing tools (as root). Respects CARGO_TARGET_DIR.
# Last line: "c-abi: N passed, M failed"; exit status non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build=$root/tests/c/build
CBINDGEN_VERSION=0.29.4
CFLAGS=(-std=c11 -O1 -g -Wall -Wextra -Wpedantic -Werror)
passed=0 failed=0

pass() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# step NAME COMMAND...: runs COMMAND with its output in $build/logs/NAME.log, shown on failure.
step() {
    local name=$1 log=$build/logs/$1.log
    shift
    if "$@" >"$log" 2>&1; then
        pass "$name"
    else
        fail "$name (log: ${log#"$root"/})"
        sed 's/^/       /' "$log" | tail -n 40
    fi
}

header=include/offline_reset.h
header_signatures() { # one normalized prototype per line, sorted by function name
    gcc -E -P "$@" -x c "$header" | tr '\n' ' ' | tr -s ' \t' ' ' | tr ';' '\n' |
        sed -E 's/__attribute__\(\(warn_unused_result\)\)//; s/^ +//; s/ +$//; s/\( /(/g; s/ \)/)/g; s/ ,/,/g' |
        grep -E '^[A-Za-z_ ]*[A-Za-z0-9_]+ \**olr_[a-z0-9_]+\(' | grep -v '^typedef' |
        sed -E 's/^(.*[ *])(olr_[a-z0-9_]+)\(/\2 \1(/' | LC_ALL=C sort |
        sed -E 's/^(olr_[a-z0-9_]+) (.*[ *])\(/\2\1(/'
}
if [[ ${1:-} == --print-signatures ]]; then
    echo "# Every function prototype of include/offline_reset.h, one a line, normalized (tests/c/run.sh"
    echo "# compares them with the header; regenerate with: bash tests/c/run.sh --print-signatures)."
    header_signatures
    exit 0
fi

# --- tools -----------------------------------------------------------------------------------
need_apt=()
command -v cc >/dev/null && command -v gcc >/dev/null || need_apt+=(gcc libc6-dev)
command -v g++ >/dev/null || need_apt+=(g++)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v nm >/dev/null && command -v readelf >/dev/null || need_apt+=(binutils)
command -v x86_64-w64-mingw32-gcc >/dev/null || need_apt+=(gcc-mingw-w64-x86-64)
if ((${#need_apt[@]})); then
    echo "installing: ${need_apt[*]}"
    if [[ $(id -u) != 0 ]]; then
        echo "tests/c/run.sh: missing ${need_apt[*]} and not root" >&2
        exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${need_apt[@]}" >/dev/null || exit 1
fi
if [[ $(cbindgen --version 2>/dev/null) != "cbindgen $CBINDGEN_VERSION" ]]; then
    echo "installing cbindgen $CBINDGEN_VERSION"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --quiet || exit 1
fi

rm -rf "$build"
mkdir -p "$build/logs" "$build/bin" "$build/valgrind"
prefix=$build/prefix               # static and shared, as installed
prefix_hooks=$build/prefix-hooks   # with the test-hooks feature (panic hook), for tests only
native=""

# --- header ----------------------------------------------------------------------------------
check_header() {
    cbindgen --quiet --config cbindgen.toml --output "$build/offline_reset.h" src/ffi/mod.rs ||
        return 1
    if ! diff -u "$header" "$build/offline_reset.h"; then
        cp "$build/offline_reset.h" "$header"
        echo "include/offline_reset.h was stale: regenerated it; review and commit it"
        return 1
    fi
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
        git ls-files --error-unmatch "$header" >/dev/null 2>&1; then
        git diff --exit-code -- include/ || {
            echo "include/ differs from the committed header: commit it"
            return 1
        }
    fi
}
step header-regenerated-no-drift check_header

# --- libraries -------------------------------------------------------------------------------
build_libs() {
    bash examples/c/install.sh "$prefix" &&
        bash examples/c/install.sh "$prefix_hooks" --features test-hooks
}
step build-libraries build_libs
if [[ ! -f $prefix/lib/liboffline_reset.a || ! -f $prefix_hooks/lib/liboffline_reset.a ]]; then
    echo "c-abi: $passed passed, $((failed + 1)) failed (no library: nothing else can run)"
    exit 1
fi
pc() { PKG_CONFIG_PATH=$1/lib/pkgconfig pkg-config "${@:2}" offline-reset; }
pcs() { PKG_CONFIG_PATH=$1/lib/pkgconfig pkg-config "${@:2}" offline-reset-static; }
native=$(pc "$prefix" --variable=native_static_libs)

header_functions() { # the functions the header declares (comments stripped by the preprocessor)
    gcc -E -P "$@" -x c "$header" | grep -oE '\bolr_[a-z0-9_]+[[:space:]]*\(' |
        sed -E 's/[[:space:]]*\($//' | sort -u
}
exported_functions() { nm -D --defined-only "$1" | awk '$2 == "T" || $2 == "W" { print $3 }' | sort -u; }
check_symbols() {
    header_functions >"$build/header.txt" &&
        exported_functions "$prefix/lib/liboffline_reset.so" >"$build/exported.txt" &&
        header_functions -DOLR_TEST_HOOKS >"$build/header-hooks.txt" &&
        exported_functions "$prefix_hooks/lib/liboffline_reset.so" >"$build/exported-hooks.txt" ||
        return 1
    echo "$(wc -l <"$build/header.txt") functions in the header"
    diff -u "$build/header.txt" "$build/exported.txt" &&
        diff -u "$build/header-hooks.txt" "$build/exported-hooks.txt" &&
        [[ $(wc -l <"$build/header.txt") -gt 40 ]] &&
        ! grep -q olr_test_hook "$build/exported.txt"
}
step header-functions-equal-exported-symbols check_symbols

# tests/c/abi.txt: the ABI's functions and status numbers with the ABI version since which a
# caller may rely on each; it must equal the library and header, name no version above the
# header's and none of another major version (a major version re-stamps every entry: a 2.x
# library serves no 1.x caller). Its "removed" names must be gone from the library and the header,
# its "changed" functions exported and stamped with the major version that changed them.
# tests/c/abi-signatures.txt: every prototype of the header; a difference is a signature change
# (only a major version may make one; record it in abi.txt) or a new function (append it).
check_abi_list() {
    local major minor
    major=$(sed -n 's/^#define OLR_ABI_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
    minor=$(sed -n 's/^#define OLR_ABI_VERSION_MINOR \([0-9]*\)$/\1/p' "$header")
    awk '$1 == "function" { print $2 }' tests/c/abi.txt | sort >"$build/abi-functions.txt"
    awk '$1 == "status" { print $2, $3 }' tests/c/abi.txt | sort >"$build/abi-statuses.txt"
    gcc -E -P -x c "$header" | grep -oE '\bOLR_[A-Z0-9_]+ = [0-9]+' | awk '{ print $1, $3 }' |
        sort >"$build/header-statuses.txt"
    header_signatures >"$build/header-signatures.txt" || return 1
    diff -u "$build/abi-functions.txt" "$build/exported.txt" &&
        diff -u "$build/abi-statuses.txt" "$build/header-statuses.txt" &&
        awk -v major="$major" -v minor="$minor" '
            $1 == "function" || $1 == "status" {
                since = $1 == "function" ? $3 : $4
                if (split(since, v, ".") != 2 || v[1] != major || v[2] > minor) {
                    print "not of ABI " major ".0 to " major "." minor ": " $0; bad = 1
                }
                if ($1 == "function") fn[$2] = since
            }
            $1 == "changed" {
                if (!($2 in fn) || fn[$2] != $4 || $4 != major ".0") { print "changed, but not listed as a function of " $4 ": " $0; bad = 1 }
            }
            $1 == "removed" { removed[$2] = 1; if ($2 in fn) { print "removed, but listed: " $0; bad = 1 } }
            END { exit bad }' tests/c/abi.txt || return 1
    local name
    for name in $(awk '$1 == "removed" { print $2 }' tests/c/abi.txt); do
        if grep -qx "$name" "$build/exported.txt" || grep -qw "$name" "$build/header.txt"; then
            echo "$name is listed as removed but is still exported or declared"
            return 1
        fi
    done
    diff -u <(grep -v '^#' tests/c/abi-signatures.txt) "$build/header-signatures.txt" || {
        echo "a prototype differs from tests/c/abi-signatures.txt: within a major version only new"
        echo "functions may be appended; a changed signature needs a major version (docs/ABI.md),"
        echo "a 'changed' line in tests/c/abi.txt, and then: bash tests/c/run.sh --print-signatures"
        return 1
    }
    echo "$(wc -l <"$build/abi-functions.txt") functions and $(wc -l <"$build/abi-statuses.txt") statuses of ABI $major.$minor;" \
        "$(grep -c '^changed' tests/c/abi.txt) signatures changed and $(grep -c '^removed' tests/c/abi.txt) functions removed in ABI $major.0;" \
        "$(wc -l <"$build/header-signatures.txt") prototypes equal tests/c/abi-signatures.txt"
}
step abi-list-matches-library-and-header check_abi_list

check_versions() {
    local cargo major minor patch out soname
    cargo=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
    IFS=. read -r major minor patch <<<"${cargo%%[-+]*}"
    cc "${CFLAGS[@]}" $(pc "$prefix" --cflags) tests/c/version.c \
        $(pc "$prefix" --libs) -Wl,-rpath,"$prefix/lib" -o "$build/bin/version" || return 1
    out=$("$build/bin/version") || return 1
    echo "Cargo.toml $cargo"
    echo "$out"
    soname=$(readelf -d "$prefix/lib/liboffline_reset.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    echo "soname $soname"
    grep -qx "header $major.$minor.$patch" <<<"$out" &&
        grep -qx "number $(((major << 16) | (minor << 8) | patch))" <<<"$out" &&
        grep -qx "library $cargo" <<<"$out" &&
        grep -qx "library_number $(((major << 16) | (minor << 8) | patch))" <<<"$out" &&
        grep -qE '^abi ([0-9]+)\.([0-9]+) ([0-9]+) \3$' <<<"$out" &&
        [[ $soname == "liboffline_reset.so.$(sed -n 's/^abi \([0-9]*\)\..*/\1/p' <<<"$out")" ]]
}
step version-macros-match-cargo-toml check_versions

# The documented static link line: every doc that has it must name exactly rustc's libraries,
# and the line itself must build the example.
check_link_line() {
    local docs=() doc line libs
    echo "rustc --print native-static-libs: $native"
    for doc in README.md docs/*.md; do
        [[ -f $doc ]] && grep -q 'liboffline_reset.a" -l' "$doc" && docs+=("$doc")
    done
    ((${#docs[@]})) || { echo "no doc has the static link line"; return 1; }
    for doc in "${docs[@]}"; do
        line=$(grep -m 1 'liboffline_reset.a" -l' "$doc")
        libs=$(sed -E 's/.*liboffline_reset\.a" (.*) -o [^ ]+$/\1/' <<<"$line")
        echo "$doc: $libs"
        [[ $libs == "$native" ]] || { echo "$doc: link line differs from rustc's"; return 1; }
    done
    line=${line/app.c/examples\/c\/server.c}
    line=${line/-o app/-o \"\$build\/bin\/olr-server-doc-line\"}
    line=${line//\$PREFIX/\$prefix}
    echo "$line"
    eval "$line ${CFLAGS[*]}" || return 1
    # Without arguments the program prints its usage (and exits 1): it linked and runs.
    { "$build/bin/olr-server-doc-line" 2>&1 || true; } | grep -q usage
}
step readme-link-line-equals-native-static-libs check_link_line

# --- the documented install and build lines, exactly as written ------------------------------
# README.md's two lines and docs/C_API.md's install line and shared/static lines, run verbatim
# (app.c -> examples/c/server.c, -o app -> a file here) into a fresh prefix. The programs must
# run without LD_LIBRARY_PATH; the static one must not depend on liboffline_reset.so.
check_documented_lines() {
    local PREFIX=$build/doc-prefix doc line n=0 out kind deps abi_major
    abi_major=$(sed -n 's/^#define OLR_ABI_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
    for doc in README.md docs/C_API.md; do
        line=$(grep -m 1 '^bash examples/c/install.sh "\$PREFIX"' "$doc") || { echo "$doc: no install line"; return 1; }
        echo "$doc: $line"
        (export PKG_CONFIG_PATH=; eval "$line") || return 1
        while IFS= read -r line; do
            n=$((n + 1))
            kind=shared
            grep -q 'offline-reset-static' <<<"$line" && kind=static
            line=${line%%#*}
            line=${line/app.c/examples\/c\/server.c}
            line=${line/-o app/-o \"\$build\/bin\/doc-line-$n\"}
            echo "$doc ($kind): $line"
            (export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"; eval "$line") || return 1
            out=$(env -u LD_LIBRARY_PATH "$build/bin/doc-line-$n" 2>&1)
            grep -q usage <<<"$out" || { echo "doc-line-$n does not run: $out"; return 1; }
            deps=$(env -u LD_LIBRARY_PATH ldd "$build/bin/doc-line-$n") || return 1
            if [[ $kind == static ]]; then
                ! grep -q offline_reset <<<"$deps" || { echo "static program loads the shared library"; return 1; }
            else
                grep -qF "liboffline_reset.so.$abi_major => $PREFIX/lib/" <<<"$deps" || { echo "$deps"; return 1; }
            fi
        done < <(grep -E '^cc app\.c \$\((PKG_CONFIG_PATH=\S+ )?pkg-config' "$doc")
    done
    echo "$n documented build lines built and ran"
    ((n >= 3))
}
step documented-install-and-build-lines-work check_documented_lines

# --- examples, static and shared ---------------------------------------------------------------
build_examples() { # build_examples DIR EXTRA_CFLAGS...: static build in DIR/static, shared in DIR/shared
    local dir=$1 p
    shift
    mkdir -p "$dir/static" "$dir/shared"
    # Through pkg-config only, from the prefix that holds both libraries.
    for p in server machine; do
        cc "${CFLAGS[@]}" "$@" $(pcs "$prefix" --cflags) "examples/c/$p.c" \
            $(pcs "$prefix" --libs) -o "$dir/static/olr-$p" || return 1
        cc "${CFLAGS[@]}" "$@" $(pc "$prefix" --cflags) "examples/c/$p.c" \
            $(pc "$prefix" --libs) -Wl,-rpath,"$(pc "$prefix" --variable=libdir)" \
            -o "$dir/shared/olr-$p" || return 1
    done
    # The static programs do not load the library; the shared ones load it by its soname.
    ! readelf -d "$dir/static/olr-server" | grep -q offline_reset &&
        readelf -d "$dir/shared/olr-server" | grep -q 'NEEDED.*\[liboffline_reset\.so\.[0-9]*\]'
}
step examples-build-static-and-shared-Werror build_examples "$build/bin"
step examples-run-static bash examples/c/run.sh "$build/bin/static"
step examples-run-shared bash examples/c/run.sh "$build/bin/shared"

# --- negative and thread tests ---------------------------------------------------------------
build_tests() { # build_tests DIR EXTRA_CFLAGS...
    local dir=$1
    shift
    mkdir -p "$dir"
    cc "${CFLAGS[@]}" "$@" -DOLR_TEST_HOOKS $(pcs "$prefix_hooks" --cflags) tests/c/negative.c \
        $(pcs "$prefix_hooks" --libs) -o "$dir/negative" &&
        cc "${CFLAGS[@]}" "$@" -DOLR_TEST_HOOKS -pthread $(pc "$prefix_hooks" --cflags) \
            tests/c/negative.c $(pc "$prefix_hooks" --libs) -Wl,-rpath,"$prefix_hooks/lib" \
            -o "$dir/negative-shared" &&
        cc "${CFLAGS[@]}" "$@" -pthread $(pc "$prefix" --cflags) tests/c/threads.c \
            $(pc "$prefix" --libs) -Wl,-rpath,"$prefix/lib" -o "$dir/threads"
}
# The panic hook prints one line per deliberate panic; a backtrace would only add noise.
export RUST_BACKTRACE=0
run_tests() { # run_tests DIR [RUNNER...]
    local dir=$1
    shift
    "$@" "$dir/negative" && "$@" "$dir/negative-shared" && "$@" "$dir/threads"
}
step tests-build-Werror build_tests "$build/bin"
step negative-and-thread-tests run_tests "$build/bin"
grep -E '^(negative|threads):' "$build/logs/negative-and-thread-tests.log" | sed 's/^/       /'

# --- valgrind --------------------------------------------------------------------------------
vg=(valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=all
    --errors-for-leak-kinds=all --track-origins=yes --log-file="$build/valgrind/%p.log")
check_valgrind_logs() {
    local logs=("$build"/valgrind/*.log) clean=0 log
    for log in "${logs[@]}"; do
        if grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$log" &&
            grep -q 'All heap blocks were freed -- no leaks are possible' "$log"; then
            clean=$((clean + 1))
        else
            echo "$log:"
            grep -E 'ERROR SUMMARY|lost:|reachable:|Invalid|uninitialised' "$log"
        fi
    done
    echo "valgrind: $clean of ${#logs[@]} runs with 'ERROR SUMMARY: 0 errors from 0 contexts' and 'All heap blocks were freed -- no leaks are possible'"
    ((${#logs[@]} >= 20 && clean == ${#logs[@]}))
}
step valgrind-examples-static env OLR_RUNNER="${vg[*]}" bash examples/c/run.sh "$build/bin/static"
step valgrind-examples-shared env OLR_RUNNER="${vg[*]}" bash examples/c/run.sh "$build/bin/shared"
step valgrind-negative-and-thread-tests run_tests "$build/bin" "${vg[@]}"
step valgrind-0-errors-0-leaks check_valgrind_logs
tail -n 1 "$build/logs/valgrind-0-errors-0-leaks.log" | sed 's/^/       /'

# --- ASan + UBSan ----------------------------------------------------------------------------
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=98
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
step asan-ubsan-build build_examples "$build/asan" "${san[@]}"
step asan-ubsan-examples-static bash examples/c/run.sh "$build/asan/static"
step asan-ubsan-examples-shared bash examples/c/run.sh "$build/asan/shared"
step asan-ubsan-tests-build build_tests "$build/asan" "${san[@]}"
step asan-ubsan-negative-and-thread-tests run_tests "$build/asan"
unset ASAN_OPTIONS UBSAN_OPTIONS

# --- C++ and Windows -------------------------------------------------------------------------
cxx_check() {
    g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror $(pc "$prefix" --cflags) tests/c/cxx_header.cpp \
        $(pc "$prefix" --libs) -Wl,-rpath,"$prefix/lib" -o "$build/bin/cxx_header" &&
        "$build/bin/cxx_header"
}
step cxx17-header-Werror cxx_check
mingw_check() {
    x86_64-w64-mingw32-gcc --version | head -n 1 &&
        x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude \
            -c tests/c/windows_header.c -o "$build/windows_header.o" &&
        x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude -DOLR_TEST_HOOKS \
            -c tests/c/windows_header.c -o "$build/windows_header_hooks.o"
}
step mingw-w64-header-compiles mingw_check

echo "c-abi: $passed passed, $failed failed"
((failed == 0))

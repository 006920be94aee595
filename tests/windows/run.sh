#!/usr/bin/env bash
# Windows for real (issue 18): the library cross-built for x86_64-pc-windows-gnu (offline_reset.dll,
# its import library liboffline_reset.dll.a, a .def, the static liboffline_reset.a), its imports
# checked (system DLLs only), and the C examples, the C negative and thread tests, the C++ header
# tests, the login tile, the conformance file (tests/vectors/bindings.json) and the Windows
# storage example (examples/windows: DPAPI, MoveFileExW, UTF-16 entry points) compiled with
# mingw-w64 and run under Wine against the DLL and against the static library.
# Installs what it needs (as root: rustup target, apt packages) and fails loudly when it cannot.
# Headless: console programs only, a fresh WINEPREFIX under a temporary folder, WINEDEBUG=-all,
# every run bounded by timeout. Respects CARGO_TARGET_DIR. Build output in tests/windows/build.
# Last line: "windows: N passed, M failed"; exit status non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build=$root/tests/windows/build
target_dir=${CARGO_TARGET_DIR:-$root/target}
triple=x86_64-pc-windows-gnu
CC=x86_64-w64-mingw32-gcc
CXX=x86_64-w64-mingw32-g++
CFLAGS=(-std=c11 -O1 -g -Wall -Wextra -Wpedantic -Werror)
CXXFLAGS=(-std=c++17 -O1 -g -Wall -Wextra -Wpedantic -Werror)
# Test programs carry their own libgcc/libstdc++/winpthread (-static), so each one needs only
# system DLLs and offline_reset.dll; the DLL is linked through its import library by path.
LDFLAGS=(-static)
RUN_TIMEOUT=${OLR_WINE_TIMEOUT:-300}
passed=0 failed=0

pass() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# step NAME COMMAND...: runs COMMAND with its output in $build/logs/NAME.log, shown on failure;
# lines of the log that look like a result summary are shown in any case.
step() {
    local name=$1 log=$build/logs/$1.log
    shift
    if "$@" >"$log" 2>&1; then
        pass "$name"
    else
        fail "$name (log: ${log#"$root"/})"
        sed 's/^/       /' "$log" | tail -n 40
    fi
    grep -aE '^(negative|threads|cpp|cpp-noexcept|tile|imports|exports|bindings\.json \(Windows DLL\)|storage|examples/c/run\.sh|wine-version|randomness|GetComputerNameExW)[^:]*: ' "$log" |
        sed 's/^/       /'
}
finish() {
    [[ -n ${WINEPREFIX:-} ]] && timeout 30 wineserver -k 2>/dev/null
    [[ -n ${wine_tmp:-} ]] && rm -rf "$wine_tmp"
    echo "windows: $passed passed, $failed failed"
    ((failed == 0))
    exit
}

# --- tools -----------------------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx "$triple"; then
    echo "installing the Rust target $triple"
    rustup target add "$triple" || { fail "rustup target add $triple"; finish; }
fi
need_apt=()
command -v $CC >/dev/null || need_apt+=(gcc-mingw-w64-x86-64)
command -v $CXX >/dev/null || need_apt+=(g++-mingw-w64-x86-64)
command -v x86_64-w64-mingw32-objdump >/dev/null || need_apt+=(binutils-mingw-w64-x86-64)
command -v wine >/dev/null || need_apt+=(wine)
[[ -x /usr/lib/wine/wine64 ]] || need_apt+=(wine64)
command -v python3 >/dev/null || need_apt+=(python3)
if ((${#need_apt[@]})); then
    echo "installing: ${need_apt[*]}"
    if [[ $(id -u) != 0 ]]; then
        fail "missing ${need_apt[*]} and not root"
        finish
    fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${need_apt[@]}" >/dev/null; } || { fail "apt-get install ${need_apt[*]}"; finish; }
fi
for tool in $CC $CXX x86_64-w64-mingw32-objdump wine wineserver python3; do
    command -v "$tool" >/dev/null || { fail "$tool is still missing after the install"; finish; }
done

rm -rf "$build"
mkdir -p "$build/logs" "$build/dll" "$build/static" "$build/lib" "$build/lib-hooks" "$build/work"

# --- the library ---------------------------------------------------------------------------------
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=$CC
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_AR=x86_64-w64-mingw32-ar
export RUST_BACKTRACE=0
# exports_def DLL: a module-definition file listing the DLL's exported functions (objdump's
# export table), for MSVC's lib.exe (/def) or llvm-dlltool.
exports_def() {
    echo "LIBRARY offline_reset.dll"
    echo "EXPORTS"
    x86_64-w64-mingw32-objdump -p "$1" |
        awk '/^\[Ordinal\/Name Pointer\] Table/ { t = 1; next } t && /^\t\[/ { print "    " $NF; next } t && !/^\t/ { t = 0 }' |
        LC_ALL=C sort
}
build_lib() { # build_lib OUT_DIR CARGO_TARGET_DIR [CARGO ARGS...]
    local out=$1 dir=$2 f
    shift 2
    CARGO_TARGET_DIR=$dir cargo build --release --lib --target "$triple" "$@" || return 1
    for f in offline_reset.dll liboffline_reset.dll.a liboffline_reset.a; do
        cp "$dir/$triple/release/$f" "$out/" || return 1
    done
    exports_def "$out/offline_reset.dll" >"$out/offline_reset.def"
    ls -l "$out"
    x86_64-w64-mingw32-objdump -f "$out/offline_reset.dll" | grep -E 'file format pei-x86-64'
}
step build-dll-import-lib-def-static build_lib "$build/lib" "$target_dir"
# The negative test's panic hook (feature test-hooks) in a target directory of its own, so the
# two builds do not overwrite each other's artifacts.
step build-with-test-hooks build_lib "$build/lib-hooks" "$target_dir/windows-test-hooks" --features test-hooks
if [[ ! -f $build/lib/offline_reset.dll || ! -f $build/lib-hooks/offline_reset.dll ]]; then
    echo "no DLL: nothing else can run"
    finish
fi
dll=$build/lib/offline_reset.dll

# --- imports and exports of the DLL ----------------------------------------------------------------
# Inside LogonUI only system DLLs exist: no mingw runtime (libgcc_s_seh-1, libwinpthread-1,
# libstdc++-6) may be needed. The allow-list is what the DLL imports (see docs/WINDOWS.md) plus
# the system DLLs a toolchain update could plausibly add.
allowed='^(kernel32|ntdll|msvcrt|ucrtbase|api-ms-win-crt-[a-z0-9-]+|api-ms-win-core-[a-z0-9-]+|bcryptprimitives|bcrypt|userenv|ws2_32|advapi32|secur32|crypt32|dbghelp|shell32|ole32)\.dll$'
imports_of() { x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^\tDLL Name: //p'; }
check_imports() { # check_imports FILE...: every import of every FILE is allowed
    local f bad=0 d
    for f in "$@"; do
        echo "imports of ${f#"$build"/}: $(imports_of "$f" | tr '\n' ' ')"
        while IFS= read -r d; do
            if ! grep -qiE "$allowed" <<<"$d" && [[ $d != "${also_allowed:-}" ]]; then
                echo "  not a system DLL: $d"
                bad=1
            fi
        done < <(imports_of "$f")
        imports_of "$f" | grep -q . || { echo "  no imports listed"; bad=1; }
    done
    return $bad
}
step dll-imports-only-system-dlls check_imports "$dll" "$build/lib-hooks/offline_reset.dll"
echo "       imports: $(imports_of "$dll" | tr '\n' ' ')"
check_exports() {
    gcc -E -P -x c include/offline_reset.h | grep -oE '\bolr_[a-z0-9_]+[[:space:]]*\(' |
        sed -E 's/[[:space:]]*\($//' | LC_ALL=C sort -u >"$build/header-functions.txt"
    awk '/^    / { print $1 }' "$build/lib/offline_reset.def" >"$build/dll-exports.txt"
    echo "exports: $(wc -l <"$build/dll-exports.txt") functions in offline_reset.def, $(wc -l <"$build/header-functions.txt") in the header"
    diff -u "$build/header-functions.txt" "$build/dll-exports.txt" &&
        grep -qx olr_test_hook_panic <(awk '/^    / { print $1 }' "$build/lib-hooks/offline_reset.def") &&
        ! grep -q olr_test_hook "$build/dll-exports.txt"
}
step dll-exports-equal-header-functions check_exports

# --- Wine ----------------------------------------------------------------------------------------
wine_tmp=$(mktemp -d)
export WINEPREFIX=$wine_tmp/prefix WINEDEBUG=-all WINEARCH=win64
# No Mono/Gecko download dialogs (headless, no network needed), no display.
export WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
unset WAYLAND_DISPLAY
wine_init() {
    local start=$SECONDS
    timeout 300 wineboot --init </dev/null || return 1
    timeout 60 wineserver -w
    # One persistent wineserver for the whole run, and Wine's services started now with no
    # terminal or pipe to inherit (they outlive the programs).
    wineserver -p </dev/null >/dev/null 2>&1
    timeout 60 wine cmd /c exit </dev/null >/dev/null 2>&1
    echo "wine-version: $(wine --version 2>/dev/null), prefix created in $((SECONDS - start)) s"
}
step wine-prefix wine_init
sys32=$WINEPREFIX/drive_c/windows/system32

# The test-only bcryptprimitives.dll (ProcessPrng through BCryptGenRandom): Wine 8 has none; real
# Windows 10+ has the real one. Placed beside the test programs only, never shipped.
shim=""
build_shim() {
    if [[ -f $sys32/bcryptprimitives.dll ]]; then
        echo "this Wine has bcryptprimitives.dll: no shim"
        return 0
    fi
    $CC "${CFLAGS[@]}" -shared tests/windows/bcryptprimitives_shim.c tests/windows/bcryptprimitives_shim.def \
        -lbcrypt -o "$build/bcryptprimitives.dll" || return 1
    shim=$build/bcryptprimitives.dll
    echo "Wine has no bcryptprimitives.dll: test-only shim built"
    imports_of "$shim"
}
step bcryptprimitives-shim build_shim

# wrap DIR NAME: a shell script DIR/NAME running DIR/NAME.exe under Wine, bounded, CR stripped
# (the Linux scripts examples/c/run.sh and tests/cpp/tile.sh drive it unchanged).
wrap() {
    cat >"$1/$2" <<EOF
#!/usr/bin/env bash
# Output through files, not pipes: Wine's background processes may inherit a pipe and hold it.
# Both to one file when the caller merges them (2>&1), which keeps their order.
out=\$(mktemp) err=\$(mktemp)
if [[ /dev/stdout -ef /dev/stderr ]]; then
    timeout $RUN_TIMEOUT wine "$1/$2.exe" "\$@" >"\$out" 2>&1
else
    timeout $RUN_TIMEOUT wine "$1/$2.exe" "\$@" >"\$out" 2>"\$err"
fi
rc=\$?
tr -d '\\r' <"\$out"
tr -d '\\r' <"\$err" >&2
rm -f "\$out" "\$err"
exit \$rc
EOF
    chmod +x "$1/$2"
}
# winrun EXE ARGS...: runs a program under Wine, bounded, output with CR stripped.
winrun() {
    local out rc
    out=$(mktemp)
    timeout "$RUN_TIMEOUT" wine "$@" >"$out" 2>&1 </dev/null
    rc=$?
    tr -d '\r' <"$out"
    rm -f "$out"
    ((rc != 124)) || echo "timed out after $RUN_TIMEOUT s"
    return $rc
}
# Each program directory holds the DLL it links (or none: static) and the shim.
setup_dir() { # setup_dir DIR [DLL]
    mkdir -p "$1"
    [[ -n $shim ]] && cp "$shim" "$1/"
    [[ -n ${2:-} ]] && cp "$2" "$1/"
    return 0
}
setup_dir "$build/dll" "$dll"
setup_dir "$build/static"
setup_dir "$build/dll-hooks" "$build/lib-hooks/offline_reset.dll"
setup_dir "$build/static-hooks"

# The static library's link line: what rustc needs from Windows (--print native-static-libs).
native_libs() {
    local libs
    libs=$(CARGO_TARGET_DIR=$target_dir cargo rustc --quiet --release --lib --target "$triple" \
        --crate-type staticlib -- --print native-static-libs 2>&1 |
        sed -n 's/.*native-static-libs: //p' | tail -n 1)
    [[ -n $libs ]] || return 1
    echo "$libs"
}
native=$(native_libs) || native="-lkernel32 -ladvapi32 -lntdll -luserenv -lws2_32 -ldbghelp"
echo "       native-static-libs: $native"
# link KIND OUT SOURCE EXTRA...: KIND dll, static, dll-hooks or static-hooks.
link() {
    local kind=$1 out=$2 src=$3 compiler=$CC flags=("${CFLAGS[@]}") lib=$build/lib
    shift 3
    [[ $src == *.cpp ]] && compiler=$CXX flags=("${CXXFLAGS[@]}")
    [[ $kind == *-hooks ]] && lib=$build/lib-hooks flags+=(-DOLR_TEST_HOOKS)
    if [[ $kind == dll* ]]; then
        $compiler "${flags[@]}" -Iinclude -Ibindings/cpp "$src" "$@" "$lib/liboffline_reset.dll.a" \
            "${LDFLAGS[@]}" -o "$out"
    else
        # shellcheck disable=SC2086
        $compiler "${flags[@]}" -Iinclude -Ibindings/cpp "$src" "$@" "$lib/liboffline_reset.a" $native \
            "${LDFLAGS[@]}" -o "$out"
    fi
}
# The programs linked to the DLL must import it; the static ones must not.
check_linkage() { # check_linkage DIR KIND
    local f bad=0
    for f in "$1"/*.exe; do
        if [[ $2 == dll ]]; then
            imports_of "$f" | grep -qx offline_reset.dll || { echo "$f does not import offline_reset.dll"; bad=1; }
        else
            ! imports_of "$f" | grep -qi offline_reset || { echo "$f imports offline_reset.dll"; bad=1; }
        fi
    done
    [[ $2 == dll ]] && local also_allowed=offline_reset.dll
    check_imports "$1"/*.exe && ((bad == 0))
}

# --- C: examples, negative and thread tests ----------------------------------------------------------
build_c() {
    local kind
    for kind in dll static; do
        # wmain (UTF-16 arguments converted to UTF-8): -municode.
        link $kind "$build/$kind/olr-server.exe" examples/c/server.c -municode || return 1
        link $kind "$build/$kind/olr-machine.exe" examples/c/machine.c -municode || return 1
        link $kind "$build/$kind/threads.exe" tests/c/threads.c -pthread || return 1
        link $kind-hooks "$build/$kind-hooks/negative.exe" tests/c/negative.c || return 1
        wrap "$build/$kind" olr-server
        wrap "$build/$kind" olr-machine
    done
    return 0
}
step c-examples-and-tests-build-Werror build_c
step c-programs-import-the-dll check_linkage "$build/dll" dll
step c-programs-static-import-no-dll check_linkage "$build/static" static

# Through the DLL first: negative tests, then the whole reset, threads.
step negative-tests-dll winrun "$build/dll-hooks/negative.exe"
step negative-tests-static winrun "$build/static-hooks/negative.exe"
step examples-whole-reset-dll bash examples/c/run.sh "$build/dll"
step examples-whole-reset-static bash examples/c/run.sh "$build/static"
step thread-test-dll winrun "$build/dll/threads.exe"
step thread-test-static winrun "$build/static/threads.exe"

# --- conformance file through the DLL ----------------------------------------------------------------
conformance() {
    python3 tests/windows/bindings_lines.py tests/vectors/bindings.json >"$build/bindings.lines" || return 1
    link dll "$build/dll/conformance.exe" tests/windows/conformance.c || return 1
    timeout "$RUN_TIMEOUT" wine "$build/dll/conformance.exe" <"$build/bindings.lines" >"$build/conformance.raw" 2>&1
    local rc=$?
    tr -d '\r' <"$build/conformance.raw" | tee "$build/conformance.out"
    ((rc == 0)) && grep -qE '^bindings\.json \(Windows DLL\): [1-9][0-9]* passed, 0 failed$' "$build/conformance.out"
}
step conformance-bindings-json-dll conformance

# --- C++ header tests and the login tile ---------------------------------------------------------------
build_cpp() {
    link dll "$build/dll/test_offline_reset.exe" tests/cpp/test_offline_reset.cpp &&
        link static "$build/static/no_exceptions.exe" tests/cpp/no_exceptions.cpp -fno-exceptions &&
        link dll "$build/dll/login_tile.exe" examples/cpp/login_tile.cpp &&
        link static "$build/static/login_tile.exe" examples/cpp/login_tile.cpp &&
        wrap "$build/dll" login_tile && wrap "$build/static" login_tile
}
step cpp-build-Werror build_cpp
step cpp-tests-dll winrun "$build/dll/test_offline_reset.exe"
step cpp-no-exceptions-static winrun "$build/static/no_exceptions.exe"
step tile-scripted-dll bash tests/cpp/tile.sh "$build/dll"
step tile-scripted-static bash tests/cpp/tile.sh "$build/static"

# --- examples/windows: DPAPI, MoveFileExW, UTF-16, randomness ----------------------------------------------
build_storage() {
    link dll "$build/dll/olr-windows-storage.exe" examples/windows/storage.c -municode -lcrypt32 &&
        link static "$build/static/olr-windows-storage.exe" examples/windows/storage.c -municode -lcrypt32 &&
        wrap "$build/dll" olr-windows-storage && wrap "$build/static" olr-windows-storage
}
step windows-storage-example-build-Werror build_storage
storage_run() { # storage_run DIR
    local work
    work=$(mktemp -d -p "$build/work") || return 1
    OLR_STORAGE_WORK=$work bash tests/windows/storage.sh "$1"
}
step windows-storage-dll storage_run "$build/dll"
step windows-storage-static storage_run "$build/static"

finish

#!/usr/bin/env bash
# Builds the C library (release) and installs it the way a C developer links it (Linux), the
# layout `cargo cinstall` would give (docs/C_API.md says why this script and not cargo-c):
#
#   PREFIX/include/offline_reset.h
#   PREFIX/lib/liboffline_reset.a
#   PREFIX/lib/liboffline_reset.so.MAJOR.MINOR, .so.MAJOR (the soname), .so   (ABI version)
#   PREFIX/lib/pkgconfig/offline-reset.pc         shared library (Libs.private: native libs)
#   PREFIX/lib/pkgconfig/offline-reset-static.pc  the archive itself + rustc's native-static-libs
#
# The soname comes from build.rs (so a plain `cargo build --release` has it too).
# usage: examples/c/install.sh PREFIX [--static-only|--shared-only] [--features F] [--relocatable]
# --relocatable writes prefix=${pcfiledir}/../.. in the .pc files (for an archive unpacked anywhere).
# Respects CARGO_TARGET_DIR. --features test-hooks is for tests/c only, never for shipping.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${1:?usage: install.sh PREFIX [--static-only|--shared-only] [--features F] [--relocatable]}
shift
want_static=1 want_shared=1 features=() relocatable=0
while (($#)); do
    case $1 in
    --static-only) want_shared=0 ;;
    --shared-only) want_static=0 ;;
    --features) features=(--features "$2"); shift ;;
    --relocatable) relocatable=1 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd) # pkg-config files need an absolute prefix
header=$root/include/offline_reset.h
abi_major=$(sed -n 's/^#define OLR_ABI_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
abi_minor=$(sed -n 's/^#define OLR_ABI_VERSION_MINOR \([0-9]*\)$/\1/p' "$header")
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
[[ -n $abi_major && -n $abi_minor && -n $version ]] || { echo "install.sh: cannot read versions" >&2; exit 1; }
soname=liboffline_reset.so.$abi_major

# One build gives all three crate types (build.rs gives the shared library its soname), and
# rustc prints the system libraries the static library needs.
log=$(cd "$root" && cargo rustc --release --lib --quiet "${features[@]}" -- \
    --print native-static-libs 2>&1) || {
    printf '%s\n' "$log" >&2
    exit 1
}
native=$(sed -n 's/^note: native-static-libs: //p' <<<"$log" | tail -n 1)
[[ -n $native ]] || { printf '%s\ninstall.sh: no native-static-libs line\n' "$log" >&2; exit 1; }
target=${CARGO_TARGET_DIR:-$root/target}
[[ $target == /* ]] || target=$root/$target

mkdir -p "$prefix/include" "$prefix/lib/pkgconfig"
cp "$header" "$prefix/include/"
if ((want_static)); then
    cp "$target/release/liboffline_reset.a" "$prefix/lib/"
fi
if ((want_shared)); then
    got=$(readelf -d "$target/release/liboffline_reset.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    [[ $got == "$soname" ]] || { echo "install.sh: built library has soname '$got', not $soname (build.rs)" >&2; exit 1; }
    rm -f "$prefix/lib/$soname.$abi_minor"
    cp "$target/release/liboffline_reset.so" "$prefix/lib/$soname.$abi_minor"
    ln -sf "$soname.$abi_minor" "$prefix/lib/$soname"
    ln -sf "$soname" "$prefix/lib/liboffline_reset.so"
fi
pcs=(offline-reset)
((want_static)) && pcs+=(offline-reset-static)
pc_prefix=$prefix
((relocatable)) && pc_prefix='${pcfiledir}/../..'
for pc in "${pcs[@]}"; do
    sed -e "s|@PREFIX@|$pc_prefix|" -e "s|@VERSION@|$version|" -e "s|@NATIVE_STATIC_LIBS@|$native|" \
        "$root/examples/c/$pc.pc.in" >"$prefix/lib/pkgconfig/$pc.pc"
done
echo "installed liboffline_reset $version (ABI $abi_major.$abi_minor) in $prefix"

#!/usr/bin/env bash
# Builds every installable artifact into dist/ (emptied first):
#
#   offline-reset-VERSION-x86_64-linux-gnu.tar.gz  the C library in the cargo-c layout: include/,
#       lib/liboffline_reset.{a,so.MAJOR.MINOR,so.MAJOR,so}, lib/pkgconfig/offline-reset{,-static}.pc
#       (relocatable: prefix=${pcfiledir}/../..)
#   offline-reset-VERSION-x86_64-windows-gnu.zip   the same for Windows: bin/offline_reset.dll,
#       lib/liboffline_reset.dll.a (import library), include/
#   maven/org/offlinereset/offline-reset/VERSION/  a Maven repository layout: the jar (natives for
#       linux-x86-64 and win32-x86-64, Automatic-Module-Name org.offlinereset), -sources.jar,
#       -javadoc.jar, the pom, each with .sha1 and .md5, and maven-metadata.xml
#   offline_reset-VERSION-py3-none-linux_x86_64.whl, offline_reset-VERSION.tar.gz (sdist: the
#       binding and the crate in rust/; the wheel is built from it)
#   OfflineReset.VERSION.nupkg                     the NuGet package: lib/netstandard2.0,
#       runtimes/linux-x64/native, runtimes/win-x64/native
#   offline-reset-go-VERSION.tar.gz                the Go module (its header inside)
#   SHA256SUMS
#
# usage: scripts/package.sh [--skip-windows]   (respects CARGO_TARGET_DIR)
# Installs what it needs when missing (as root: mingw-w64, the Rust Windows target, a JDK, JNA,
# Mono, nuget).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dist=$root/dist
target=${CARGO_TARGET_DIR:-$root/target}
[[ $target == /* ]] || target=$root/$target
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
header=include/offline_reset.h
abi_major=$(sed -n 's/^#define OLR_ABI_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
abi_minor=$(sed -n 's/^#define OLR_ABI_VERSION_MINOR \([0-9]*\)$/\1/p' "$header")
with_windows=1
[[ ${1:-} == --skip-windows ]] && with_windows=0
triple=x86_64-pc-windows-gnu

need=()
command -v javac >/dev/null || need+=(default-jdk-headless)
command -v mcs >/dev/null || need+=(mono-devel)
command -v nuget >/dev/null || need+=(nuget)
[ -f /usr/share/java/jna.jar ] || need+=(libjna-java)
if ((with_windows)); then command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(mingw-w64); fi
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -qq "${need[@]}" >/dev/null ||
            { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
    else
        echo "package.sh: missing ${need[*]}" >&2; exit 1
    fi
fi
if ((with_windows)) && ! rustup target list --installed 2>/dev/null | grep -qx "$triple"; then
    rustup target add "$triple"
fi

rm -rf "$dist"
mkdir -p "$dist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Archives with fixed owners, order and times: the same sources give the same bytes.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
tar_reproducible() { # OUT DIR NAME
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
        -C "$2" -cf - "$3" | gzip -n >"$1"
}
# copy_sources DIR DEST: the files of DIR that git knows (tracked, or new and not ignored) and
# that exist, so no build output; every file but caches outside a git checkout.
copy_sources() {
    if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$1" && git ls-files --cached --others --exclude-standard -z |
            while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
            xargs -0 cp --parents -t "$2")
    else
        (cd "$1" && tar --exclude=__pycache__ --exclude='*.egg-info' --exclude=./build -cf - .) | (cd "$2" && tar -xf -)
    fi
}

# --- C library (Linux) -------------------------------------------------------------------------
c_name=offline-reset-$version-x86_64-linux-gnu
bash examples/c/install.sh "$stage/$c_name" --relocatable >/dev/null
tar_reproducible "$dist/$c_name.tar.gz" "$stage" "$c_name"

# --- Windows natives (mingw-w64 cross-build) ----------------------------------------------------
windows_dll=
if ((with_windows)); then
    cargo build --quiet --release --lib --target "$triple"
    w_name=offline-reset-$version-x86_64-windows-gnu
    w=$stage/$w_name
    mkdir -p "$w/bin" "$w/lib" "$w/include"
    windows_dll=$target/$triple/release/offline_reset.dll
    cp "$windows_dll" "$w/bin/"
    cp "$target/$triple/release/liboffline_reset.dll.a" "$w/lib/"
    cp "$header" "$w/include/"
    (cd "$stage" && find "$w_name" -print0 | LC_ALL=C sort -z |
        xargs -0 touch -d "@$SOURCE_DATE_EPOCH" && find "$w_name" -type f -print | LC_ALL=C sort |
        zip -q -X -D "$dist/$w_name.zip" -@)
fi

# --- Java: jar, sources, javadoc, pom in a Maven repository layout ------------------------------
group_path=org/offlinereset
artifact=offline-reset
m2=$dist/maven/$group_path/$artifact/$version
mkdir -p "$m2" "$stage/java/classes/linux-x86-64" "$stage/java/javadoc"
jna=/usr/share/java/jna.jar
java_sources=$(find bindings/java/src/main/java -name '*.java' | LC_ALL=C sort)
# shellcheck disable=SC2086 # one word per source file
javac -Xlint:all -Werror --release 17 -encoding UTF-8 -d "$stage/java/classes" -cp "$jna" $java_sources
cp "$target/release/liboffline_reset.so" "$stage/java/classes/linux-x86-64/"
if [ -n "$windows_dll" ]; then
    mkdir -p "$stage/java/classes/win32-x86-64"
    cp "$windows_dll" "$stage/java/classes/win32-x86-64/"
fi
cat >"$stage/java/MANIFEST.MF" <<EOF
Automatic-Module-Name: org.offlinereset
Implementation-Title: offline-reset
Implementation-Version: $version
EOF
jar_of() { # OUT DIR [MANIFEST]
    local manifest=()
    [ $# -gt 2 ] && manifest=(--manifest "$3")
    find "$2" -exec touch -d "@$SOURCE_DATE_EPOCH" {} +
    jar --create --date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)" --file "$1" \
        ${manifest[@]+"${manifest[@]}"} -C "$2" .
}
jar_of "$m2/$artifact-$version.jar" "$stage/java/classes" "$stage/java/MANIFEST.MF"
mkdir -p "$stage/java/sources"
cp -r bindings/java/src/main/java/. "$stage/java/sources/"
jar_of "$m2/$artifact-$version-sources.jar" "$stage/java/sources"
# shellcheck disable=SC2086
javadoc -quiet -Xdoclint:none -encoding UTF-8 -d "$stage/java/javadoc" -cp "$jna" $java_sources \
    >"$stage/javadoc.log" 2>&1 || { cat "$stage/javadoc.log" >&2; exit 1; }
jar_of "$m2/$artifact-$version-javadoc.jar" "$stage/java/javadoc"
cp bindings/java/pom.xml "$m2/$artifact-$version.pom"
cat >"$dist/maven/$group_path/$artifact/maven-metadata.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>org.offlinereset</groupId>
  <artifactId>$artifact</artifactId>
  <versioning>
    <latest>$version</latest>
    <release>$version</release>
    <versions><version>$version</version></versions>
    <lastUpdated>$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)</lastUpdated>
  </versioning>
</metadata>
EOF
for f in "$m2"/* "$dist/maven/$group_path/$artifact/maven-metadata.xml"; do
    sha1sum "$f" | cut -d' ' -f1 | tr -d '\n' >"$f.sha1"
    md5sum "$f" | cut -d' ' -f1 | tr -d '\n' >"$f.md5"
done

# --- NuGet package (Mono's mcs and Debian's nuget 2.8) -----------------------------------------
# lib/netstandard2.0 holds the assembly mcs builds (it references mscorlib, which .NET Framework,
# Mono and .NET 5+ all resolve; no .NET SDK can be installed here to build against the
# netstandard reference assemblies: bindings/dotnet/README.md says so).
nu=$stage/nuget
mkdir -p "$nu/lib/netstandard2.0" "$nu/runtimes/linux-x64/native"
# shellcheck disable=SC2046 # one word per source file
mcs -nologo -target:library -warn:4 -warnaserror -nowarn:1591 -deterministic \
    -doc:"$nu/lib/netstandard2.0/OfflineReset.xml" -out:"$nu/lib/netstandard2.0/OfflineReset.dll" \
    $(find bindings/dotnet/src -name '*.cs' | LC_ALL=C sort)
cp "$target/release/liboffline_reset.so" "$nu/runtimes/linux-x64/native/"
windows_file=
if [ -n "$windows_dll" ]; then
    mkdir -p "$nu/runtimes/win-x64/native"
    cp "$windows_dll" "$nu/runtimes/win-x64/native/"
    windows_file='<file src="runtimes/win-x64/native/offline_reset.dll" target="runtimes/win-x64/native" />'
fi
cat >"$nu/OfflineReset.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>OfflineReset</id>
    <version>$version</version>
    <authors>offline-reset</authors>
    <description>Offline Windows domain-password reset: the .NET binding of the offline-reset C ABI (ABI $abi_major.$abi_minor), with its native library for linux-x64 and win-x64. License: Apache-2.0 OR MIT.</description>
    <tags>password-reset offline windows active-directory</tags>
  </metadata>
  <files>
    <file src="lib/netstandard2.0/OfflineReset.dll" target="lib/netstandard2.0" />
    <file src="lib/netstandard2.0/OfflineReset.xml" target="lib/netstandard2.0" />
    <file src="runtimes/linux-x64/native/liboffline_reset.so" target="runtimes/linux-x64/native" />
    $windows_file
  </files>
</package>
NUSPEC
(cd "$nu" && nuget pack OfflineReset.nuspec -OutputDirectory "$dist" -NoPackageAnalysis -NonInteractive >"$stage/nuget.log" 2>&1) ||
    { cat "$stage/nuget.log" >&2; exit 1; }

# --- Python: sdist (the binding and the crate), and the wheel built from that sdist alone -------
py=$stage/python/offline_reset-$version
mkdir -p "$py/rust/benches"
copy_sources bindings/python "$py"
cp Cargo.toml Cargo.lock build.rs "$py/rust/"
cp -r src "$py/rust/"
# The manifest's [[bench]] targets must exist for cargo to read it; they are not built.
cp benches/operations.rs benches/pkcs11.rs "$py/rust/benches/"
python3 -m venv "$stage/python/venv"
"$stage/python/venv/bin/pip" install -q build
# `python -m build DIR` makes the sdist, then the wheel from the unpacked sdist: the proof that
# the sdist builds from itself. Its own cargo target directory (the crate's path differs from
# the checkout's, and the two must not overwrite each other's outputs).
CARGO_TARGET_DIR=$target/python-package "$stage/python/venv/bin/python" -m build --outdir "$dist" "$py" \
    >"$stage/python/build.log" 2>&1 || { tail -n 40 "$stage/python/build.log" >&2; exit 1; }

# --- Go module ----------------------------------------------------------------------------------
go_name=offline-reset-go-$version
mkdir -p "$stage/$go_name"
copy_sources bindings/go "$stage/$go_name"
tar_reproducible "$dist/$go_name.tar.gz" "$stage" "$go_name"

(cd "$dist" && find . -type f ! -name SHA256SUMS ! -name '*.sha1' ! -name '*.md5' -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum >SHA256SUMS)
echo "dist/ (version $version, ABI $abi_major.$abi_minor):"
(cd "$dist" && find . -type f ! -name '*.sha1' ! -name '*.md5' -printf '%10s  %P\n' | LC_ALL=C sort -k2)

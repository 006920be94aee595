#!/usr/bin/env bash
# Installs every artifact of dist/ (scripts/package.sh) the way a user would, each into an empty
# folder outside the repository, and runs the same help-desk program through each: a seal with
# a mistyped group first, a seal, a redeem, the replay refused, the rotation message
# (tests/packages/expected.txt). Nothing here reads the repository's sources, build output or
# header: only dist/ and the consumer programs in tests/packages/consumers/.
#
#   C       the tarball unpacked; built through pkg-config (shared, with a run path; static)
#   Python  the wheel, pip-installed into a fresh venv with --no-index and no cargo on PATH
#   Java    a Maven project resolving org.offlinereset:offline-reset from dist/maven and JNA and
#           Maven's plugins from Debian's /usr/share/maven-repo, with no network
#   .NET    the nupkg restored by nuget from dist/ as a local folder feed, built with Mono's mcs
#   Go      a separate module with a replace to the unpacked module, GOPROXY=off, the library
#           through pkg-config, run without LD_LIBRARY_PATH
#
# Installs what it needs when missing (as root, Debian packages). Last line:
# "packages: N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dist=$root/dist
consumers=$root/tests/packages/consumers
expected=$root/tests/packages/expected.txt
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
[ -d "$dist" ] || { echo "no dist/: run bash scripts/package.sh first"; echo "packages: 0 passed, 1 failed"; exit 1; }

need=()
for pair in mvn:maven javac:default-jdk-headless mcs:mono-devel mono:mono-runtime nuget:nuget go:golang-go \
    pkg-config:pkg-config cc:gcc unzip:unzip; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ -f /usr/share/java/jna.jar ] || need+=(libjna-java)
for plugin in compiler resources dependency; do
    [ -d "/usr/share/maven-repo/org/apache/maven/plugins/maven-$plugin-plugin" ] || need+=("libmaven-$plugin-plugin-java")
done
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing: ${need[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } ||
            { echo "FAIL: apt-get install ${need[*]}"; echo "packages: 0 passed, 1 failed"; exit 1; }
    else
        echo "missing: ${need[*]}"; echo "packages: 0 passed, 1 failed"; exit 1
    fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
# consumer NAME COMMAND...: runs the consumer's build-and-run function, compares its output.
consumer() {
    local name=$1 start=$SECONDS
    shift
    mkdir -p "$work/$name"
    if "$@" >"$work/$name.out" 2>"$work/$name.err" && diff -u "$expected" "$work/$name.out" >"$work/$name.diff"; then
        passed=$((passed + 1)); echo "ok   - $name ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1)); echo "FAIL - $name ($((SECONDS - start)) s)"
        cat "$work/$name.out" "$work/$name.diff" "$work/$name.err" 2>/dev/null | sed 's/^/    | /' | tail -n 40
    fi
}

c_consumer() {
    local d=$work/c
    tar -xzf "$dist/offline-reset-$version-x86_64-linux-gnu.tar.gz" -C "$d" || return 1
    cp "$consumers/c/helpdesk.c" "$d/" || return 1
    export PKG_CONFIG_PATH=$d/offline-reset-$version-x86_64-linux-gnu/lib/pkgconfig
    # shellcheck disable=SC2046 # pkg-config's flags are words
    cc -std=c99 -Wall -Wextra -Werror $(pkg-config --cflags offline-reset) "$d/helpdesk.c" \
        $(pkg-config --libs offline-reset) -Wl,-rpath,"$(pkg-config --variable=libdir offline-reset)" -o "$d/helpdesk" || return 1
    # shellcheck disable=SC2046
    cc -std=c99 -Wall -Wextra -Werror $(pkg-config --cflags offline-reset-static) "$d/helpdesk.c" \
        $(pkg-config --libs offline-reset-static) -o "$d/helpdesk-static" || return 1
    # Outputs are read whole before grep: `cmd | grep -q` fails under pipefail when grep exits
    # before cmd has written everything (SIGPIPE).
    local linked
    linked=$(ldd "$d/helpdesk-static") || return 1
    if grep -q offline_reset <<<"$linked"; then echo "the static build links the shared library" >&2; return 1; fi
    "$d/helpdesk-static" >"$d/static.out" || return 1
    diff -q "$expected" "$d/static.out" >&2 || return 1
    (cd "$d" && env -u LD_LIBRARY_PATH ./helpdesk)
}

python_consumer() {
    local d=$work/python wheels
    wheels=("$dist"/offline_reset-"$version"-py3-none-*.whl)
    [ -f "${wheels[0]}" ] || { echo "no py3-none wheel in dist/" >&2; return 1; }
    python3 -m venv "$d/venv" || return 1
    # No network (--no-index) and no Rust toolchain on PATH: the wheel carries the library.
    PATH=$d/venv/bin:/usr/bin:/bin "$d/venv/bin/pip" install -q --no-index "${wheels[0]}" || return 1
    cp "$consumers/python/helpdesk.py" "$d/" || return 1
    # The library it loads is the wheel's, inside the venv.
    (cd "$d" && env -u OFFLINE_RESET_LIBRARY -u PYTHONPATH "$d/venv/bin/python" -c \
        'import offline_reset, sys; p = offline_reset.library_path(); print(p, file=sys.stderr); sys.exit(not p.startswith(sys.prefix))') || return 1
    (cd "$d" && env -u OFFLINE_RESET_LIBRARY -u PYTHONPATH "$d/venv/bin/python" helpdesk.py)
}

java_consumer() {
    local d=$work/java
    cp -r "$consumers/java/." "$d/" || return 1
    cat >"$d/settings.xml" <<EOF
<settings>
  <localRepository>$d/m2</localRepository>
  <mirrors>
    <mirror><id>debian</id><mirrorOf>central</mirrorOf><url>file:///usr/share/maven-repo</url></mirror>
  </mirrors>
  <profiles>
    <profile>
      <id>offline-reset</id>
      <repositories><repository><id>offline-reset</id><url>file://$dist/maven</url></repository></repositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>offline-reset</activeProfile></activeProfiles>
</settings>
EOF
    (cd "$d" && mvn -B -q -s settings.xml compile dependency:build-classpath -Dmdep.outputFile="$d/classpath.txt" >&2) || return 1
    local jar=$d/m2/org/offlinereset/offline-reset/$version/offline-reset-$version.jar
    grep -q "$jar" "$d/classpath.txt" || { echo "the jar did not come from dist/maven: $(cat "$d/classpath.txt")" >&2; return 1; }
    local manifest listing
    manifest=$(unzip -p "$jar" META-INF/MANIFEST.MF) && listing=$(unzip -l "$jar") || return 1
    grep -q '^Automatic-Module-Name: org.offlinereset' <<<"$manifest" ||
        { echo "no Automatic-Module-Name in the jar" >&2; return 1; }
    for native in linux-x86-64/liboffline_reset.so win32-x86-64/offline_reset.dll; do
        grep -q " $native\$" <<<"$listing" || { echo "no $native in the jar" >&2; return 1; }
    done
    (cd "$d" && java -cp "target/classes:$(cat classpath.txt)" Helpdesk)
}

dotnet_consumer() {
    local d=$work/dotnet p
    cp "$consumers/dotnet/Helpdesk.cs" "$d/" || return 1
    (cd "$d" && nuget install OfflineReset -Version "$version" -Source "$dist" -OutputDirectory packages \
        -NonInteractive >&2) || return 1
    p=$d/packages/OfflineReset.$version
    [ -f "$p/runtimes/win-x64/native/offline_reset.dll" ] || { echo "no win-x64 native library in the package" >&2; return 1; }
    mcs -nologo -warnaserror -out:"$d/Helpdesk.exe" -r:"$p/lib/netstandard2.0/OfflineReset.dll" "$d/Helpdesk.cs" || return 1
    # What a build for the linux-x64 runtime puts beside the program.
    cp "$p/lib/netstandard2.0/OfflineReset.dll" "$p/runtimes/linux-x64/native/liboffline_reset.so" "$d/" || return 1
    (cd "$d" && env -u LD_LIBRARY_PATH mono Helpdesk.exe)
}

go_consumer() {
    local d=$work/go
    mkdir -p "$d/prefix"
    tar -xzf "$dist/offline-reset-$version-x86_64-linux-gnu.tar.gz" -C "$d/prefix" || return 1
    tar -xzf "$dist/offline-reset-go-$version.tar.gz" -C "$d" || return 1
    mv "$d/offline-reset-go-$version" "$d/offline-reset-go" || return 1
    cp -r "$consumers/go" "$d/helpdesk" || return 1
    export PKG_CONFIG_PATH=$d/prefix/offline-reset-$version-x86_64-linux-gnu/lib/pkgconfig
    (cd "$d/helpdesk" && GOFLAGS=-mod=mod GOPROXY=off GOCACHE=$d/cache \
        CGO_LDFLAGS="-Wl,-rpath,$(pkg-config --variable=libdir offline-reset)" go build -o helpdesk . >&2) || return 1
    (cd "$d/helpdesk" && env -u LD_LIBRARY_PATH ./helpdesk)
}

echo "artifacts in dist/:"
(cd "$dist" && find . -type f ! -name '*.sha1' ! -name '*.md5' -printf '%10s  %P\n' | LC_ALL=C sort -k2)
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) && { passed=$((passed + 1)); echo "ok   - SHA256SUMS matches"; } ||
    { failed=$((failed + 1)); echo "FAIL - SHA256SUMS"; }
consumer c c_consumer
consumer python python_consumer
consumer java java_consumer
consumer dotnet dotnet_consumer
consumer go go_consumer
echo "packages: $passed passed, $failed failed"
[ "$failed" = 0 ]

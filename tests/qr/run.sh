#!/usr/bin/env bash
# Decodes the library's QR symbols with a real decoder: examples/qr_images.rs writes the symbols
# of several identification code URIs as PGM images, zbarimg (Debian package zbar-tools,
# installed when missing, as root) decodes each, and the text must equal the URI byte for byte.
# Respects CARGO_TARGET_DIR. Last line: "qr: N passed, M failed"; non-zero exit on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if ! command -v zbarimg >/dev/null; then
    if [[ $(id -u) != 0 ]]; then
        echo "tests/qr/run.sh: zbarimg missing (apt-get install zbar-tools) and not root" >&2
        exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends zbar-tools >/dev/null || exit 1
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo run --quiet --example qr_images -- "$dir" || { echo "qr: 0 passed, 1 failed"; exit 1; }

passed=0 failed=0
for image in "$dir"/*.pgm; do
    expected=$(cat "${image%.pgm}.txt")
    # stderr dropped: zbarimg prints D-Bus noise there in containers.
    decoded=$(zbarimg --quiet --raw -Sdisable -Sqrcode.enable "$image" 2>/dev/null)
    if [[ $decoded == "$expected" ]]; then
        passed=$((passed + 1))
        echo "ok   - $(basename "$image"): $expected"
    else
        failed=$((failed + 1))
        echo "FAIL - $(basename "$image"): expected '$expected', decoded '$decoded'"
    fi
done
echo "qr: $passed passed, $failed failed"
((failed == 0 && passed > 0))

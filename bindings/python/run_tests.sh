#!/usr/bin/env bash
# The Python binding's tests as a user installs it: pip builds the crate into a wheel (cargo
# features from OLR_CARGO_FEATURES, see setup.py) and installs it into a fresh virtual
# environment, then pytest runs tests/ (bindings.json among them). Used by tests/all.sh and
# tests/pkcs11/run.sh. Installs Debian's python3-venv when missing (as root).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -qq python3-venv >/dev/null || exit 1
    else
        echo "python3-venv is missing"; exit 1
    fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv" || exit 1
"$work/venv/bin/pip" install -q --upgrade pip >/dev/null 2>&1
"$work/venv/bin/pip" install -q "$root/bindings/python" pytest || exit 1
cd "$root/bindings/python" && "$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests

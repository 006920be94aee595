#!/usr/bin/env bash
# The Python binding's tests as a user installs it: pip builds the crate into a wheel (cargo
# features from OLR_CARGO_FEATURES, see setup.py) and installs it with its [test] extra into a
# fresh virtual environment, checks that the install wrote nothing into bindings/python, then
# pytest runs tests/ (bindings.json among them; test_packaging.py checks the installed wheel). Used by tests/all.sh and
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
# cargo's target directory: the caller's CARGO_TARGET_DIR, else the repository's target/ (warm
# after a cargo build); setup.py would otherwise build in a temporary one (cold, out of tree).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
# The install must leave the source tree as it was (no build/, *.egg-info or target/ in it).
listing() { (cd "$root/bindings/python" && find . -name __pycache__ -prune -o -print | LC_ALL=C sort); }
listing >"$work/before"
# The [test] extra brings what the tests need (pytest).
"$work/venv/bin/pip" install -q "$root/bindings/python[test]" || exit 1
listing >"$work/after"
if ! diff -u "$work/before" "$work/after"; then
    echo "FAIL: pip install wrote into bindings/python (the lines above marked +)"; exit 1
fi
echo "ok   - pip install left bindings/python unchanged"
cd "$root/bindings/python" && "$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests

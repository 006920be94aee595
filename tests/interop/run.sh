#!/usr/bin/env bash
# Independent Python implementation of docs/PROTOCOL.md, checked against tests/vectors/*.json.
#
# Uses, in this order: an existing tests/interop/.venv that has `cryptography`; the Python given
# by $PYTHON (default python3) if it already has `cryptography`; otherwise it creates
# tests/interop/.venv (installing Debian's python3-venv with apt-get when running as root and
# `python3 -m venv` fails) and installs the pinned `cryptography` there; as a last resort it
# installs into tests/interop/.deps with `pip install --target`.
#
# `run.sh --token-ring-record FILE` instead reads the §9.8 token ring record in FILE (JSON:
# {"record_hex", "expect"}) and compares its fields with "expect" (token_ring_record.py).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PIN="cryptography==48.0.0"
PY="${PYTHON:-python3}"
VENV="$HERE/.venv"
PIP_FLAGS=(-q --disable-pip-version-check --no-input)

has_crypto() {
  "$1" -c 'from cryptography.hazmat.primitives.ciphers.aead import AESSIV' >/dev/null 2>&1
}

make_venv() {
  "$PY" -m venv "$VENV" >/dev/null 2>&1 && return 0
  rm -rf "$VENV"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: python3 -m venv failed; installing python3-venv" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$PY" -m venv "$VENV" >/dev/null 2>&1 && return 0
    rm -rf "$VENV"
  fi
  return 1
}

if [ -x "$VENV/bin/python" ] && has_crypto "$VENV/bin/python"; then
  RUN="$VENV/bin/python"
elif has_crypto "$PY"; then
  RUN="$PY"
elif [ -d "$HERE/.deps" ] && PYTHONPATH="$HERE/.deps" has_crypto "$PY"; then
  export PYTHONPATH="$HERE/.deps${PYTHONPATH:+:$PYTHONPATH}"
  RUN="$PY"
elif [ -x "$VENV/bin/python" ] || make_venv; then
  echo "run.sh: installing $PIN into $VENV" >&2
  "$VENV/bin/python" -m pip install "${PIP_FLAGS[@]}" "$PIN"
  RUN="$VENV/bin/python"
else
  echo "run.sh: no venv available; installing $PIN into $HERE/.deps" >&2
  export PYTHONPATH="$HERE/.deps${PYTHONPATH:+:$PYTHONPATH}"
  has_crypto "$PY" || "$PY" -m pip install "${PIP_FLAGS[@]}" --target "$HERE/.deps" "$PIN"
  RUN="$PY"
fi

if [ "${1:-}" = "--token-ring-record" ]; then
  # Reads a §9.8 token ring record a real token holds and compares it with its "expect".
  [ "$#" -eq 2 ] || { echo "usage: $0 [--token-ring-record FILE]" >&2; exit 2; }
  exec "$RUN" "$HERE/token_ring_record.py" "$2"
fi
[ "$#" -eq 0 ] || { echo "usage: $0 [--token-ring-record FILE]" >&2; exit 2; }
exec "$RUN" "$HERE/test_vectors.py"

#!/usr/bin/env python3
"""Reads a token ring record (docs/PROTOCOL.md §9.8) that a real PKCS#11 token holds and compares
it, field by field, with what the producer says it holds.

Run: bash tests/interop/run.sh --token-ring-record FILE
FILE is JSON: {"record_hex": <the record object's CKA_VALUE, hex>, "expect": {serial, policy,
retired_grace_seconds, signing_public, next_signing_public (hex or null), generations}}.
Prints `token ring record: N fields agree, M differ`; exits non-zero on any difference or error.
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import offline_reset_reference as ref  # noqa: E402
from offline_reset_reference import OfflineResetError  # noqa: E402


def leaves(v, path: str = "") -> dict:
    """Flattens JSON into {path: value}; hex strings compare case-insensitively."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            out.update(leaves(x, f"{path}.{k}" if path else k))
        return out
    if isinstance(v, list):
        out = {f"{path}.length": len(v)}
        for i, x in enumerate(v):
            out.update(leaves(x, f"{path}[{i}]"))
        return out
    return {path: v.lower() if isinstance(v, str) else v}


def same(a, b) -> bool:
    return type(a) is type(b) and a == b  # True is not 1, 1.0 is not 1


def main(argv: list) -> int:
    if len(argv) != 1:
        print("usage: run.sh --token-ring-record FILE", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as fh:
            doc = json.load(fh)
        data = bytes.fromhex(doc["record_hex"])
        expect = doc["expect"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"token ring record: cannot read {argv[0]}: {type(e).__name__}: {e}")
        return 1
    try:
        got = ref.TokenRingRecord.read(data).as_dict()
    except OfflineResetError as e:
        print(f"token ring record: the record does not read: {e.describe()}")
        print("token ring record: 0 fields agree, 1 differ")
        return 1
    g, x = leaves(got), leaves(expect)
    agree = differ = 0
    for k in list(g) + [k for k in x if k not in g]:
        if k in g and k in x and same(g[k], x[k]):
            agree += 1
        else:
            differ += 1
            print(f"  differs: {k}: record {g.get(k, '<absent>')!r}, "
                  f"expected {x.get(k, '<absent>')!r}")
    print(f"token ring record: {len(data)} bytes, serial {got['serial']}, "
          f"{len(got['generations'])} generation(s)")
    print(f"token ring record: {agree} fields agree, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

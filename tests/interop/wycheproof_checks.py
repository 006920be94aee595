"""Project Wycheproof vectors (tests/vectors/wycheproof/) through this implementation's
primitive wrappers, restricted to what the protocol uses: AES-SIV with 64-byte keys, ECDH with
compressed points (§2 point validation), HKDF-SHA256 via extract/expand."""

from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag

import offline_reset_reference as ref
from offline_reset_reference import OfflineResetError


def _load(d: str, name: str) -> dict:
    with open(os.path.join(d, name), encoding="utf-8") as fh:
        return json.load(fh)


def wycheproof_checks(c, vectors_dir: str) -> None:
    d = os.path.join(vectors_dir, "wycheproof")
    h = bytes.fromhex
    v = _load(d, "aes_siv_cmac_test.json")
    for g in v["testGroups"]:
        if g["keySize"] != 512:
            continue
        for t in g["tests"]:
            ad = [h(t["aad"])]  # Wycheproof: one AD component, possibly empty
            w = f"AES-SIV tc {t['tcId']} ({t['comment']})"
            if t["result"] == "valid":
                c.eq(w, ref.AESSIV(h(t["key"])).encrypt(h(t["msg"]), ad).hex(), t["ct"])
            try:
                ok = ref.aes_siv_open(h(t["key"]), ad, h(t["ct"])) == h(t["msg"])
            except (InvalidTag, ValueError):
                ok = False
            c.eq(f"{w}: open", ok, t["result"] == "valid")
    v = _load(d, "ecdh_secp256r1_ecpoint_test.json")
    for t in v["testGroups"][0]["tests"]:
        pub = h(t["public"])
        if len(pub) != 33 and t["result"] == "valid":
            continue  # uncompressed points: the protocol only reads compressed ones
        w = f"ECDH tc {t['tcId']} ({t['comment']})"
        try:
            priv = ref.validate_scalar(h(t["private"]).rjust(32, b"\0")[-32:])
            z = ref.ecdh(priv, ref.validate_compressed_point(pub))
            got = z.hex()
        except OfflineResetError:
            got = None
        if t["result"] == "valid":
            c.eq(w, got, t["shared"])
        elif t["result"] == "invalid":
            c.eq(w, got, None)
        else:
            c.eq(w, got in (None, t["shared"]), True)
    v = _load(d, "hkdf_sha256_test.json")
    for g in v["testGroups"]:
        for t in g["tests"]:
            w = f"HKDF tc {t['tcId']} ({t['comment']})"
            try:
                okm = ref.hkdf_expand(ref.hkdf_extract(h(t["salt"]), h(t["ikm"])), h(t["info"]),
                                      t["size"]).hex()
            except Exception:
                okm = None
            c.eq(w, okm, t["okm"] if t["result"] == "valid" else None)

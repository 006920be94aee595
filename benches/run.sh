#!/usr/bin/env bash
# The performance report: OpenSSL and the library measured in the same run, on the same inputs.
#
#   bash benches/run.sh            # about 4 minutes; prints Markdown tables
#   OPENSSL_SECONDS=1 bash benches/run.sh
#
# 1. benches/openssl_compare.sh: `openssl speed ecdhp256`, and benches/openssl_seal.c (checked
#    against the test vectors) timing decompress+ECDH and the whole seal with libcrypto.
# 2. cargo bench --bench operations: every operation (op/*) and primitive (prim/*).
# 3. A table of medians, each operation's ratio to the sum of its primitives (target <= 1.15),
#    and the seal and open against OpenSSL (targets: seal <= 1.7x OpenSSL's seal; open at least
#    3x faster than OpenSSL's decompress+ECDH alone).
# Speed targets are read off this report; no test asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."

report_dir="${CARGO_TARGET_DIR:-target}/bench-report"
mkdir -p "$report_dir"
echo "== OpenSSL ($(openssl version))" >&2
bash benches/openssl_compare.sh "${OPENSSL_SECONDS:-3}" | tee "$report_dir/openssl.txt" >&2
echo "== cargo bench --bench operations" >&2
cargo bench --bench operations "$@" >&2

python3 - "${CARGO_TARGET_DIR:-target}/criterion" "$report_dir/openssl.txt" <<'PY'
import json, pathlib, sys

crit = pathlib.Path(sys.argv[1])
openssl = dict(line.strip().split("=") for line in open(sys.argv[2]) if "=" in line)
openssl = {k: float(v) for k, v in openssl.items()}

def median_us(group, name):
    path = crit / group / name / "new" / "estimates.json"
    return json.loads(path.read_text())["median"]["point_estimate"] / 1000.0

# Which primitives each operation is made of (counts > 1 repeat a primitive).
COMPOSITION = {
    # Seal and open run one Argon2id at the default password cost (the ops use Policy::default()).
    "seal": ["p256_decompress", "ecdh", "hkdf", "password_binding_default", "siv_seal",
             "reset_encode"],
    "seal_from_text": ["id_decode", "id_encode", "p256_decompress", "ecdh", "hkdf",
                       "password_binding_default", "siv_seal", "reset_encode"],
    "open": ["password_binding_default", "siv_open"],
    "open_from_text": ["reset_decode", "reset_encode", "password_binding_default", "siv_open"],
    # Redeem: the open plus the ledger's bookkeeping (no separate primitive).
    "redeem": ["password_binding_default", "siv_open"],
    "enroll": ["p256_base_mul", "ecdh", "hkdf"],
    "enroll_os_rng": ["os_rng_32", "scalar_from_bytes", "p256_base_mul", "ecdh", "hkdf"],
    "key_ring_generate": ["os_rng_32", "scalar_from_bytes", "p256_base_mul"],
    "id_parse": ["id_decode", "id_encode"],
    "reset_parse": ["reset_decode", "reset_encode"],
    "package_parse": None,
    "key_ring_export_plain": ["crc32_key_ring"],
    "key_ring_export_wrapped": ["crc32_key_ring", "siv_key_check", "siv_wrap_key_ring"],
    "key_ring_import_plain": ["crc32_key_ring"] + 2 * ["scalar_from_bytes", "p256_base_mul"],
    "key_ring_import_wrapped": ["crc32_key_ring", "siv_key_check", "siv_unwrap_key_ring"]
                               + 2 * ["scalar_from_bytes", "p256_base_mul"],
    "machine_export_plain": ["crc32_machine"],
    "machine_export_wrapped": ["crc32_machine", "siv_key_check", "siv_wrap_machine"],
    "machine_import_plain": ["crc32_machine", "p256_decompress_sec1", "p256_decompress"],
    "machine_import_wrapped": ["crc32_machine", "siv_key_check", "siv_unwrap_machine",
                               "p256_decompress_sec1", "p256_decompress"],
}

prims = sorted(p.name for p in (crit / "prim").iterdir() if (p / "new").is_dir())
print("### Primitives (median, µs)\n")
print("| primitive | median µs |\n|---|---:|")
for p in prims:
    print(f"| {p} | {median_us('prim', p):.3f} |")

print("\n### Operations vs their primitives (median, µs)\n")
print("| operation | median µs | sum of primitives µs | ratio | primitives |")
print("|---|---:|---:|---:|---|")
for op, parts in COMPOSITION.items():
    t = median_us("op", op)
    if not parts:
        print(f"| {op} | {t:.3f} | – | – | (base32 text decoding, no separate primitive) |")
        continue
    s = sum(median_us("prim", p) for p in parts)
    flag = "" if t / s <= 1.15 else " ⚠"
    print(f"| {op} | {t:.3f} | {s:.3f} | {t / s:.2f}{flag} | {' + '.join(parts)} |")

seal = median_us("op", "seal")
seal_text = median_us("op", "seal_from_text")
open_ = median_us("op", "open")
open_text = median_us("op", "open_from_text")
o_ecdh = openssl["decompress_ecdh_us"]
o_seal = openssl["seal_us"]
print("\n### Against OpenSSL, same run\n")
print("| measurement | µs |\n|---|---:|")
print(f"| OpenSSL `speed ecdhp256` (ECDH derive, peer already parsed) | {openssl['openssl_speed_ecdh_us']:.3f} |")
print(f"| OpenSSL decompress + ECDH (EC_POINT_oct2point + ECDH_compute_key) | {o_ecdh:.3f} |")
print(f"| OpenSSL decompress + ECDH via EVP (fromdata + derive) | {openssl['evp_decompress_ecdh_us']:.3f} |")
print(f"| OpenSSL whole seal (decompress, ECDH, HKDF, AES-SIV) | {o_seal:.3f} |")
print()
print("| ratio | value | target |\n|---|---:|---|")
print(f"| seal / OpenSSL seal | {seal / o_seal:.2f} | ≤ 1.7 |")
print(f"| seal_from_text / OpenSSL seal | {seal_text / o_seal:.2f} | – |")
print(f"| OpenSSL decompress+ECDH / open (speed-up) | {o_ecdh / open_:.0f}× | ≥ 3× |")
print(f"| OpenSSL seal / open_from_text (speed-up) | {o_seal / open_text:.0f}× | – |")
PY

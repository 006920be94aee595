#!/usr/bin/env bash
# Builds benches/openssl_seal.c against the system's libcrypto and runs it on the inputs of the
# first reset-code test vector. The program's derived machine key and sealed bytes must equal
# the vectors' (so OpenSSL is timed doing exactly the library's work).
#
#   bash benches/openssl_compare.sh --check     # build and check only (CI smoke)
#   bash benches/openssl_compare.sh [SECONDS]   # also time it; prints key=value lines (µs)
#
# Needs gcc and the OpenSSL 3 headers (Debian: libssl-dev); installs libssl-dev when root and
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f /usr/include/openssl/evp.h ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq libssl-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libssl-dev; }
fi

out_dir="${CARGO_TARGET_DIR:-target}/openssl-compare"
mkdir -p "$out_dir"
gcc -O2 -Wall -Wextra -Werror -o "$out_dir/openssl_seal" benches/openssl_seal.c -lcrypto

mode=${1:-3}
seconds=$mode
[ "$mode" = "--check" ] && seconds=0

# Inputs and expected outputs from the test vectors.
read -r server_secret server_public machine_x plaintext domain username sid password \
    expected_key expected_sealed < <(python3 - <<'PY'
import json
ks = json.load(open("tests/vectors/key_schedule.json"))["cases"][0]
rc = json.load(open("tests/vectors/reset_code.json"))
case = rc["cases"][0]
assert ks["machine_secret"] == rc["machine_a_secret"] and ks["server_secret"] == rc["server_secret"]
alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
symbols = case["reset_code"].replace("-", "")
data = [s for i, s in enumerate(symbols) if (i % 8) != 7 and i != len(symbols) - 1]
bits = "".join(format(alphabet.index(s), "05b") for s in data)
payload = bytes(int(bits[i:i + 8], 2) for i in range(0, 23 * 8, 8))
for v in (case["normalized_domain"], case["normalized_username"]):
    assert " " not in v
if "sid" not in case:
    raise SystemExit("tests/vectors/reset_code.json: the first case has no \"sid\" (vectors older than issue 17)")
print(ks["server_secret"], ks["server_public"], ks["machine_public_x"], case["plaintext"],
      case["normalized_domain"], case["normalized_username"], case["sid"], case["password_binding"],
      ks["machine_key"], payload[2:].hex())
PY
)

result=$("$out_dir/openssl_seal" "$server_secret" "$server_public" "$machine_x" "$plaintext" \
    "$domain" "$username" "$sid" "$password" "$seconds")
got_key=$(sed -n 's/^machine_key=//p' <<<"$result")
got_sealed=$(sed -n 's/^sealed=//p' <<<"$result")
if [ "$got_key" != "$expected_key" ] || [ "$got_sealed" != "$expected_sealed" ]; then
    echo "openssl_seal disagrees with the test vectors:" >&2
    echo "  machine key $got_key, expected $expected_key" >&2
    echo "  sealed      $got_sealed, expected $expected_sealed" >&2
    exit 1
fi
if [ "$mode" = "--check" ]; then
    echo "openssl comparison program: matches the test vectors"
    exit 0
fi
grep '_us=' <<<"$result"
# openssl speed: ECDH derive with an already-parsed peer key (no decompression).
ops=$(openssl speed -seconds "$seconds" ecdhp256 2>/dev/null | awk '/ecdh \(nistp256\)/ {print $NF}')
python3 -c "print('openssl_speed_ecdh_us=%.3f' % (1e6 / float('$ops')))"

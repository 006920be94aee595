#!/usr/bin/env bash
# CI bench smoke: compiles the benchmarks and runs each once (criterion's test mode), so they
# cannot rot, and builds and checks the OpenSSL comparison program against the test vectors.
# No timing is judged here: speed targets are read off the report of benches/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo bench --bench operations -- --test
bash benches/openssl_compare.sh --check
echo "bench smoke: ok"

#!/usr/bin/env bash
# Source coverage of the fuzz corpora, merged over every target, for src/ only.
#
# Replays the corpus each target ended the smoke run with (fuzz/smoke.sh leaves it in
# fuzz/target/smoke-corpus/<target>; a target without one is measured on its committed seeds)
# through a coverage-instrumented build (`cargo fuzz coverage`), merges the profiles of all
# targets, and prints: the src/ files below 80% line coverage, the C exports no target reached,
# and as its last line
#
#   coverage: lines L%, regions R%, exports E/T
#
# where E counts the olr_* functions of include/offline_reset.h called by at least one target
# and T all of them. Old raw profiles are removed first (leftovers in fuzz/coverage/<target>/raw
# would inflate the figures); the profiles end in fuzz/target/coverage/<target>/ and the merged
# one in fuzz/target/coverage/merged.profdata (ignored by git). Needs the nightly toolchain; installs llvm-tools-preview and
# cargo-fuzz when missing. Exit status: non-zero only if a step fails (the figures are
# reported, not enforced).
#
#   bash fuzz/coverage.sh                  # every target
#   bash fuzz/coverage.sh ffi_stateful     # some targets
#   COVERAGE_CORPUS=/some/dir bash fuzz/coverage.sh   # corpora in /some/dir/<target>
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# The vetted cryptographic crates are built without libFuzzer's instrumentation
# (fuzz/rustc-wrapper.sh), and ASan runs without its stack-use-after-return fake stack (a quarter
# of the stateful targets' time; every other ASan check stays on): docs/FUZZING.md, "Rates".
export RUSTC_WRAPPER="$PWD/fuzz/rustc-wrapper.sh"
export ASAN_OPTIONS="detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

CORPUS_ROOT=${COVERAGE_CORPUS:-${SMOKE_CORPUS:-fuzz/target/smoke-corpus}}
THRESHOLD=${COVERAGE_FILE_THRESHOLD:-80}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
sysroot=$(rustc +nightly --print sysroot)
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
tools="$sysroot/lib/rustlib/$host/bin"
if [ ! -x "$tools/llvm-cov" ] || [ ! -x "$tools/llvm-profdata" ]; then
    rustup component add --toolchain nightly llvm-tools-preview
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

start=$SECONDS
out=fuzz/target/coverage
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objects=()
profiles=()
for target in "${targets[@]}"; do
    corpus="$CORPUS_ROOT/$target"
    if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
        corpus="$tmp/seeds-$target"
        mkdir -p "$corpus"
        find "fuzz/corpus/$target" -maxdepth 1 -type f -name 'seed-*' -exec cp -t "$corpus" {} + 2>/dev/null || true
        echo "coverage: $target has no smoke corpus; measuring its seeds"
    fi
    rm -rf "fuzz/coverage/$target"
    if ! cargo +nightly fuzz coverage "$target" "$corpus" >"$tmp/$target.log" 2>&1; then
        echo "== coverage of $target failed; its log:" >&2
        tail -40 "$tmp/$target.log" >&2
        exit 1
    fi
    # cargo-fuzz puts the instrumented binaries under the project's target directory
    # (target/<host>/coverage/...); older versions used fuzz/target.
    object=""
    for dir in "target/$host/coverage/$host/release" "fuzz/target/$host/coverage/$host/release"; do
        if [ -x "$dir/$target" ]; then object="$dir/$target"; break; fi
    done
    if [ -z "$object" ]; then
        echo "coverage: no instrumented binary for $target" >&2
        exit 1
    fi
    objects+=("$object")
    # Kept under fuzz/target (ignored by git) rather than in cargo-fuzz's fuzz/coverage.
    rm -rf "$out/$target"
    mv "fuzz/coverage/$target" "$out/$target"
    profiles+=("$out/$target/coverage.profdata")
    echo "  measured $target ($(find "$corpus" -type f | wc -l) inputs)"
done

rmdir fuzz/coverage 2>/dev/null || true
merged=$out/merged.profdata
"$tools/llvm-profdata" merge -sparse "${profiles[@]}" -o "$merged"

object_args=("${objects[0]}")
for o in "${objects[@]:1}"; do
    object_args+=(-object "$o")
done
# src/ only: everything else (the standard library, dependencies, the fuzz crate) is ignored.
"$tools/llvm-cov" report --instr-profile="$merged" "${object_args[@]}" \
    --ignore-filename-regex='(/rustc/|/\.cargo/|/\.rustup/|/fuzz/|/library/)' >"$tmp/report"

# Columns: Filename Regions Missed Cover Functions Missed Executed Lines Missed Cover [...]
echo "src files below ${THRESHOLD}% line coverage:"
below=$(awk -v root="$root/" -v t="$THRESHOLD" '
    $1 ~ /\.rs$/ { f = $1; sub(root, "", f); l = $10; sub(/%/, "", l);
                   if (l + 0 < t) printf "  %-28s lines %6s%%  regions %s\n", f, l, $4 }' "$tmp/report")
if [ -n "$below" ]; then echo "$below"; else echo "  (none)"; fi
lines=$(awk '$1 == "TOTAL" { print $10 }' "$tmp/report")
regions=$(awk '$1 == "TOTAL" { print $4 }' "$tmp/report")

# The exports: every function declared in the header, and those with a non-zero count.
python3 - include/offline_reset.h >"$tmp/exports" <<'EOF'
import re, sys
text = re.sub(r"/\*.*?\*/", "", open(sys.argv[1], encoding="utf-8").read(), flags=re.S)
names = re.findall(r"^(?:OLR_MUST_USE\s+)?[a-z][\w\s\*]*?\b(olr_\w+)\(", text, flags=re.M)
print("\n".join(sorted(set(names))))
EOF
"$tools/llvm-profdata" show --all-functions "$merged" |
    awk '/^  [^ ].*:$/ { name = $1; sub(/:$/, "", name); sub(/.*:/, "", name) }
         /Function count:/ { if ($3 > 0) print name }' | sort -u >"$tmp/reached"
total=$(wc -l <"$tmp/exports")
reached=$(comm -12 "$tmp/exports" "$tmp/reached" | wc -l)
missing=$(comm -23 "$tmp/exports" "$tmp/reached")
if [ -n "$missing" ]; then
    echo "exports no target reached:"
    printf '  %s\n' $missing
fi
echo "coverage: ${#targets[@]} targets measured in $((SECONDS - start)) s (report: llvm-cov show --instr-profile=$merged ...)"
echo "coverage: lines ${lines}, regions ${regions}, exports ${reached}/${total}"

#!/usr/bin/env bash
# Drives examples/windows/storage.c under Wine (through the wrapper scripts tests/windows/run.sh
# writes) with the C help-desk server: enrollment with the wrapping key under DPAPI (machine
# scope) and the state and ledger exported wrapped; a repeated deployment keeps the code; a
# failed attempt persisted; a crash between write and MoveFileExW (old files still read, temporary
# files removed unread); a reset through the UTF-16 entry point with a non-ASCII name; a replay;
# a rolled-back ledger refused; a same-epoch redeployment; the DNS domain Wine reports; OS
# randomness (wrapping keys, key ring generate and rotate, enrollment).
#
#   tests/windows/storage.sh BIN_DIR   (BIN_DIR holds olr-windows-storage and olr-server)
# Last line: "storage: N passed, M failed".
set -uo pipefail

bin=${1:?usage: storage.sh BIN_DIR}
work=${OLR_STORAGE_WORK:-$(mktemp -d)}
storage=("$bin/olr-windows-storage")
server=("$bin/olr-server")
passed=0 failed=0
t0=1795000000
jurgen_sid=S-1-5-21-1004336348-1177238915-682003330-1105
alice_sid=S-1-5-21-1004336348-1177238915-682003330-1104
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
# run WANT_RC WHAT COMMAND...: output in $out (shown), exit status checked.
run() {
    local want=$1 what=$2 rc=0
    shift 2
    out=$("$@" 2>&1) || rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    if [[ $rc == "$want" ]]; then ok "$what"; else bad "$what (exit $rc, expected $want)"; fi
}
has() { if grep -qE -- "$1" <<<"$out"; then ok "$2"; else bad "$2: no /$1/"; fi; }

m=$work/machine
mkdir -p "$work/server" "$m"
run 0 "server: new key ring" "${server[@]}" init "$work/server"

echo "== enrollment: wrapping key under DPAPI (machine scope), state and ledger wrapped"
run 0 "enroll" "${storage[@]}" enroll "$m" "$work/server/package.txt"
id=$(tail -n 1 <<<"$out")
[[ ${#id} == 71 ]] && ok "identification code (71 characters)" || bad "identification code '$id'"
for f in key.dpapi machine.olr ledger.olr generation; do
    [[ -s $m/$f ]] && ok "$f written" || bad "$f missing"
done
[[ $(tr -d '\r\n' <"$m/generation") == 0 ]] && ok "generation 0 in its own file" || bad "generation $(cat "$m/generation")"
# Byte 5 of a stored object: 1 when wrapped (docs/PROTOCOL.md).
[[ $(od -An -tx1 -j5 -N1 "$m/machine.olr" | tr -d ' ') == 01 ]] && ok "machine state exported wrapped" || bad "machine state not wrapped"
[[ $(od -An -tx1 -j5 -N1 "$m/ledger.olr" | tr -d ' ') == 01 ]] && ok "ledger exported wrapped" || bad "ledger not wrapped"
if cmp -s <(head -c 6 "$m/key.dpapi") <(head -c 6 "$m/machine.olr"); then bad "key.dpapi holds state bytes"; else ok "key.dpapi is a DPAPI blob ($(stat -c %s "$m/key.dpapi") bytes)"; fi

echo "== the same package deployed again: enrolled once, the code kept"
run 0 "repeated deployment" "${storage[@]}" enroll "$m" "$work/server/package.txt"
has 'already enrolled with this package' "is_enrolled_with recognizes the package"
[[ $(tail -n 1 <<<"$out") == "$id" ]] && ok "same identification code" || bad "identification code changed"

echo "== a reset code for jurgen; a wrong password first (the attempt is persisted)"
# ASCII here: examples/c/server.c reads its arguments through main(), which Windows gives in the
# ANSI code page, not UTF-8 (see docs/WINDOWS.md); the machine side below types the name in UTF-16.
code=$("${server[@]}" seal "$work/server" "$id" 'jurgen' CORP $jurgen_sid 'Sommer-Regen-7' $t0 2>&1 | tail -n 1)
[[ ${#code} == 49 ]] && ok "help desk sealed a code for jurgen" || bad "seal: $code"
run 1 "wrong password refused" "${storage[@]}" reset "$m" "$code" 'JURGEN' CORP $jurgen_sid 'Sommer-Regen-8' $((t0 + 60))
has 'does not match' "refused as not matching"
[[ $(tr -d '\r\n' <"$m/generation") == 1 ]] && ok "failed attempt persisted (generation 1)" || bad "generation $(cat "$m/generation")"
cp "$m/ledger.olr" "$work/ledger-1.olr"

echo "== a crash between writing the temporary files and MoveFileExW"
run 0 "crash simulated" "${storage[@]}" crash "$m"
ls "$m"/*.tmp >/dev/null 2>&1 && ok "temporary files left behind: $(cd "$m" && echo *.tmp)" || bad "no temporary files"
run 0 "old files still read after the crash" "${storage[@]}" check "$m"
has 'temporary files removed unread: 3' "temporary files removed"
has 'state reads: ledger generation 1' "old ledger and generation read"
ls "$m"/*.tmp >/dev/null 2>&1 && bad "temporary files still there" || ok "no temporary file left"

echo "== the right password, typed with the UTF-16 entry point (JURGEN, wchar_t)"
run 0 "reset accepted" "${storage[@]}" reset "$m" "$code" 'JURGEN' CORP $jurgen_sid 'Sommer-Regen-7' $((t0 + 120))
has 'accepted for JURGEN' "accepted for the UTF-16 name"
[[ $(tr -d '\r\n' <"$m/generation") == 2 ]] && ok "ledger persisted after the redeem (generation 2)" || bad "generation $(cat "$m/generation")"
run 1 "replay refused" "${storage[@]}" reset "$m" "$code" 'jurgen' corp $jurgen_sid 'Sommer-Regen-7' $((t0 + 180))
has 'already been used|OLR_ALREADY_USED' "replay refused as already used"
cp "$m/ledger.olr" "$work/ledger-current.olr"
cp "$work/ledger-1.olr" "$m/ledger.olr"
run 1 "rolled-back ledger refused" "${storage[@]}" reset "$m" "$code" 'jurgen' corp $jurgen_sid 'Sommer-Regen-7' $((t0 + 180))
has 'OLR_LEDGER_ROLLED_BACK' "refused as rolled back"
cp "$work/ledger-current.olr" "$m/ledger.olr"

echo "== default offline domain from GetComputerNameExW(ComputerNameDnsDomain)"
run 0 "GetComputerNameExW answered" "${storage[@]}" domain
sed -n 's/^/GetComputerNameExW (Wine): /p' <<<"$out" | head -n 2
if grep -q 'default offline domain: [^n]' <<<"$out"; then
    dom=$(sed -n 's/^default offline domain: //p' <<<"$out")
    code=$("${server[@]}" seal "$work/server" "$id" alice "$dom" $alice_sid 'Birch-Hill-5' $t0 2>&1 | tail -n 1)
    run 0 "reset with the default domain (-)" "${storage[@]}" reset "$m" "$code" alice - $alice_sid 'Birch-Hill-5' $((t0 + 240))
else
    ok "no DNS domain here: the user types the domain (checked: reset with '-' refuses)"
    run 1 "reset with domain '-' refused without a DNS domain" "${storage[@]}" reset "$m" "$code" alice - $alice_sid 'x' $((t0 + 240))
fi

echo "== the admin changes the limits: same epoch, redeployed, code kept"
"${server[@]}" limits "$work/server" 5 20 >/dev/null 2>&1 && ok "server: new package at epoch 1" || bad "server limits"
run 0 "redeploy" "${storage[@]}" enroll "$m" "$work/server/package.txt"
has 'redeployed at epoch 1: identification code kept|already enrolled with this package' "same-epoch redeployment keeps the enrollment"
[[ $(tail -n 1 <<<"$out") == "$id" ]] && ok "same identification code" || bad "identification code changed"

echo "== OS randomness through the DLL (getrandom -> ProcessPrng)"
run 0 "randomness" "${storage[@]}" randomness
has 'randomness: key ring rotated to epoch 2 ok' "key ring generated and rotated"
has 'different identification codes ok' "enrollment"

echo "storage: $passed passed, $failed failed"
((failed == 0))

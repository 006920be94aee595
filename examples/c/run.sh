#!/usr/bin/env bash
# A whole offline reset with the two C example programs, state passed through files:
# key ring and deployment package (fingerprint compared), enrollment, a mistyped identification
# code, a mistyped reset code, a wrong password, the same name with another SID, a reset with an
# explicit and one with a derived offline domain, the replay ledger (a replay, too many attempts,
# a clock set back, a rolled-back ledger file), a same-epoch redeployment that keeps the code, a
# key rotation (old code refused with its epochs), redeployment to the new epoch (an old package
# refused) and a reset at the new epoch.
#
#   examples/c/run.sh BIN_DIR      (BIN_DIR holds olr-server and olr-machine)
# OLR_RUNNER, if set, prefixes every program run (for example a valgrind command line).
set -euo pipefail

bin=${1:?usage: run.sh BIN_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read -r -a runner <<<"${OLR_RUNNER:-}"
server=("${runner[@]}" "$bin/olr-server")
machine=("${runner[@]}" "$bin/olr-machine")
mkdir -p "$work/server" "$work/machine"

fail() { echo "examples/c/run.sh: FAILED: $*" >&2; exit 1; }

# expect EXIT_CODE PATTERN COMMAND...: runs COMMAND, checks its exit code and that its output
# (stdout and stderr) matches PATTERN; the output is left in $out.
expect() {
    local want=$1 pattern=$2 rc=0
    shift 2
    out=$("$@" 2>&1) || rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    [[ $rc == "$want" ]] || fail "exit code $rc, expected $want: $*"
    grep -qE -- "$pattern" <<<"$out" || fail "output does not match /$pattern/: $*"
}

t0=1795000000 # 2026-11-18, unix seconds
alice_sid=S-1-5-21-1004336348-1177238915-682003330-1104
other_alice_sid=S-1-5-21-1004336348-1177238915-682003330-2291 # a new "alice" reusing the name
jurgen_sid=S-1-5-21-1004336348-1177238915-682003330-1105
carol_sid=S-1-5-21-1004336348-1177238915-682003330-1106

echo "== server: new key ring; at most 2 failed attempts per code"
expect 0 'epoch 1' "${server[@]}" init "$work/server"
expect 0 'epoch 1; package fingerprint [0-9a-f]{64}' "${server[@]}" limits "$work/server" 2 20
server_fingerprint=$(grep -oE 'fingerprint [0-9a-f]{64}' <<<"$out")

echo "== admin compares the package fingerprint before deploying; machine enrolled"
expect 0 "^package $server_fingerprint\$" "${machine[@]}" fingerprint "$work/server/package.txt"
printf '\n\n' >>"$work/server/package.txt" # a trailing newline: the same package
expect 0 "^package $server_fingerprint\$" "${machine[@]}" fingerprint "$work/server/package.txt"
expect 0 'epoch 1' "${machine[@]}" enroll "$work/machine" "$work/server/package.txt"
id=$(tail -n 1 <<<"$out")
[[ ${#id} == 71 ]] || fail "identification code has ${#id} characters"
[[ -f $work/machine/ledger.olr && $(cat "$work/machine/generation") == 0 ]] || fail "no new ledger at enrollment"
expect 0 'already enrolled' "${machine[@]}" enroll "$work/machine" "$work/server/package.txt"
[[ $(tail -n 1 <<<"$out") == "$id" ]] || fail "repeated deployment changed the identification code"

echo "== help-desk types the identification code with two symbols of group 3 swapped"
# Group 3 is text positions 18..25; swap the first two neighbours that differ.
for ((i = 18; i < 25; i++)); do
    [[ ${id:i:1} != "${id:i+1:1}" ]] && break
done
typo=${id:0:i}${id:i+1:1}${id:i:1}${id:i+2}
[[ $typo != "$id" ]] || fail "group 3 has eight equal symbols: no swap changes it"
expect 2 'group 3 looks mistyped' "${server[@]}" seal "$work/server" "$typo" alice CORP $alice_sid 'Winter-Tulip-42' $t0
expect 1 'not a SID' "${server[@]}" seal "$work/server" "$id" alice CORP S-1-5 'Winter-Tulip-42' $t0

echo "== help-desk types it again (lower case, spaces): reset code for alice's SID"
loose=$(tr 'A-Z-' 'a-z ' <<<"$id")
expect 0 '^[0-9A-Z-]{49}$' "${server[@]}" seal "$work/server" "$loose" alice CORP $alice_sid 'Winter-Tulip-42' $t0
code=$(tail -n 1 <<<"$out")

echo "== user mistypes the reset code (group 2)"
bad=${code:0:9}$([[ ${code:9:1} == 0 ]] && echo 1 || echo 0)${code:10}
expect 2 'group 2 looks mistyped' "${machine[@]}" reset "$work/machine" "$bad" Alice corp $alice_sid 'Winter-Tulip-42' $((t0 + 600))
[[ $(cat "$work/machine/generation") == 0 ]] || fail "a mistyped code changed the ledger generation"

echo "== user types another new password than the help-desk: refused, and the attempt counted"
expect 1 'does not match' "${machine[@]}" reset "$work/machine" "$code" alice corp $alice_sid 'Winter-Tulip-43' $((t0 + 600))
[[ $(cat "$work/machine/generation") == 1 ]] || fail "the failed attempt was not persisted"
cp "$work/machine/ledger.olr" "$work/ledger-before-accept.olr"

echo "== user types the code, username and new password: accepted offline"
expect 0 'accepted for corp.Alice' "${machine[@]}" reset "$work/machine" "$code" Alice corp $alice_sid 'Winter-Tulip-42' $((t0 + 600))
[[ $(cat "$work/machine/generation") == 2 ]] || fail "the accepted reset was not persisted"
echo "== the same code typed again: refused by the replay ledger"
expect 1 'already used' "${machine[@]}" reset "$work/machine" "$code" Alice corp $alice_sid 'Winter-Tulip-42' $((t0 + 660))

echo "== someone restores the ledger file from before the reset: refused (monotonic store)"
cp "$work/machine/ledger.olr" "$work/ledger-current.olr"
cp "$work/ledger-before-accept.olr" "$work/machine/ledger.olr"
expect 1 'OLR_LEDGER_ROLLED_BACK' "${machine[@]}" reset "$work/machine" "$code" Alice corp $alice_sid 'Winter-Tulip-42' $((t0 + 720))
cp "$work/ledger-current.olr" "$work/machine/ledger.olr"

echo "== the machine's clock set back by an hour: refused"
expect 1 'OLR_CLOCK_SET_BACK' "${machine[@]}" reset "$work/machine" "$code" Alice corp $alice_sid 'Winter-Tulip-42' $((t0 - 3600))

echo "== a code for carol: two wrong passwords, then the code is blocked"
expect 0 '^[0-9A-Z-]{49}$' "${server[@]}" seal "$work/server" "$id" carol CORP $carol_sid 'Birch-Hill-5' $t0
carol_code=$(tail -n 1 <<<"$out")
expect 1 'does not match' "${machine[@]}" reset "$work/machine" "$carol_code" carol corp $carol_sid 'guess-1' $((t0 + 700))
expect 1 'does not match' "${machine[@]}" reset "$work/machine" "$carol_code" carol corp $other_alice_sid 'Birch-Hill-5' $((t0 + 700))
expect 1 'OLR_TOO_MANY_ATTEMPTS' "${machine[@]}" reset "$work/machine" "$carol_code" carol corp $carol_sid 'Birch-Hill-5' $((t0 + 760))

echo "== login tile: QR code for the self-service portal; the portal reads the scanned URI"
expect 0 'olr-id=' "${machine[@]}" qr "$work/machine" 'https://reset.example.com/portal?lang=de'
uri=$(head -n 1 <<<"$out")
[[ $uri == "https://reset.example.com/portal?lang=de&olr-id=$id" ]] || fail "URI $uri"
grep -q '^        ########' <<<"$out" || fail "no QR symbol printed"
expect 0 "^$id\$" "${server[@]}" portal "$uri"
expect 1 'malformed|format' "${machine[@]}" qr "$work/machine" 'http://reset.example.com/'

echo "== help desk spells the reset code; the user types it with feedback per group"
expect 0 '^(zero|one|two|three|four|five|six|seven|eight|nine|Alfa|Bravo|Charlie|Delta|Echo|Foxtrot|Golf|Hotel|Juliett|Kilo|Mike|November|Papa|Quebec|Romeo|Sierra|Tango|Victor|Whiskey|X-ray|Yankee|Zulu| / | )+$' "${server[@]}" spell "$code"
[[ $(grep -o ' / ' <<<"$out" | wc -l) == 5 ]] || fail "six groups expected"
expect 0 '^ok \.\. -- -- -- -- \| 11 of 44' "${machine[@]}" typing "${code:0:12}"
expect 0 '^ok XX ok ok ok ok \| 44 of 44 symbols, a group is wrong$' "${machine[@]}" typing "$bad"
expect 0 'ready$' "${machine[@]}" typing "$code"

echo "== self-service: offline domain left blank, derived from the FQDN"
expect 0 'CORP from corp.example.com' "${server[@]}" seal "$work/server" "$id" 'jürgen' '' $jurgen_sid 'Sommer-Regen-7' $t0 corp.example.com
code=$(tail -n 1 <<<"$out")
expect 0 'accepted' "${machine[@]}" reset "$work/machine" "$code" 'JÜRGEN' corp $jurgen_sid 'Sommer-Regen-7' $((t0 + 780))

echo "== too late: the code expired"
expect 1 'expired' "${machine[@]}" reset "$work/machine" "$code" 'JÜRGEN' corp $jurgen_sid 'Sommer-Regen-7' $((t0 + 2 * 86400))

echo "== admin raises the attempt limits: same epoch, the machine keeps its code and ledger"
expect 0 'epoch 1; package fingerprint' "${server[@]}" limits "$work/server" 5 20
cp "$work/server/package.txt" "$work/package-epoch-1.txt"
expect 0 'redeployed at epoch 1: identification code kept' "${machine[@]}" enroll "$work/machine" "$work/server/package.txt"
[[ $(tail -n 1 <<<"$out") == "$id" ]] || fail "a same-epoch redeployment changed the identification code"
[[ $(cat "$work/machine/generation") != 0 ]] || fail "a same-epoch redeployment started a new ledger"

old_code=$code
echo "== admin rotates the keys"
t1=$((t0 + 3600))
expect 0 'epoch 2' "${server[@]}" rotate "$work/server" $t1
expect 3 'epoch 1, current epoch is 2' "${server[@]}" seal "$work/server" "$id" alice CORP $alice_sid 'Spring-Lake-9' $t1

echo "== a code for the new epoch reaches a machine not yet redeployed"
mkdir -p "$work/other"
expect 0 'epoch 2' "${machine[@]}" enroll "$work/other" "$work/server/package.txt"
other_id=$(tail -n 1 <<<"$out")
expect 0 '^[0-9A-Z-]{49}$' "${server[@]}" seal "$work/server" "$other_id" alice CORP $alice_sid 'Spring-Lake-9' $t1
expect 3 'epoch 2, this machine is at epoch 1: redeploy' "${machine[@]}" reset "$work/machine" "$(tail -n 1 <<<"$out")" alice corp $alice_sid 'Spring-Lake-9' $t1

echo "== login integration redeployed (olr_machine_redeploy): new code, new ledger, reset at epoch 2"
expect 0 'redeployed from epoch 1 to 2' "${machine[@]}" enroll "$work/machine" "$work/server/package.txt"
new_id=$(tail -n 1 <<<"$out")
[[ $new_id != "$id" ]] || fail "redeployment to a new epoch kept the identification code"
[[ $(cat "$work/machine/generation") == 0 ]] || fail "no new ledger after redeployment to a new epoch"
expect 4 'epoch 1, this machine is at epoch 2: request a new code' "${machine[@]}" reset "$work/machine" "$old_code" 'JÜRGEN' corp $jurgen_sid 'Sommer-Regen-7' $t1
expect 0 '^[0-9A-Z-]{49}$' "${server[@]}" seal "$work/server" "$new_id" alice CORP $alice_sid 'Spring-Lake-9' $t1
code=$(tail -n 1 <<<"$out")
expect 0 'accepted' "${machine[@]}" reset "$work/machine" "$code" alice corp $alice_sid 'Spring-Lake-9' $((t1 + 60))

echo "== the old epoch-1 package deployed again: refused, the machine stays at epoch 2"
expect 1 'OLR_PACKAGE_EPOCH_TOO_OLD' "${machine[@]}" enroll "$work/machine" "$work/package-epoch-1.txt"
expect 0 'epoch 2' "${machine[@]}" id "$work/machine"
[[ $(tail -n 1 <<<"$out") == "$new_id" ]] || fail "the refused package changed the machine"

echo "examples/c/run.sh: whole offline reset OK"

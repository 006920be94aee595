#!/usr/bin/env bash
# A whole offline reset with the two C example programs, state passed through files:
# key ring and deployment package, enrollment, a mistyped identification code, a mistyped reset
# code, a wrong password, a reset with an explicit and one with a derived offline domain, a key
# rotation (old code refused with its epochs), re-enrollment and a reset at the new epoch.
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

echo "== server: new key ring"
expect 0 'epoch 1' "${server[@]}" init "$work/server"

echo "== machine: deployed and enrolled"
expect 0 'epoch 1' "${machine[@]}" enroll "$work/machine" "$work/server/package.txt"
id=$(tail -n 1 <<<"$out")
[[ ${#id} == 71 ]] || fail "identification code has ${#id} characters"
expect 0 'already enrolled' "${machine[@]}" enroll "$work/machine" "$work/server/package.txt"
[[ $(tail -n 1 <<<"$out") == "$id" ]] || fail "repeated deployment changed the identification code"

echo "== help-desk types the identification code with two symbols of group 3 swapped"
# Group 3 is text positions 18..25; swap the first two neighbours that differ.
for ((i = 18; i < 25; i++)); do
    [[ ${id:i:1} != "${id:i+1:1}" ]] && break
done
typo=${id:0:i}${id:i+1:1}${id:i:1}${id:i+2}
[[ $typo != "$id" ]] || fail "group 3 has eight equal symbols: no swap changes it"
expect 2 'group 3 looks mistyped' "${server[@]}" seal "$work/server" "$typo" alice CORP 'Winter-Tulip-42' $t0

echo "== help-desk types it again (lower case, spaces): reset code"
loose=$(tr 'A-Z-' 'a-z ' <<<"$id")
expect 0 '^[0-9A-Z-]{49}$' "${server[@]}" seal "$work/server" "$loose" alice CORP 'Winter-Tulip-42' $t0
code=$(tail -n 1 <<<"$out")

echo "== user mistypes the reset code (group 2)"
bad=${code:0:9}$([[ ${code:9:1} == 0 ]] && echo 1 || echo 0)${code:10}
expect 2 'group 2 looks mistyped' "${machine[@]}" reset "$work/machine" "$bad" Alice corp 'Winter-Tulip-42' $((t0 + 600))

echo "== user types another new password than the help-desk"
expect 1 'does not match' "${machine[@]}" reset "$work/machine" "$code" alice corp 'Winter-Tulip-43' $((t0 + 600))

echo "== user types the code, username and new password: accepted offline"
expect 0 'accepted for corp.Alice' "${machine[@]}" reset "$work/machine" "$code" Alice corp 'Winter-Tulip-42' $((t0 + 600))
echo "== the same code typed again: refused by the replay ledger"
expect 1 'already used' "${machine[@]}" reset "$work/machine" "$code" Alice corp 'Winter-Tulip-42' $((t0 + 660))

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
expect 0 'CORP from corp.example.com' "${server[@]}" seal "$work/server" "$id" 'jürgen' '' 'Sommer-Regen-7' $t0 corp.example.com
code=$(tail -n 1 <<<"$out")
expect 0 'accepted' "${machine[@]}" reset "$work/machine" "$code" 'JÜRGEN' corp 'Sommer-Regen-7' $((t0 + 60))

echo "== too late: the code expired"
expect 1 'expired' "${machine[@]}" reset "$work/machine" "$code" 'JÜRGEN' corp 'Sommer-Regen-7' $((t0 + 2 * 86400))

old_code=$code
echo "== admin rotates the keys"
t1=$((t0 + 3600))
expect 0 'epoch 2' "${server[@]}" rotate "$work/server" $t1
expect 3 'epoch 1, current epoch is 2' "${server[@]}" seal "$work/server" "$id" alice CORP 'Spring-Lake-9' $t1

echo "== a code for the new epoch reaches a machine not yet redeployed"
mkdir -p "$work/other"
expect 0 'epoch 2' "${machine[@]}" enroll "$work/other" "$work/server/package.txt"
other_id=$(tail -n 1 <<<"$out")
expect 0 '^[0-9A-Z-]{49}$' "${server[@]}" seal "$work/server" "$other_id" alice CORP 'Spring-Lake-9' $t1
expect 3 'epoch 2, this machine is at epoch 1: redeploy' "${machine[@]}" reset "$work/machine" "$(tail -n 1 <<<"$out")" alice corp 'Spring-Lake-9' $t1

echo "== login integration redeployed: the machine enrolls again, new code, reset at epoch 2"
expect 0 'enrolling again' "${machine[@]}" enroll "$work/machine" "$work/server/package.txt"
new_id=$(tail -n 1 <<<"$out")
[[ $new_id != "$id" ]] || fail "re-enrollment kept the identification code"
expect 4 'epoch 1, this machine is at epoch 2: request a new code' "${machine[@]}" reset "$work/machine" "$old_code" 'JÜRGEN' corp 'Sommer-Regen-7' $t1
expect 0 '^[0-9A-Z-]{49}$' "${server[@]}" seal "$work/server" "$new_id" alice CORP 'Spring-Lake-9' $t1
code=$(tail -n 1 <<<"$out")
expect 0 'accepted' "${machine[@]}" reset "$work/machine" "$code" alice corp 'Spring-Lake-9' $((t1 + 60))

echo "examples/c/run.sh: whole offline reset OK"

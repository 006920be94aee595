#!/usr/bin/env bash
# Drives examples/cpp/login_tile.cpp with scripted input against the C help-desk server
# (examples/c/server.c): enrollment (the package fingerprint equal to the server's) and a
# repeated deployment, a code typed group by group with a mistyped group, a wrong password, a
# reset, a replayed code, an account not cached on the machine, a code sealed for another SID of
# the same name, wrong passwords until OLR_TOO_MANY_ATTEMPTS across a restart of the tile, a
# clock set back, a ledger file rolled back (refused through the monotonic store), two tile
# processes redeeming one code at once (exactly one succeeds), a package of another server
# refused, a code made before a key rotation (opens before the redeploy, refused after it with
# "request a new code"), and a reset at the new epoch.
#
#   tests/cpp/tile.sh BIN_DIR      (BIN_DIR holds login_tile and olr-server)
# OLR_TILE_RUNNER, if set, prefixes every run of the tile (a valgrind command line).
# Last line: "tile: N passed, M failed".
set -uo pipefail

bin=${1:?usage: tile.sh BIN_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read -r -a runner <<<"${OLR_TILE_RUNNER:-}"
server=("$bin/olr-server") # the help desk; only the tile runs under OLR_TILE_RUNNER
tile=("${runner[@]}" "$bin/login_tile")
passed=0 failed=0
t0=1795000000 # 2026-11-18, unix seconds

ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
# has TEXT WHAT: TEXT (fixed string) is a whole line of $out.
has() {
    if grep -qxF -- "$1" <<<"$out"; then ok "$2"; else
        bad "$2: no line '$1'"
        printf '%s\n' "$out" | sed 's/^/    | /'
    fi
}
hasnt() {
    if grep -qF -- "$1" <<<"$out"; then bad "$2: unexpected '$1'"; else ok "$2"; fi
}
# run_tile NOW < INPUT: the tile's stdout and stderr in $out.
run_tile() {
    local rc=0
    out=$("${tile[@]}" tile "$work/machine" "$1" 2>&1) || rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    printf '%s\n' "$out" >>"$work/all.out"
    [[ $rc == 0 ]] || bad "login_tile exited $rc"
}
# count LINE: how many whole lines of $out are LINE.
count() { grep -cxF -- "$1" <<<"$out"; }
secrets=() # every password and reset code used: none may appear in any output
generation() { cat "$work/machine/monotonic_generation"; }
# seal ID USER DOMAIN SID PASSWORD NOW: the code in $code, the exit status in $rc
seal() {
    rc=0
    code=$("${server[@]}" seal "$work/server" "$@" 2>"$work/seal.err" | tail -n 1) || rc=$?
    secrets+=("$code" "$5")
}
ALICE=S-1-5-21-1004336348-1177238915-682003330-1104
BOB=S-1-5-21-1004336348-1177238915-682003330-1105
DAVE=S-1-5-21-1004336348-1177238915-682003330-1107
ALICE_RECREATED=S-1-5-21-1004336348-1177238915-682003330-2001 # another account named alice

mkdir -p "$work/server" "$work/machine"
init_out=$("${server[@]}" init "$work/server") || { echo "tile: 0 passed, 1 failed (server init)"; exit 1; }
server_fp=$(sed -n 's/.*package fingerprint \([0-9a-f]\{64\}\)$/\1/p' <<<"$init_out")
printf 'alice CORP %s\nbob CORP %s\ndave CORP %s\n' "$ALICE" "$BOB" "$DAVE" >"$work/machine/cached_accounts"
echo corp.example.com >"$work/machine/fqdn"

echo "== deployment (SYSTEM installer action): enroll, then the same package again"
out=$("${tile[@]}" enroll "$work/machine" "$work/server/package.txt" 2>&1)
id=$(tail -n 1 <<<"$out")
has "enrolled at epoch 1" "enrolled"
if [[ -n $server_fp ]]; then has "package fingerprint $server_fp" "the machine's package fingerprint equals the server's"; else bad "server printed no fingerprint"; fi
{ cat "$work/server/package.txt"; printf '\n\n'; } >"$work/package-nl.txt"
if [[ ${#id} == 71 ]]; then ok "identification code shown (71 characters)"; else bad "identification code '$id'"; fi
out=$("${tile[@]}" enroll "$work/machine" "$work/server/package.txt" 2>&1)
has "already enrolled with this package" "a repeated deployment keeps the enrollment"
if [[ $(tail -n 1 <<<"$out") == "$id" ]]; then ok "same identification code"; else bad "identification code changed"; fi
out=$("${tile[@]}" enroll "$work/machine" "$work/package-nl.txt" 2>&1)
has "package fingerprint $server_fp" "trailing newlines do not change the fingerprint (envelope bytes, not text)"
has "already enrolled with this package" "the same package with trailing newlines"
mkdir -p "$work/stranger"
"${server[@]}" init "$work/stranger" >/dev/null
out=$("${tile[@]}" enroll "$work/machine" "$work/stranger/package.txt" 2>&1)
has "redeploy refused: OLR_PACKAGE_SIGNATURE_INVALID" "another server's package is refused (not signed by the pinned key)"
if [[ $(cat "$work/machine/monotonic_generation") == 0 ]]; then ok "monotonic store starts at generation 0"; else bad "monotonic store"; fi

seal "$id" alice CORP "$ALICE" Winter-Tulip-42 "$t0"
if [[ $rc == 0 && ${#code} == 49 ]]; then ok "help desk sealed a code for alice"; else bad "seal: $rc $(cat "$work/seal.err")"; fi
IFS=- read -r -a g <<<"$code"
# Group 2 with one symbol changed.
c=${g[1]:3:1}
if [[ $c == 7 ]]; then r=8; else r=7; fi
g2bad=${g[1]:0:3}$r${g[1]:4}

echo "== alice types the code group by group (group 2 mistyped), a wrong password, then the right one"
run_tile $((t0 + 60)) <<EOF
user alice
domain
type ${g[0]}
type -$g2bad
clear
type ${g[0],,} ${g[1],,}
type ${g[2]}${g[3]}-${g[4]}
type -${g[5]}
password Wrong-Password-1
submit
password Winter-Tulip-42
submit
EOF
has "tile: identification code $id" "the tile shows the identification code"
has "tile: groups ok _ _ _ _ _" "group 1 checked as typed"
has "tile: groups ok MISTYPED _ _ _ _" "the mistyped group is marked as typed"
has "tile: check group 2 of the reset code" "the tile names group 2"
has "tile: groups ok ok ok ok ok ok" "every group checked"
has "tile: reset code complete" "complete code recognized (lower case, spaces)"
has "tile: [OLR_REJECTED] The reset code does not match this computer, account and new password. Check each of them." "wrong password refused"
has "tile: updating cached credentials of CORP\\alice" "credentials updated after the ledger is stored"
has "tile: [OLR_OK] Your password has been changed. Sign in with the new password." "reset accepted"
hasnt "Winter-Tulip-42" "no password in the output or audit lines"
hasnt "$code" "no reset code in the output or audit lines"

echo "== the same code again (a new tile process: the ledger was persisted)"
run_tile $((t0 + 120)) <<EOF
user ALICE
domain CORP
type $code
password Winter-Tulip-42
submit
EOF
has "tile: [OLR_ALREADY_USED] This reset code has already been used. Ask the help desk for a new code." "replayed code refused"

echo "== an account that never signed in on this machine"
seal "$id" carol CORP S-1-5-21-1004336348-1177238915-682003330-1106 Pw-Carol-1 "$t0"
run_tile $((t0 + 120)) <<EOF
user carol
type $code
password Pw-Carol-1
submit
EOF
has "tile: this account has not signed in on this computer before; an offline reset is not possible" "uncached account refused before opening"

echo "== a code sealed for another account named alice (another SID): refused"
seal "$id" alice CORP "$ALICE_RECREATED" Pw-New-1 "$((t0 + 120))"
run_tile $((t0 + 120)) <<EOF
user alice
type $code
password Pw-New-1
submit
EOF
has "tile: [OLR_REJECTED] The reset code does not match this computer, account and new password. Check each of them." "the cached account's SID is not the one sealed: refused"
hasnt "updating cached credentials" "no credentials updated for another SID"

echo "== wrong passwords until OLR_TOO_MANY_ATTEMPTS, across a restart of the tile"
seal "$id" dave CORP "$DAVE" Pw-Dave-1 "$((t0 + 120))"
dave_code=$code
g_before=$(generation)
run_tile $((t0 + 130)) <<EOF
user dave
type $dave_code
password Wrong-1
submit
password Wrong-2
submit
password Wrong-3
submit
EOF
if [[ $(count "tile: [OLR_REJECTED] The reset code does not match this computer, account and new password. Check each of them.") == 3 ]]; then ok "three wrong passwords refused"; else bad "three wrong passwords"; fi
if [[ $(generation) == $((g_before + 3)) ]]; then ok "ledger persisted and monotonic store raised after every refused redeem"; else bad "monotonic store $(generation), expected $((g_before + 3))"; fi
run_tile $((t0 + 140)) <<EOF
user dave
type $dave_code
password Wrong-4
submit
password Wrong-5
submit
password Pw-Dave-1
submit
EOF
if [[ $(count "tile: [OLR_REJECTED] The reset code does not match this computer, account and new password. Check each of them.") == 2 ]]; then ok "the restarted tile counts on (4th and 5th wrong password refused)"; else bad "attempts after restart"; fi
has "tile: [OLR_TOO_MANY_ATTEMPTS] Too many failed attempts. Ask the help desk for a new reset code; if that is refused too, try again tomorrow." "the 6th attempt, with the right password, is too many"
has "audit: offline reset refused: OLR_TOO_MANY_ATTEMPTS code_epoch 0 machine_epoch 0" "audit line for too many attempts"
hasnt "updating cached credentials" "no credentials updated after too many attempts"

echo "== the clock set back"
g_before=$(generation)
run_tile $((t0 - 3600)) <<EOF
user dave
type $dave_code
password Pw-Dave-1
submit
EOF
has "tile: [OLR_CLOCK_SET_BACK] This computer's clock is earlier than at a previous reset. Correct the clock or contact the help desk." "a clock set back is refused"
if [[ $(generation) == "$g_before" ]]; then ok "a clock set back changes nothing"; else bad "generation moved on a clock set back"; fi

echo "== a rolled-back ledger file (an older copy restored) is refused through the monotonic store"
cp "$work/machine/ledger.olr" "$work/ledger-old.olr"
seal "$id" bob CORP "$BOB" Pw-Bob-0 "$((t0 + 180))"
bob0=$code
run_tile $((t0 + 240)) <<EOF
user bob
type $bob0
password Pw-Bob-0
submit
EOF
has "tile: [OLR_OK] Your password has been changed. Sign in with the new password." "bob's reset accepted"
cp "$work/machine/ledger.olr" "$work/ledger-new.olr"
cp "$work/ledger-old.olr" "$work/machine/ledger.olr"
run_tile $((t0 + 250)) <<EOF
user bob
type $bob0
password Pw-Bob-0
submit
EOF
has "tile: [OLR_LEDGER_ROLLED_BACK] This computer's reset records were replaced by an older copy. Offline reset is blocked; contact the help desk." "the older ledger file is refused: the used code is not accepted again"
has "audit: offline reset refused: ledger import: OLR_LEDGER_ROLLED_BACK code_epoch 0 machine_epoch 0" "audit line for the rolled-back ledger"
hasnt "updating cached credentials" "no credentials updated from a rolled-back ledger"
if cmp -s "$work/ledger-old.olr" "$work/machine/ledger.olr"; then ok "the refused file is left for the administrator"; else bad "rolled-back file replaced"; fi
cp "$work/ledger-new.olr" "$work/machine/ledger.olr" # the administrator restores the newest

echo "== two tile processes (two LogonUI sessions) redeem one code at the same moment"
seal "$id" dave CORP "$DAVE" Pw-Dave-2 "$((t0 + 180))"
mkfifo "$work/in1" "$work/in2"
"${tile[@]}" tile "$work/machine" $((t0 + 300)) <"$work/in1" >"$work/out1" 2>&1 &
p1=$!
"${tile[@]}" tile "$work/machine" $((t0 + 300)) <"$work/in2" >"$work/out2" 2>&1 &
p2=$!
exec 3>"$work/in1" 4>"$work/in2"
printf 'user dave\ntype %s\npassword Pw-Dave-2\n' "$code" >&3
printf 'user dave\ntype %s\npassword Pw-Dave-2\n' "$code" >&4
printf 'submit\n' >&3
printf 'submit\n' >&4
exec 3>&- 4>&-
rc1=0 rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
out=$(cat "$work/out1" "$work/out2")
printf '%s\n' "$out" | sed 's/^/    /'
printf '%s\n' "$out" >>"$work/all.out"
if [[ $rc1 == 0 && $rc2 == 0 ]]; then ok "both tiles ran"; else bad "tiles exited $rc1 and $rc2"; fi
n_ok=$(count "tile: [OLR_OK] Your password has been changed. Sign in with the new password.")
n_used=$(count "tile: [OLR_ALREADY_USED] This reset code has already been used. Ask the help desk for a new code.")
if [[ $n_ok == 1 && $n_used == 1 ]]; then ok "exactly one succeeds, the other gets AlreadyUsed (the ledger lock)"; else bad "concurrent redeems: $n_ok accepted, $n_used already used"; fi

echo "== key rotation: a code made before it opens until the machine is redeployed"
seal "$id" bob CORP "$BOB" Pw-Bob-1 "$((t0 + 60))"
bob_code=$code
seal "$id" alice CORP "$ALICE" Pw-Alice-2 "$((t0 + 120))"
alice_code2=$code
if "${server[@]}" rotate "$work/server" $((t0 + 600)) >/dev/null; then ok "server rotated to epoch 2"; else bad "rotate"; fi
seal "$id" bob CORP "$BOB" Pw-Bob-1 "$((t0 + 600))"
if [[ $rc == 3 ]]; then ok "server refuses the old identification code after rotation (exit 3)"; else bad "seal after rotation: rc $rc"; fi
run_tile $((t0 + 700)) <<EOF
user alice
type $alice_code2
password Pw-Alice-2
submit
EOF
has "tile: [OLR_OK] Your password has been changed. Sign in with the new password." "rotation is not revocation: an old-epoch code opens before the redeploy"
out=$("${tile[@]}" enroll "$work/machine" "$work/server/package.txt" 2>&1)
id2=$(tail -n 1 <<<"$out")
has "redeployed at epoch 2 (new identification code, new replay ledger)" "redeployed with the new package (olr_machine_redeploy)"
if [[ $id2 != "$id" && ${#id2} == 71 ]]; then ok "new identification code"; else bad "identification code after redeploy"; fi
run_tile $((t0 + 700)) <<EOF
user bob
type $bob_code
password Pw-Bob-1
submit
EOF
has "tile: identification code $id2" "the tile shows the new identification code"
has "tile: [OLR_CODE_BEFORE_ROTATION] This reset code is no longer valid. Ask the help desk for a new code, reading them the code shown now." "code from before the rotation: request a new code"
has "audit: offline reset refused: OLR_CODE_BEFORE_ROTATION code_epoch 1 machine_epoch 2" "audit line with status and epochs"
seal "$id2" bob CORP "$BOB" Pw-Bob-1 "$((t0 + 660))"
run_tile $((t0 + 720)) <<EOF
user bob
type $code
password Pw-Bob-1
submit
EOF
has "tile: [OLR_OK] Your password has been changed. Sign in with the new password." "reset at the new epoch"

leaked=0
for secret in "${secrets[@]}"; do
    [[ -n $secret ]] && grep -qF -- "$secret" "$work/all.out" && { leaked=1; bad "a password or reset code in the tile output: $secret"; }
done
((leaked)) || ok "no password or reset code in any tile or audit line (${#secrets[@]} checked)"

echo "tile: $passed passed, $failed failed"
((failed == 0))

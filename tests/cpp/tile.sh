#!/usr/bin/env bash
# Drives examples/cpp/login_tile.cpp with scripted input against the C help-desk server
# (examples/c/server.c): enrollment and a repeated deployment, a code typed group by group with a
# mistyped group, a wrong password, a reset, a replayed code, an account not cached on the
# machine, a code made before a key rotation (opens before the redeploy, refused after it with
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
    [[ $rc == 0 ]] || bad "login_tile exited $rc"
}
seal() { # seal ID USER DOMAIN PASSWORD NOW: the code in $code, the exit status in $rc
    rc=0
    code=$("${server[@]}" seal "$work/server" "$@" 2>"$work/seal.err" | tail -n 1) || rc=$?
}

mkdir -p "$work/server" "$work/machine"
"${server[@]}" init "$work/server" >/dev/null || { echo "tile: 0 passed, 1 failed (server init)"; exit 1; }
printf 'alice CORP\nbob CORP\n' >"$work/machine/cached_accounts"
echo corp.example.com >"$work/machine/fqdn"

echo "== deployment (SYSTEM installer action): enroll, then the same package again"
out=$("${tile[@]}" enroll "$work/machine" "$work/server/package.txt" 2>&1)
id=$(tail -n 1 <<<"$out")
has "enrolled at epoch 1" "enrolled"
if [[ ${#id} == 71 ]]; then ok "identification code shown (71 characters)"; else bad "identification code '$id'"; fi
out=$("${tile[@]}" enroll "$work/machine" "$work/server/package.txt" 2>&1)
has "already enrolled with this package" "a repeated deployment keeps the enrollment"
if [[ $(tail -n 1 <<<"$out") == "$id" ]]; then ok "same identification code"; else bad "identification code changed"; fi

seal "$id" alice CORP Winter-Tulip-42 "$t0"
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
seal "$id" carol CORP Pw-Carol-1 "$t0"
run_tile $((t0 + 120)) <<EOF
user carol
type $code
password Pw-Carol-1
submit
EOF
has "tile: this account has not signed in on this computer before; an offline reset is not possible" "uncached account refused before opening"

echo "== key rotation: a code made before it opens until the machine is redeployed"
seal "$id" bob CORP Pw-Bob-1 "$((t0 + 60))"
bob_code=$code
seal "$id" alice CORP Pw-Alice-2 "$((t0 + 120))"
alice_code2=$code
if "${server[@]}" rotate "$work/server" $((t0 + 600)) >/dev/null; then ok "server rotated to epoch 2"; else bad "rotate"; fi
seal "$id" bob CORP Pw-Bob-1 "$((t0 + 600))"
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
has "enrolled at epoch 2" "redeployed with the new package"
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
seal "$id2" bob CORP Pw-Bob-1 "$((t0 + 660))"
run_tile $((t0 + 720)) <<EOF
user bob
type $code
password Pw-Bob-1
submit
EOF
has "tile: [OLR_OK] Your password has been changed. Sign in with the new password." "reset at the new epoch"

echo "tile: $passed passed, $failed failed"
((failed == 0))

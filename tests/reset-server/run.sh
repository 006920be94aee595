#!/usr/bin/env bash
# The reference reset server (examples/reset-server/) against a real Active Directory: a
# throwaway Samba AD DC provisioned on loopback in a temporary folder, the server over HTTPS, the
# self-service page driven in headless Chromium and the help desk over HTTP, every code redeemed
# by the C++ login tile example (tests/reset-server/check.py has the list of checks).
#
# Installs what it needs when missing (as root, Debian packages via apt-get: samba-ad-dc,
# krb5-user, chromium, chromium-driver, python3-venv; ldap3 and selenium from PyPI into a
# temporary virtual environment). Every process it starts is stopped by its process id.
# Time bound: the checks must finish within OLR_RESET_SERVER_TIMEOUT seconds (default 600).
# Screenshots of the self-service page: target/test-artifacts/reset-server/.
# Last line: "reset-server: N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
artifacts=$root/target/test-artifacts/reset-server
timeout_s=${OLR_RESET_SERVER_TIMEOUT:-600}

need_packages=()
for pair in samba-tool:samba samba:samba-ad-dc kinit:krb5-user kvno:krb5-user winbindd:winbind \
    chromium:chromium chromedriver:chromium-driver openssl:openssl g++:g++ pkg-config:pkg-config; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need_packages+=("${pair#*:}")
done
[ -d /usr/share/samba/setup/ad-schema ] || need_packages+=(samba-ad-provision)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_packages+=(python3-venv)
if [ ${#need_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing: ${need_packages[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            samba-ad-dc samba samba-ad-provision winbind krb5-user chromium chromium-driver openssl python3-venv pkg-config g++ >/dev/null ||
            { echo "FAIL: apt-get install ${need_packages[*]}"; exit 1; }
    else
        echo "FAIL: missing ${need_packages[*]} (run as root with apt-get, or install them)"
        exit 1
    fi
fi
for port in 88 389 636 445; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "FAIL: port $port on 127.0.0.1 is taken (another directory server running?): the test DC needs it"
        exit 1
    fi
done

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

# The library, the login tile, the Python side.
bash examples/c/install.sh "$work/prefix" --shared-only >/dev/null || { echo "FAIL: examples/c/install.sh"; exit 1; }
export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig
lib=$(pkg-config --variable=libdir offline-reset)
# shellcheck disable=SC2046 # pkg-config's flags are words
g++ -std=c++17 -O1 -Wall -Wextra -Werror $(pkg-config --cflags offline-reset) -Ibindings/cpp \
    examples/cpp/login_tile.cpp $(pkg-config --libs offline-reset) -Wl,-rpath,"$lib" -o "$work/login_tile" ||
    { echo "FAIL: login tile build"; exit 1; }
python3 -m venv "$work/venv" || exit 1
"$work/venv/bin/pip" install -q -r examples/reset-server/requirements.txt -r tests/reset-server/requirements.txt ||
    { echo "FAIL: pip install (PyPI reachable?)"; exit 1; }
export OFFLINE_RESET_LIBRARY=$lib/liboffline_reset.so PYTHONPATH=$root/bindings/python/src

# A throwaway domain OLR.TEST (NetBIOS OLR) on loopback, no DNS server.
dc=$work/dc
smbconf=$dc/etc/smb.conf
admin_password='Adm1n-Olr-Test-42!'
samba-tool domain provision --realm=OLR.TEST --domain=OLR --server-role=dc --dns-backend=NONE \
    --adminpass="$admin_password" --targetdir="$dc" --host-name=dc1 --host-ip=127.0.0.1 \
    --option="interfaces=lo" --option="bind interfaces only=yes" --option="server services=-dns" \
    --option="log file=$work/samba.%m.log" >"$work/provision.log" 2>&1 ||
    { tail -n 20 "$work/provision.log"; echo "FAIL: samba-tool domain provision"; exit 1; }
st() { samba-tool "$@" -s "$smbconf" >>"$work/accounts.log" 2>&1 || { echo "FAIL: samba-tool $*"; tail -n 5 "$work/accounts.log"; exit 1; }; }
# Users, each with a first password the checks know (check.py: "Old-<name>-1!").
for user in alice bob strasse straße carol dave svc-reset; do
    st user create "$user" "Old-${user}-1!"
done
st group add "Offline Reset Help Desk"
st group addmembers "Offline Reset Help Desk" carol
# The server's own Kerberos identity (its keytab proves the KDC genuine at every sign-in) and
# the one right it needs: "Reset Password" on user objects (not on admins: AdminSDHolder).
st spn add HTTP/reset.olr.test svc-reset
st domain exportkeytab "$work/http.keytab" --principal=HTTP/reset.olr.test
svc_sid=$(samba-tool user show svc-reset -s "$smbconf" | awk '/^objectSid:/ { print $2 }')
samba-tool dsacl set --objectdn=DC=olr,DC=test -H "$dc/private/sam.ldb" \
    --sddl="(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;$svc_sid)" \
    >>"$work/accounts.log" 2>&1 || { echo "FAIL: dsacl"; exit 1; }

samba -s "$smbconf" --foreground --no-process-group >"$work/samba.out" 2>&1 &
samba_pid=$!
pids+=("$samba_pid")

# The server's configuration, secrets owner-only.
umask 077
mkdir "$work/secrets"
printf '%s' 'Old-svc-reset-1!' >"$work/secrets/svc-reset.password"
chmod 400 "$work/secrets/svc-reset.password"
cat >"$work/krb5.conf" <<EOF
[libdefaults]
    default_realm = OLR.TEST
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
[realms]
    OLR.TEST = {
        kdc = 127.0.0.1
    }
EOF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=reset.olr.test \
    -addext "subjectAltName=DNS:reset.olr.test,IP:127.0.0.1" -keyout "$work/https.key" -out "$work/https.crt" \
    2>/dev/null || { echo "FAIL: openssl"; exit 1; }
https_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/server.ini" <<EOF
[server]
listen_host = 127.0.0.1
listen_port = $https_port
tls_cert = https.crt
tls_key = https.key
audit_log = audit.log

[directory]
host = 127.0.0.1
port = 636
ca_file = dc/private/tls/ca.pem
server_name = DC1.olr.test
base_dn = DC=olr,DC=test
service_user = svc-reset@olr.test
service_password_file = secrets/svc-reset.password
helpdesk_group_dn = CN=Offline Reset Help Desk,CN=Users,DC=olr,DC=test

[kerberos]
realm = OLR.TEST
krb5_config = krb5.conf
keytab = http.keytab
service_principal = HTTP/reset.olr.test

[offline_reset]
state_dir = state
wrapping_key_file = secrets/wrapping.key

[limits]
sign_in_failures_per_account = 5
sign_in_failures_per_client = 12
seals_per_user_per_hour = 3
EOF
umask 022
python=$work/venv/bin/python
"$python" examples/reset-server/server.py init "$work/server.ini" >"$work/init.out" || { echo "FAIL: server.py init"; exit 1; }
cat "$work/init.out"

# Wait for the DC (Kerberos and LDAPS answer) before the server reads the directory at start.
for _ in $(seq 1 60); do
    (exec 3<>/dev/tcp/127.0.0.1/636) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/88) 2>/dev/null && break
    sleep 0.5
done
"$python" examples/reset-server/server.py serve "$work/server.ini" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 1 60); do
    grep -q '^serving' "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
done
cat "$work/server.out"

mkdir -p "$artifacts"
timeout "$timeout_s" "$python" tests/reset-server/check.py --work "$work" --tile "$work/login_tile" \
    --url "https://127.0.0.1:$https_port" --artifacts "$artifacts" 2>&1 | tee "$work/check.out"
check_status=${PIPESTATUS[0]}
[ "$check_status" = 124 ] && echo "FAIL: the checks took longer than ${timeout_s} s"
passed=$(sed -n 's/^checks: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$work/check.out")
failed=$(sed -n 's/^checks: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$work/check.out")
passed=${passed:-0} failed=${failed:-1}
[ "$check_status" = 0 ] || [ "$failed" != 0 ] || failed=1

# Stop what was started, by process id, and check it is gone.
stop() {
    local name=$1 pid=$2
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
        failed=$((failed + 1)); echo "FAIL - $name (pid $pid) did not stop on SIGTERM"
    else
        wait "$pid" 2>/dev/null
        passed=$((passed + 1)); echo "ok   - $name (pid $pid) stopped"
    fi
}
stop "reset server" "$server_pid"
stop "samba" "$samba_pid"
# samba's children (ldap, kdc, smbd, winbindd workers) share its process group only when it
# makes one; with --no-process-group they are its children: none may outlive it.
sleep 1
left=$(ps -eo pid=,args= | grep -F -- "$smbconf" | grep -v grep || true)
if [ -n "$left" ]; then
    failed=$((failed + 1)); echo "FAIL - processes of the test DC left:"; echo "$left"
    ps -eo pid=,args= | grep -F -- "$smbconf" | grep -v grep | awk '{ print $1 }' | xargs -r kill -9
else
    passed=$((passed + 1)); echo "ok   - no process of the test DC left"
fi
if grep -q "Traceback" "$work/server.err"; then
    failed=$((failed + 1)); echo "FAIL - the server logged a traceback:"; cat "$work/server.err"
fi
echo "reset-server: $passed passed, $failed failed"
[ "$failed" = 0 ]

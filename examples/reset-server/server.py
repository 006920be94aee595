#!/usr/bin/env python3
"""A reference Password Reset Server for offline-reset, over Active Directory (or Samba AD).

Two pages, both over HTTPS:
  /self-service  the user signs in with the current password (Kerberos), chooses a new one and
                 gives the identification code the computer shows (typed, or the olr-id URI its
                 QR symbol opens, which lands here with the code filled in);
  /help-desk     an agent (a member of the configured group) resets another user's password
                 and reads the reset code out with its spelling.

For every reset, in this order (docs/INTEGRATION.md 3.2): check the identification code (a
mistyped group is named before anything else happens), read the account from the directory
(sAMAccountName, objectSid, the NetBIOS domain), seal the reset code, change the password in
the directory (unicodePwd, over LDAPS), and only then show the code. A seal that fails changes
nothing; a directory that refuses the password discards the code.

Commands (the configuration file is INI, see server.ini.example):
  server.py init   CONFIG            new key ring, wrapping key and deployment package
  server.py rotate CONFIG [--grace S] rotate the offline reset keys, write the new package
  server.py serve  CONFIG            run the server (reloads the ring when `rotate` rewrote it)

Standard library HTTP (http.server with TLS from ssl) so that the whole example is one file a
reader can follow, with no framework to learn; ldap3 (pure Python, no C build) for LDAP; MIT
Kerberos' kinit and kvno for signing users in. A production server puts this behind its usual
web stack: keep the order of operations, the limits, the audit log and the message tables.
"""

from __future__ import annotations

import argparse
import configparser
import hashlib
import hmac
import html
import json
import os
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Tuple

import ldap3
from ldap3.utils.conv import escape_filter_chars

import offline_reset as olr

# --------------------------------------------------------------------------------------------
# Configuration


@dataclass
class Config:
    state_dir: str  # ring.olr (wrapped) and package.txt
    wrapping_key_file: str  # not beside the ring (docs/INTEGRATION.md 3.1)
    audit_log: str
    listen_host: str
    listen_port: int
    tls_cert: str
    tls_key: str
    ldap_host: str
    ldap_port: int
    ldap_ca_file: str
    ldap_server_name: str  # the name in the DC's certificate
    base_dn: str
    service_user: str  # userPrincipalName of the account allowed to reset passwords
    service_password_file: str
    helpdesk_group_dn: str
    realm: str
    krb5_config: str
    keytab: str  # the server's own keys: proves the KDC that answered is the domain's
    service_principal: str
    offline_domain: str = ""  # empty: the NetBIOS domain name read from the directory
    sign_in_failures_per_account: int = 5
    sign_in_failures_per_client: int = 20
    sign_in_window_seconds: int = 900
    seals_per_user_per_hour: int = 3
    session_seconds: int = 600

    @staticmethod
    def load(path: str) -> "Config":
        p = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
        if not p.read(path, encoding="utf-8"):
            raise SystemExit(f"cannot read the configuration file {path}")
        base = os.path.dirname(os.path.abspath(path))

        def get(section: str, key: str, default: Optional[str] = None) -> str:
            if p.has_option(section, key):
                return p.get(section, key)
            if default is None:
                raise SystemExit(f"{path}: [{section}] {key} is missing")
            return default

        def path_of(section: str, key: str) -> str:
            # ${CREDENTIALS_DIRECTORY} is where systemd's LoadCredential= puts a service's secrets.
            return os.path.join(base, os.path.expandvars(get(section, key)))

        return Config(
            state_dir=path_of("offline_reset", "state_dir"),
            wrapping_key_file=path_of("offline_reset", "wrapping_key_file"),
            audit_log=path_of("server", "audit_log"),
            listen_host=get("server", "listen_host", "127.0.0.1"),
            listen_port=int(get("server", "listen_port", "8443")),
            tls_cert=path_of("server", "tls_cert"),
            tls_key=path_of("server", "tls_key"),
            ldap_host=get("directory", "host"),
            ldap_port=int(get("directory", "port", "636")),
            ldap_ca_file=path_of("directory", "ca_file"),
            ldap_server_name=get("directory", "server_name"),
            base_dn=get("directory", "base_dn"),
            service_user=get("directory", "service_user"),
            service_password_file=path_of("directory", "service_password_file"),
            helpdesk_group_dn=get("directory", "helpdesk_group_dn"),
            realm=get("kerberos", "realm"),
            krb5_config=path_of("kerberos", "krb5_config"),
            keytab=path_of("kerberos", "keytab"),
            service_principal=get("kerberos", "service_principal"),
            offline_domain=get("offline_reset", "offline_domain", ""),
            sign_in_failures_per_account=int(get("limits", "sign_in_failures_per_account", "5")),
            sign_in_failures_per_client=int(get("limits", "sign_in_failures_per_client", "20")),
            sign_in_window_seconds=int(get("limits", "sign_in_window_seconds", "900")),
            seals_per_user_per_hour=int(get("limits", "seals_per_user_per_hour", "3")),
            session_seconds=int(get("limits", "session_seconds", "600")),
        )


def read_secret_file(path: str) -> bytes:
    """A secret file must be readable by its owner only (0400 or 0600): refuse anything wider."""
    st = os.stat(path)
    if st.st_mode & 0o077:
        raise SystemExit(f"{path} is readable by others (mode {st.st_mode & 0o777:o}); chmod 400 it")
    with open(path, "rb") as f:
        return f.read()


def write_file_atomically(path: str, data: bytes, mode: int) -> None:
    """Write beside, fsync, rename: a crash leaves the old file or the new one, never half."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        os.replace(tmp, path)
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------------------------
# The key ring on disk: ring.olr (0600) wrapped under the wrapping key, a file of its own
# elsewhere (0400); both owner-only. A KMS or an HSM is better (docs/INTEGRATION.md 3.1, 4.5).


class KeyStore:
    def __init__(self, state_dir: str, wrapping_key_file: str) -> None:
        self.state_dir = state_dir
        self.ring_path = os.path.join(state_dir, "ring.olr")
        self.key_path = wrapping_key_file
        self.package_path = os.path.join(state_dir, "package.txt")
        self._lock = threading.Lock()
        self._ring: Optional[olr.ServerKeyRing] = None
        self._stamp: Optional[Tuple[int, int, int]] = None

    def init(self) -> str:
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        if os.path.exists(self.ring_path) or os.path.exists(self.key_path):
            raise SystemExit(f"{self.ring_path} or {self.key_path} exists: a second init would split the fleet")
        if os.path.dirname(os.path.abspath(self.key_path)) == os.path.abspath(self.state_dir):
            raise SystemExit("keep the wrapping key out of the ring's folder (docs/INTEGRATION.md 3.1)")
        key = olr.generate_wrapping_key()
        write_file_atomically(self.key_path, bytes(key), 0o400)
        ring = olr.ServerKeyRing.generate()
        self._save(ring, key)
        return self._write_package(ring)

    def rotate(self, grace_seconds: int) -> Tuple[int, str]:
        key = bytearray(read_secret_file(self.key_path))
        ring = olr.ServerKeyRing.from_bytes(read_secret_file(self.ring_path), key)
        ring.retired_grace_seconds = grace_seconds
        now = int(time.time())
        epoch = ring.rotate(now)
        ring.prune(now)
        self._save(ring, key)
        return epoch, self._write_package(ring)

    def _save(self, ring: olr.ServerKeyRing, key: bytearray) -> None:
        data = ring.export(key)
        write_file_atomically(self.ring_path, bytes(data), 0o600)
        data[:] = bytes(len(data))
        key[:] = bytes(len(key))

    def _write_package(self, ring: olr.ServerKeyRing) -> str:
        # The package text with no line break after it; its fingerprint is over the envelope
        # bytes, so an editor's trailing newline would not change it anyway (INTEGRATION 4.4).
        package = ring.deployment_package
        write_file_atomically(self.package_path, package.encode("ascii"), 0o644)
        return olr.deployment_package_fingerprint(package)

    def ring(self) -> olr.ServerKeyRing:
        """The current ring, re-imported when `rotate` replaced the file (a new inode)."""
        st = os.stat(self.ring_path)
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._stamp:
                key = bytearray(read_secret_file(self.key_path))
                try:
                    self._ring = olr.ServerKeyRing.from_bytes(read_secret_file(self.ring_path), key)
                finally:
                    key[:] = bytes(len(key))
                self._stamp = stamp
            assert self._ring is not None
            return self._ring


# --------------------------------------------------------------------------------------------
# The directory: reads accounts, changes passwords (LDAPS, a service account with the
# "Reset Password" right on user objects and nothing more)


@dataclass
class DirectoryAccount:
    dn: str
    sam_account_name: str
    sid: bytes


class DirectoryError(Exception):
    """The directory refused or failed; `reason` is safe to show to a help-desk agent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Directory:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._netbios: Optional[str] = None

    def _connect(self) -> ldap3.Connection:
        tls = ldap3.Tls(
            validate=ssl.CERT_REQUIRED,
            ca_certs_file=self.config.ldap_ca_file,
            valid_names=[self.config.ldap_server_name],
            version=ssl.PROTOCOL_TLS_CLIENT,
        )
        server = ldap3.Server(self.config.ldap_host, port=self.config.ldap_port, use_ssl=True, tls=tls,
                              get_info=ldap3.NONE, connect_timeout=10)
        password = read_secret_file(self.config.service_password_file).decode("utf-8").rstrip("\n")
        try:
            return ldap3.Connection(server, user=self.config.service_user, password=password,
                                    authentication=ldap3.SIMPLE, auto_bind=True, raise_exceptions=False,
                                    receive_timeout=30)
        except ldap3.core.exceptions.LDAPException as e:
            raise DirectoryError(f"the directory is unavailable ({type(e).__name__})") from None

    def netbios_domain(self) -> str:
        if self._netbios is None:
            conn = self._connect()
            try:
                conn.search(f"CN=Partitions,CN=Configuration,{self.config.base_dn}",
                            f"(&(objectClass=crossRef)(nCName={escape_filter_chars(self.config.base_dn)}))",
                            attributes=["nETBIOSName"])
                if len(conn.entries) != 1:
                    raise DirectoryError("the domain's NetBIOS name is not in the directory")
                self._netbios = str(conn.entries[0].nETBIOSName.value)
            finally:
                conn.unbind()
        return self._netbios

    def find_user(self, username: str, member_of: Optional[str] = None) -> Optional[DirectoryAccount]:
        """The enabled user account whose sAMAccountName is `username` (the directory's own
        comparison), optionally only when it is a member (also nested) of the group `member_of`."""
        flt = (f"(&(objectCategory=person)(objectClass=user)"
               f"(sAMAccountName={escape_filter_chars(username)})"
               f"(!(userAccountControl:1.2.840.113556.1.4.803:=2))")  # not disabled
        if member_of:
            flt += f"(memberOf:1.2.840.113556.1.4.1941:={escape_filter_chars(member_of)})"
        flt += ")"
        conn = self._connect()
        try:
            conn.search(self.config.base_dn, flt, attributes=["sAMAccountName", "objectSid"])
            if len(conn.entries) != 1:
                return None
            e = conn.entries[0]
            return DirectoryAccount(e.entry_dn, str(e.sAMAccountName.value), bytes(e.objectSid.raw_values[0]))
        finally:
            conn.unbind()

    def set_password(self, account: DirectoryAccount, password: str) -> None:
        """An administrative reset of unicodePwd (the quoted password in UTF-16LE)."""
        conn = self._connect()
        try:
            value = ('"' + password + '"').encode("utf-16-le")
            ok = conn.modify(account.dn, {"unicodePwd": [(ldap3.MODIFY_REPLACE, [value])]})
            if not ok:
                # The result's message is the directory's reason (policy, history); no secret in it.
                raise DirectoryError(f"the directory refused the new password: {conn.result.get('description')}"
                                     f" ({conn.result.get('message', '').strip()})")
        finally:
            conn.unbind()


# --------------------------------------------------------------------------------------------
# Signing in: Kerberos, never NTLM. An NTLM check keeps accepting the previous password for an
# hour after a reset (AD's and Samba's "old password allowed period"); a Kerberos AS exchange
# does not. kvno with the server's keytab then proves that the KDC which answered knows the
# server's key, i.e. is the domain's (a spoofed KDC would accept any password).


def kerberos_sign_in(config: Config, username: str, password: str) -> bool:
    work = tempfile.mkdtemp(prefix="olr-kinit-")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KRB5_CONFIG": config.krb5_config,
           "KRB5CCNAME": f"FILE:{work}/cc", "LANG": "C.UTF-8"}
    principal = f"{username}@{config.realm}"
    try:
        kinit = subprocess.run(["kinit", "--", principal], input=(password + "\n").encode("utf-8"),
                               env=env, capture_output=True, timeout=20)
        if kinit.returncode != 0:
            return False
        kvno = subprocess.run(["kvno", "-k", config.keytab, f"{config.service_principal}@{config.realm}"],
                              env=env, capture_output=True, timeout=20)
        return kvno.returncode == 0
    except subprocess.TimeoutExpired:
        return False
    finally:
        shutil.rmtree(work, ignore_errors=True)


class SlidingWindowLimit:
    """At most `limit` events per key within `window` seconds."""

    def __init__(self, limit: int, window: int) -> None:
        self.limit, self.window = limit, window
        self._events: Dict[str, List[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> List[float]:
        events = [t for t in self._events.get(key, []) if now - t < self.window]
        self._events[key] = events
        return events

    def exhausted(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def record(self, key: str) -> None:
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())


# --------------------------------------------------------------------------------------------
# Status -> message, for the two readers (docs/INTEGRATION.md 3.4). Keyed by the status number.

NOT_CHANGED = " Your password has not been changed."

SELF_SERVICE_MESSAGES: Dict[int, str] = {
    olr.Status.MALFORMED_INPUT: "The identification code is incomplete. Type all eight groups your computer shows.",
    olr.Status.MISTYPED: "Group {mistyped_group} of the identification code has a typing mistake. Check it against your screen.",
    olr.Status.UNSUPPORTED_VERSION: "This computer cannot be reset from here. Contact the help desk.",
    olr.Status.KEY_ROTATED: "Your computer needs an update before it can be reset offline. Connect it to the company network, or contact the help desk.",
    olr.Status.INVALID_KEY_MATERIAL: "This identification code is not valid. Check it again, or contact the help desk.",
    olr.Status.INVALID_USERNAME: "This account cannot be reset offline from here. Contact the help desk.",
    olr.Status.INVALID_DOMAIN: "This account cannot be reset offline from here. Contact the help desk.",
    olr.Status.INVALID_SID: "This account cannot be reset offline from here. Contact the help desk.",
    olr.Status.INVALID_PASSWORD: "Choose another password (it must not be empty or longer than 1024 bytes).",
    olr.Status.TIME_OUT_OF_RANGE: "Reset codes cannot be issued right now. Contact the help desk.",
    olr.Status.OUT_OF_MEMORY: "The service is busy. Try again in a minute.",
}
SELF_SERVICE_OTHER = "Something went wrong. Try again later or contact the help desk."

HELP_DESK_MESSAGES: Dict[int, str] = {
    olr.Status.MALFORMED_INPUT: "The identification code is incomplete: ask the user to read all eight groups again.",
    olr.Status.MISTYPED: "Group {mistyped_group} of the identification code has a typing mistake: ask the user to read that group again (0: every group).",
    olr.Status.UNSUPPORTED_VERSION: "The computer's sign-in screen speaks protocol version {found_version}, which this server does not: escalate to the administrators.",
    olr.Status.KEY_ROTATED: "The computer has offline reset keys of epoch {code_epoch}; the server is at {current_epoch} and the grace period for the old keys is over. The computer must be redeployed before an offline reset works; it will then show a new identification code.",
    olr.Status.INVALID_KEY_MATERIAL: "The identification code passes its checks but names no valid computer key: ask the user to read it again; if it repeats, redeploy the computer.",
    olr.Status.INVALID_USERNAME: "The directory's sAMAccountName was refused ({name_problem}): a data error of the directory, not of the user. Escalate.",
    olr.Status.INVALID_DOMAIN: "The offline domain was refused: a configuration error of this server. Escalate.",
    olr.Status.INVALID_SID: "The account's objectSid was refused: a data error of the directory. Escalate.",
    olr.Status.INVALID_PASSWORD: "The new password is empty or longer than 1024 bytes of UTF-8: choose another.",
    olr.Status.TIME_OUT_OF_RANGE: "The server's clock is outside 2025-2152: fix the server's time.",
    olr.Status.OUT_OF_MEMORY: "The server could not get the memory for this seal: try again; if it repeats, the server is overloaded.",
}
HELP_DESK_OTHER = "The reset failed (status {status_name}); the code was not made."


def seal_failure_message(error: olr.OfflineResetError, table: Dict[int, str], other: str,
                         name_problem: str = "") -> str:
    template = table.get(int(error.status), other)
    return template.format(status_name=getattr(error.status, "name", str(int(error.status))),
                           name_problem=name_problem, **error.details) + NOT_CHANGED


# --------------------------------------------------------------------------------------------
# The application


@dataclass
class Session:
    username: str  # canonical sAMAccountName
    kind: str  # "self-service" or "help-desk"
    csrf: str
    expires: float


@dataclass
class ResetOutcome:
    ok: bool
    message: str
    code: Optional[olr.ResetCode] = None
    spelling: str = ""
    account_display: str = ""


class App:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.keys = KeyStore(config.state_dir, config.wrapping_key_file)
        self.directory = Directory(config)
        self.account_failures = SlidingWindowLimit(config.sign_in_failures_per_account, config.sign_in_window_seconds)
        self.client_failures = SlidingWindowLimit(config.sign_in_failures_per_client, config.sign_in_window_seconds)
        self.seals = SlidingWindowLimit(config.seals_per_user_per_hour, 3600)
        self.sessions: Dict[str, Session] = {}
        self._sessions_lock = threading.Lock()
        self._audit_lock = threading.Lock()

    # Audit: who, for whom, which machine (a hash of its identification code: correlates seals
    # per machine without putting codes in a log that many people read), the result. Never a
    # password, a reset code or an identification code.
    def audit(self, event: str, **fields: object) -> None:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with self._audit_lock:
            fd = os.open(self.config.audit_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)

    @staticmethod
    def machine_tag(code: olr.IdentificationCode) -> str:
        return hashlib.sha256(code.text.encode("ascii")).hexdigest()[:16]

    def offline_domain(self) -> str:
        return self.config.offline_domain or self.directory.netbios_domain()

    # Sessions ------------------------------------------------------------------------------

    def new_session(self, username: str, kind: str) -> Tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        session = Session(username, kind, secrets.token_urlsafe(32), time.monotonic() + self.config.session_seconds)
        with self._sessions_lock:
            self.sessions[token] = session
        return token, session

    def session(self, token: Optional[str], kind: str) -> Optional[Session]:
        if not token:
            return None
        with self._sessions_lock:
            s = self.sessions.get(token)
            if s is None or s.kind != kind:
                return None
            if s.expires < time.monotonic():
                del self.sessions[token]
                return None
            return s

    def end_session(self, token: Optional[str]) -> None:
        with self._sessions_lock:
            self.sessions.pop(token or "", None)

    # Sign-in -------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str, client: str, kind: str) -> Tuple[Optional[str], str, int]:
        """(session token, message, HTTP status of a refusal). The same message for an unknown user, a wrong password and
        a non-member, so the page does not tell which accounts exist."""
        refused = "The user name or password is wrong."
        limited = "Too many failed sign-ins. Wait 15 minutes, or contact the help desk."
        if self.client_failures.exhausted(client):
            self.audit("sign-in", kind=kind, user=username, client=client, result="rate-limited")
            return None, limited, HTTPStatus.TOO_MANY_REQUESTS
        group = self.config.helpdesk_group_dn if kind == "help-desk" else None
        try:
            account = self.directory.find_user(username.strip(), member_of=group) if username.strip() else None
        except DirectoryError as e:
            self.audit("sign-in", kind=kind, user=username, client=client, result="directory-error")
            return None, e.reason, HTTPStatus.FORBIDDEN
        # Failures count per account as the directory names it, so no spelling of the name
        # that the directory also matches starts a fresh count.
        key = (account.sam_account_name if account else username.strip()).casefold()
        if self.account_failures.exhausted(key):
            self.audit("sign-in", kind=kind, user=username, client=client, result="rate-limited")
            return None, limited, HTTPStatus.TOO_MANY_REQUESTS
        # kinit reads one line: a password with a line break or other control character is
        # refused here rather than cut short there.
        if (account is None or not password or any(ord(c) < 32 or ord(c) == 127 for c in password)
                or not kerberos_sign_in(self.config, account.sam_account_name, password)):
            self.account_failures.record(key)
            self.client_failures.record(client)
            self.audit("sign-in", kind=kind, user=username, client=client, result="refused")
            return None, refused, HTTPStatus.FORBIDDEN
        token, _ = self.new_session(account.sam_account_name, kind)
        self.audit("sign-in", kind=kind, user=account.sam_account_name, client=client, result="ok")
        return token, "", HTTPStatus.OK

    # The reset: check, look up, seal, change, show ---------------------------------------

    def reset(self, actor: str, kind: str, username: str, id_text: str, new_password: str) -> ResetOutcome:
        table, other = ((SELF_SERVICE_MESSAGES, SELF_SERVICE_OTHER) if kind == "self-service"
                        else (HELP_DESK_MESSAGES, HELP_DESK_OTHER))
        fields: Dict[str, object] = {"kind": kind, "actor": actor, "user": username}
        # 1. The identification code first: a mistyped group is named before anything else.
        try:
            machine = olr.IdentificationCode.from_uri_or_code(id_text)
        except olr.OfflineResetError as e:
            self.audit("seal", **fields, result=getattr(e.status, "name", str(int(e.status))))
            return ResetOutcome(False, seal_failure_message(e, table, other))
        fields["machine"] = self.machine_tag(machine)
        # 2. The account as the directory has it.
        try:
            account = self.directory.find_user(username)
            if account is None:
                self.audit("seal", **fields, result="no-such-user")
                return ResetOutcome(False, "There is no such user." + NOT_CHANGED)
            domain = self.offline_domain()
        except DirectoryError as e:
            self.audit("seal", **fields, result="directory-error")
            return ResetOutcome(False, e.reason + NOT_CHANGED)
        fields["user"] = account.sam_account_name
        display = f"{domain}\\{account.sam_account_name}"
        if self.seals.exhausted(account.sam_account_name.casefold()):
            self.audit("seal", **fields, result="rate-limited")
            return ResetOutcome(False, "Too many resets for this account in the last hour. Contact the help desk." + NOT_CHANGED,
                                account_display=display)
        # 3. Seal. A failure here changes nothing.
        try:
            ring = self.keys.ring()
            code = ring.seal_reset_code(machine, olr.Account(account.sam_account_name, domain, account.sid),
                                        new_password, int(time.time()))
        except olr.OfflineResetError as e:
            problem = ""
            if e.status == olr.Status.INVALID_USERNAME:
                problem = olr.name_problem(account.sam_account_name).hint()
            self.audit("seal", **fields, result=getattr(e.status, "name", str(int(e.status))), **{
                k: v for k, v in e.details.items() if v})
            return ResetOutcome(False, seal_failure_message(e, table, other, problem), account_display=display)
        self.seals.record(account.sam_account_name.casefold())
        # 4. Change the password in the directory; only when it accepted it is the code handed out.
        try:
            self.directory.set_password(account, new_password)
        except DirectoryError as e:
            # The code is discarded, never shown: it opens only for a password the account does not have.
            self.audit("seal", **fields, epoch=ring.current_epoch, result="directory-refused")
            return ResetOutcome(False, e.reason + NOT_CHANGED, account_display=display)
        self.audit("seal", **fields, epoch=ring.current_epoch, result="ok")
        return ResetOutcome(True, "", code, olr.spell_code(code), display)


# --------------------------------------------------------------------------------------------
# HTTP

STYLE = """body{font-family:sans-serif;max-width:44em;margin:2em auto;padding:0 1em;line-height:1.4}
label{display:block;margin-top:.8em}input{font-size:1.1em;width:100%;box-sizing:border-box}
button{margin-top:1em;font-size:1.1em}.error{color:#a00;font-weight:bold}
.code{font-family:monospace;font-size:1.4em;letter-spacing:.05em;word-break:break-all}"""


def page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>").encode("utf-8")


def e(text: str) -> str:
    return html.escape(text, quote=True)


def error_block(message: str) -> str:
    return f"<p class=error id=error role=alert>{e(message)}</p>" if message else ""


def code_block(outcome: ResetOutcome, who: str) -> str:
    return (f"<p id=result>The password of <b id=account>{e(outcome.account_display)}</b> has been changed. "
            f"{who}</p><p class=code id=reset-code>{e(outcome.code.text if outcome.code else '')}</p>"
            f"<p id=spelling>{e(outcome.spelling)}</p>")


class Handler(BaseHTTPRequestHandler):
    app: App  # set on the subclass made by serve()
    server_version = "offline-reset-example"
    sys_version = ""

    # Plumbing ---------------------------------------------------------------------------

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        # The access log names paths only: a query may carry an identification code.
        sys.stderr.write(f"{self.address_string()} {self.command} {urllib.parse.urlsplit(self.path).path}\n")

    def cookie(self, name: str) -> Optional[str]:
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == name:
                return v
        return None

    def form(self) -> Dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 16384:
            return {}
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        return {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}

    def send(self, status: int, body: bytes, headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Strict-Transport-Security", "max-age=31536000")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, cookie: Optional[str] = None) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        if cookie is not None:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()

    @staticmethod
    def session_cookie(kind: str, token: str, max_age: int) -> str:
        return f"olr-{kind}={token}; Path=/{kind}; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}"

    def current(self, kind: str) -> Tuple[Optional[str], Optional[Session]]:
        token = self.cookie(f"olr-{kind}")
        return token, self.app.session(token, kind)

    # Routes -----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        self.guarded(self.get)

    def do_POST(self) -> None:  # noqa: N802
        self.guarded(self.post)

    def guarded(self, route) -> None:  # type: ignore[no-untyped-def]
        # A bug must not leave the browser with a dropped connection (or a stack trace): log
        # it for the administrators and answer with a page that promises nothing.
        try:
            route()
        except Exception:
            traceback.print_exc()
            self.send(500, page("Error", error_block("Something went wrong. Contact the help desk.")))

    def get(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            self.send(200, page("Password reset", "<p><a href=/self-service>Reset my password</a></p>"
                                "<p><a href=/help-desk>Help desk</a></p>"))
        elif url.path in ("/self-service", "/help-desk"):
            kind = url.path[1:]
            # The QR symbol opens /self-service?olr-id=CODE: keep the code through the sign-in.
            query = urllib.parse.parse_qs(url.query)
            id_text = query.get("olr-id", [""])[0]
            _, session = self.current(kind)
            self.send(200, self.form_page(kind, session, id_text=id_text))
        else:
            self.send(404, page("Not found", ""))

    def post(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        kind, _, action = url.path.strip("/").partition("/")
        if kind not in ("self-service", "help-desk") or action not in ("sign-in", "reset", "sign-out"):
            self.send(404, page("Not found", ""))
            return
        form = self.form()
        token, session = self.current(kind)
        if action == "sign-in":
            new_token, message, status = self.app.sign_in(form.get("username", ""), form.get("password", ""),
                                                  self.client_address[0], kind)
            if new_token is None:
                self.send(status,
                          self.form_page(kind, None, error=message, id_text=form.get("olr-id", ""),
                                         username=form.get("username", "")))
                return
            self.app.end_session(token)
            location = f"/{kind}" + (f"?olr-id={urllib.parse.quote(form['olr-id'])}" if form.get("olr-id") else "")
            self.redirect(location, self.session_cookie(kind, new_token, self.app.config.session_seconds))
            return
        if session is None or not hmac.compare_digest(form.get("csrf", ""), session.csrf):
            self.send(403, self.form_page(kind, None, error="Your session has ended. Sign in again."))
            return
        if action == "sign-out":
            self.app.end_session(token)
            self.redirect(f"/{kind}", self.session_cookie(kind, "", 0))
            return
        new_password, confirm = form.get("new_password", ""), form.get("confirm_password", "")
        target = session.username if kind == "self-service" else form.get("username", "").strip()
        if new_password != confirm:
            self.send(400, self.form_page(kind, session, error="The two new passwords differ." + NOT_CHANGED,
                                          id_text=form.get("identification_code", ""), username=target))
            return
        outcome = self.app.reset(session.username, kind, target, form.get("identification_code", ""), new_password)
        if not outcome.ok:
            self.send(422, self.form_page(kind, session, error=outcome.message,
                                          id_text=form.get("identification_code", ""), username=target))
            return
        if kind == "self-service":
            # The session was opened with the old password: it ends with the reset.
            self.app.end_session(token)
            body = code_block(outcome, "At your computer, type this reset code with your user name and your new password.")
            self.send(200, page("Your reset code", body), {"Set-Cookie": self.session_cookie(kind, "", 0)})
        else:
            body = code_block(outcome, "Read the reset code to the user, group by group, with its spelling. "
                                       "The user types it with the user name and the new password.")
            body += "<p><a href=/help-desk>Next reset</a></p>"
            self.send(200, page("Reset code", body))

    def form_page(self, kind: str, session: Optional[Session], *, error: str = "", id_text: str = "",
                  username: str = "") -> bytes:
        if session is None:
            title = "Reset my password: sign in" if kind == "self-service" else "Help desk: sign in"
            hint = ("Sign in with your current password." if kind == "self-service"
                    else "Sign in with your own account (a member of the help-desk group).")
            return page(title, f"""{error_block(error)}<p>{hint}</p>
<form method=post action=/{kind}/sign-in>
<input type=hidden name=olr-id value="{e(id_text)}">
<label>User name <input name=username id=username autocomplete=username value="{e(username)}"></label>
<label>Password <input name=password id=password type=password autocomplete=current-password></label>
<button type=submit id=sign-in>Sign in</button></form>""")
        who = "" if kind == "help-desk" else f"<p>Signed in as <b>{e(session.username)}</b>.</p>"
        user_field = ("" if kind == "self-service" else
                      f'<label>User name (sAMAccountName) <input name=username id=target value="{e(username)}"></label>')
        title = "Reset my password" if kind == "self-service" else f"Help desk: reset a password (agent {session.username})"
        return page(title, f"""{error_block(error)}{who}
<form method=post action=/{kind}/reset>
<input type=hidden name=csrf value="{e(session.csrf)}">
{user_field}
<label>Identification code (shown on the computer's sign-in screen) <input name=identification_code id=identification-code value="{e(id_text)}" autocomplete=off></label>
<label>New password <input name=new_password id=new-password type=password autocomplete=new-password></label>
<label>New password again <input name=confirm_password id=confirm-password type=password autocomplete=new-password></label>
<button type=submit id=reset>Reset the password</button></form>
<form method=post action=/{kind}/sign-out><input type=hidden name=csrf value="{e(session.csrf)}"><button type=submit>Sign out</button></form>""")


def serve(config: Config) -> None:
    app = App(config)
    app.keys.ring()  # fail at start, not at the first user, when the ring cannot be read
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.tls_cert, config.tls_key)
    handler = type("BoundHandler", (Handler,), {"app": app})
    httpd = ThreadingHTTPServer((config.listen_host, config.listen_port), handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    print(f"serving https://{config.listen_host}:{config.listen_port}/ (offline domain {app.offline_domain()})",
          flush=True)
    httpd.serve_forever()


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["init", "rotate", "serve"])
    parser.add_argument("config")
    parser.add_argument("--grace", type=int, default=0,
                        help="rotate: seconds the previous keys still seal (0: at once, e.g. after a leak)")
    args = parser.parse_args(argv)
    config = Config.load(args.config)
    keys = KeyStore(config.state_dir, config.wrapping_key_file)
    if args.command == "init":
        fingerprint = keys.init()
        print(f"deployment package: {keys.package_path}\nfingerprint: {fingerprint}")
    elif args.command == "rotate":
        epoch, fingerprint = keys.rotate(args.grace)
        print(f"epoch: {epoch}\ndeployment package: {keys.package_path}\nfingerprint: {fingerprint}")
    else:
        serve(config)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

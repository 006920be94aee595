"""The checks of tests/reset-server/run.sh, against a running Samba AD DC and reset server.

Self-service in headless Chromium (selenium, Debian's chromium and chromedriver), the help desk
over HTTP, every reset code redeemed by the C++ login tile (examples/cpp/login_tile.cpp) on a
machine enrolled with the server's deployment package, the directory checked with Kerberos
(kinit). Prints "ok - ..." / "FAIL - ..." per check and "checks: N passed, M failed" last.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, List, Tuple

import offline_reset as olr

passed = failed = 0
secrets: List[str] = []  # every password and reset code used: none may appear in the audit log


def check(condition: bool, what: str, detail: str = "") -> bool:
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   - {what}", flush=True)
    else:
        failed += 1
        print(f"FAIL - {what}" + (f"\n    {detail}" if detail else ""), flush=True)
    return condition


def old_password(user: str) -> str:
    return f"Old-{user}-1!"  # what run.sh created the accounts with


class Env:
    def __init__(self, args: argparse.Namespace) -> None:
        self.work = args.work
        self.tile_bin = args.tile
        self.url = args.url
        self.artifacts = args.artifacts
        self.state = os.path.join(self.work, "state")
        self.context = ssl.create_default_context(cafile=os.path.join(self.work, "https.crt"))
        self.passwords: Dict[str, str] = {}  # user -> current directory password

    # The directory -------------------------------------------------------------------------

    def kinit(self, user: str, password: str) -> bool:
        cc = tempfile.mkdtemp()
        try:
            env = dict(os.environ, KRB5_CONFIG=os.path.join(self.work, "krb5.conf"), KRB5CCNAME=f"FILE:{cc}/cc")
            r = subprocess.run(["kinit", f"{user}@OLR.TEST"], input=(password + "\n").encode(), env=env,
                               capture_output=True, timeout=30)
            return r.returncode == 0
        finally:
            shutil.rmtree(cc, ignore_errors=True)

    def sid_text(self, user: str) -> str:
        out = subprocess.run(["samba-tool", "user", "show", user, "-s", os.path.join(self.work, "dc/etc/smb.conf")],
                             capture_output=True, text=True, check=True).stdout
        return re.search(r"^objectSid: (S-[0-9-]+)$", out, re.M).group(1)

    # The machine (the C++ login tile) ---------------------------------------------------

    def enroll(self, machine_dir: str) -> Tuple[str, str]:
        """(identification code, the tile's package fingerprint) after enrolling or redeploying."""
        out = subprocess.run([self.tile_bin, "enroll", machine_dir, os.path.join(self.state, "package.txt")],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"login_tile enroll failed: {out.stdout}{out.stderr}")
        lines = out.stdout.strip().splitlines()
        fingerprint = next(line.split()[-1] for line in lines if line.startswith("package fingerprint "))
        return lines[-1].strip(), fingerprint

    def tile(self, machine_dir: str, user: str, password: str, code: str) -> str:
        script = f"user {user}\ndomain OLR\ntype {code}\npassword {password}\nsubmit\n"
        out = subprocess.run([self.tile_bin, "tile", machine_dir, str(int(time.time()))], input=script,
                             capture_output=True, text=True, timeout=120)
        return out.stdout

    # HTTP ------------------------------------------------------------------------------------

    def client(self) -> urllib.request.OpenerDirector:
        return urllib.request.build_opener(urllib.request.HTTPSHandler(context=self.context),
                                           urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post(self, opener: urllib.request.OpenerDirector, path: str, form: Dict[str, str]) -> Tuple[int, str]:
        data = urllib.parse.urlencode(form).encode()
        try:
            with opener.open(self.url + path, data=data, timeout=120) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError) as e:
            return 0, f"(no answer: {e!r})"


def csrf_of(page: str) -> str:
    m = re.search(r'name=csrf value="([^"]+)"', page)
    return m.group(1) if m else ""


def element(page: str, ident: str) -> str:
    m = re.search(rf'id={ident}[^>]*>(.*?)</', page, re.S)
    return m.group(1) if m else ""


def mistype(code: str, group: int) -> str:
    """The code with one symbol of `group` (1-based) replaced by another valid symbol."""
    groups = code.split("-")
    g = groups[group - 1]
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    c = g[3]
    groups[group - 1] = g[:3] + alphabet[(alphabet.index(c) + 1) % 32] + g[4:]
    return "-".join(groups)


def help_desk_reset(env: Env, opener, csrf: str, user: str, id_code: str, password: str) -> Tuple[int, str, str]:
    status, page = env.post(opener, "/help-desk/reset", {
        "csrf": csrf, "username": user, "identification_code": id_code,
        "new_password": password, "confirm_password": password})
    return status, page, element(page, "reset-code")


def self_service_in_browser(env: Env, id_code: str) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="olr-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--ignore-certificate-errors", "--window-size=900,1100",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def submit(button_id: str) -> None:
        # Click, then wait for the next page: the old page's button goes stale when it replaced it.
        button = driver.find_element(By.ID, button_id)
        button.click()
        WebDriverWait(driver, 60).until(staleness_of(button))

    try:
        # The QR symbol on the tile opens the portal with the code in the URI: the URI the
        # machine side makes (olr_identification_code_uri) for the portal's configured base.
        uri = olr.IdentificationCode(id_code).uri(f"{env.url}/self-service")
        check(uri == f"{env.url}/self-service?olr-id={id_code}", "the machine's QR URI names the portal and the code", uri)
        driver.get(uri)
        driver.find_element(By.ID, "username").send_keys("alice")
        driver.find_element(By.ID, "password").send_keys(old_password("alice"))
        submit("sign-in")
        field = driver.find_element(By.ID, "identification-code")
        check(field.get_attribute("value") == id_code, "self-service (browser): the QR's olr-id URI fills in the identification code after sign-in",
              f"field: {field.get_attribute('value')!r}")
        # A mistyped group first: named on the page, nothing changed.
        field.clear()
        field.send_keys(mistype(id_code, 3))
        new = "New-alice-2!"
        driver.find_element(By.ID, "new-password").send_keys(new)
        driver.find_element(By.ID, "confirm-password").send_keys(new)
        submit("reset")
        error = driver.find_element(By.ID, "error").text
        driver.save_screenshot(os.path.join(env.artifacts, "self-service-mistyped-group.png"))
        check("Group 3 of the identification code has a typing mistake" in error,
              "self-service (browser): a mistyped group 3 is named on the page", error)
        check(env.kinit("alice", old_password("alice")), "self-service: after the mistyped code the password is unchanged")
        field = driver.find_element(By.ID, "identification-code")
        field.clear()
        field.send_keys(id_code)
        driver.find_element(By.ID, "new-password").send_keys(new)
        driver.find_element(By.ID, "confirm-password").send_keys(new)
        submit("reset")
        code = driver.find_element(By.ID, "reset-code").text
        spelling = driver.find_element(By.ID, "spelling").text
        account = driver.find_element(By.ID, "account").text
        driver.save_screenshot(os.path.join(env.artifacts, "self-service-reset-code.png"))
        check(bool(re.fullmatch(r"[0-9A-Z]{8}(-[0-9A-Z]{8}){4}-[0-9A-Z]{4}", code)),
              "self-service (browser): the reset code is shown", repr(code))
        check(spelling == olr.spell_code(code) and " / " in spelling, "self-service (browser): with its spelling")
        check(account == "OLR\\alice", "self-service (browser): the account shown as DOMAIN\\user", account)
        secrets.extend([code, new])
        env.passwords["alice"] = new
        env.browser_code = code  # type: ignore[attr-defined]
    finally:
        driver_pid = driver.service.process.pid
        driver.quit()
        # Everything the browser test started is gone: chromedriver by its process id, and
        # every Chromium process of this profile.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (alive(driver_pid) or browser_processes(profile)):
            time.sleep(0.25)
        check(not alive(driver_pid) and not browser_processes(profile),
              f"chromedriver (pid {driver_pid}) and its Chromium stopped", str(browser_processes(profile)))
        shutil.rmtree(profile, ignore_errors=True)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def browser_processes(profile: str) -> List[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if profile.encode() in f.read() and alive(int(entry)):
                        found.append(int(entry))
            except OSError:
                pass
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--tile", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--artifacts", required=True)
    env = Env(parser.parse_args())
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../examples/reset-server")
    sys.path.insert(0, example)
    import server  # noqa: E402  (the example itself, for its configuration reader)

    os.environ["CREDENTIALS_DIRECTORY"] = "/run/credentials/offline-reset.service"
    sample = server.Config.load(os.path.join(example, "server.ini.example"))
    check(sample.wrapping_key_file == "/run/credentials/offline-reset.service/wrapping.key"
          and sample.listen_host == "127.0.0.1" and sample.seals_per_user_per_hour == 3,
          "server.ini.example is a configuration the server reads (credentials folder expanded, comments stripped)")
    for user in ("alice", "bob", "strasse", "straße", "carol", "dave"):
        env.passwords[user] = old_password(user)
        secrets.append(old_password(user))

    # The machine: enrolled with the server's package, the accounts cached on it (their SIDs).
    machine = os.path.join(env.work, "machine")
    os.makedirs(machine)
    with open(os.path.join(machine, "cached_accounts"), "w", encoding="utf-8") as f:
        for user in ("alice", "bob", "strasse", "straße"):
            f.write(f"{user} OLR {env.sid_text(user)}\n")
    with open(os.path.join(machine, "fqdn"), "w") as f:
        f.write("olr.test\n")
    id_code, tile_fingerprint = env.enroll(machine)
    init_out = open(os.path.join(env.work, "init.out")).read()
    server_fingerprint = re.search(r"^fingerprint: ([0-9a-f]{64})$", init_out, re.M).group(1)
    check(tile_fingerprint == server_fingerprint, "the tile's package fingerprint is the server's")
    package = open(os.path.join(env.state, "package.txt"), "rb").read()
    check(olr.deployment_package_fingerprint(package.decode() + "\r\n") == server_fingerprint,
          "the fingerprint is over the package's envelope: a trailing CRLF does not change it")

    # Self-service, in a real browser.
    try:
        self_service_in_browser(env, id_code)
    except Exception:
        check(False, "self-service in headless Chromium ran", traceback.format_exc())
    code = getattr(env, "browser_code", "")
    check(env.kinit("alice", env.passwords["alice"]), "self-service: the new password works against the directory (Kerberos)")
    check(not env.kinit("alice", old_password("alice")), "self-service: the previous password is refused by the directory (Kerberos)")
    status, page = env.post(env.client(), "/self-service/sign-in", {"username": "alice", "password": old_password("alice")})
    check(status == 403 and "wrong" in page, "self-service: signing in with the previous password right after the reset is refused", f"{status}")
    out = env.tile(machine, "alice", env.passwords["alice"], code)
    check("tile: [OLR_OK] Your password has been changed. Sign in with the new password." in out,
          "tile: the self-service code opens for alice with the new password", out)
    out = env.tile(machine, "alice", env.passwords["alice"], code)
    check("tile: [OLR_ALREADY_USED]" in out, "tile: the same code again is refused (replay)", out)

    # The help desk, over HTTP.
    agent = env.client()
    status, page = env.post(agent, "/help-desk/sign-in", {"username": "alice", "password": env.passwords["alice"]})
    check(status == 403, "help desk: a user outside the help-desk group cannot sign in", str(status))
    status, page = env.post(agent, "/help-desk/sign-in", {"username": "carol", "password": old_password("carol")})
    csrf = csrf_of(page)
    check(status == 200 and bool(csrf), "help desk: an agent of the group signs in (Kerberos)", f"{status}")
    status, page = env.post(agent, "/help-desk/reset", {"csrf": "forged", "username": "bob", "identification_code": id_code,
                                                      "new_password": "New-bob-2!", "confirm_password": "New-bob-2!"})
    check(status == 403, "help desk: a reset without the session's CSRF token is refused", str(status))

    status, page, bob_code = help_desk_reset(env, agent, csrf, "bob", id_code, "New-bob-2!")
    check(status == 200 and bool(bob_code), "help desk: a reset for bob gives a code", f"{status} {element(page, 'error')}")
    check(" / " in element(page, "spelling"), "help desk: the code is shown with its spelling for reading out")
    secrets.extend([bob_code, "New-bob-2!"])
    check(env.kinit("bob", "New-bob-2!") and not env.kinit("bob", old_password("bob")),
          "help desk: bob's new password works and the old one is refused (Kerberos)")
    env.passwords["bob"] = "New-bob-2!"
    out = env.tile(machine, "bob", "New-bob-2!", bob_code)
    check("tile: [OLR_OK]" in out, "tile: bob's code opens", out)

    # strasse and straße: two accounts; a code for one never opens for the other.
    pasted_uri = f"{env.url}/self-service?olr-id={id_code}"
    status, page, s_code = help_desk_reset(env, agent, csrf, "strasse", pasted_uri, "New-strasse-2!")
    check(status == 200 and bool(s_code), "help desk: a reset for strasse, the olr-id URI pasted as the identification code, gives a code",
          element(page, "error"))
    secrets.extend([s_code, "New-strasse-2!"])
    out = env.tile(machine, "straße", "New-strasse-2!", s_code)
    check("tile: [OLR_REJECTED]" in out, "tile: the code for strasse does not open for straße", out)
    out = env.tile(machine, "strasse", "New-strasse-2!", s_code)
    check("tile: [OLR_OK]" in out, "tile: it opens for strasse", out)
    check(env.kinit("straße", old_password("straße")), "directory: straße's password was not touched")

    # A password the directory refuses after the seal succeeded: no code, nothing changed.
    status, page, none_code = help_desk_reset(env, agent, csrf, "bob", id_code, "short")
    check(status == 422 and not none_code and "refused the new password" in element(page, "error"),
          "help desk: a password the directory refuses shows its reason and no code", f"{status} {element(page, 'error')}")
    check(env.kinit("bob", "New-bob-2!"), "help desk: after the directory refused, bob's password is unchanged")

    # Sign-in attempts are limited per account.
    dave = env.client()
    for _ in range(5):
        env.post(dave, "/self-service/sign-in", {"username": "dave", "password": "Wrong-1!"})
    status, page = env.post(dave, "/self-service/sign-in", {"username": "dave", "password": old_password("dave")})
    check(status == 429 and "Too many failed sign-ins" in page,
          "self-service: after 5 failed sign-ins the right password is refused too (rate limit)", str(status))

    # Rotation: the old identification code gets the redeploy message and nothing changes.
    rotate = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "../../examples/reset-server/server.py"),
                             "rotate", os.path.join(env.work, "server.ini"), "--grace", "0"],
                            capture_output=True, text=True, timeout=120)
    check(rotate.returncode == 0 and "epoch: 2" in rotate.stdout, "server.py rotate makes epoch 2", rotate.stdout + rotate.stderr)
    status, page, r_code = help_desk_reset(env, agent, csrf, "bob", id_code, "New-bob-3!")
    error = element(page, "error")
    check(status == 422 and not r_code and "must be redeployed" in error and "epoch 1" in error,
          "help desk: after a rotation the old identification code gets the redeploy message", error)
    check(env.kinit("bob", "New-bob-2!"), "help desk: the refused seal left bob's password unchanged")
    self_user = env.client()
    status, page = env.post(self_user, "/self-service/sign-in", {"username": "bob", "password": "New-bob-2!"})
    status, page = env.post(self_user, "/self-service/reset", {
        "csrf": csrf_of(page), "identification_code": id_code, "new_password": "New-bob-4!", "confirm_password": "New-bob-4!"})
    check(status == 422 and "needs an update" in element(page, "error") and "has not been changed" in element(page, "error"),
          "self-service: after a rotation the page says the computer needs an update", element(page, "error"))
    check(env.kinit("bob", "New-bob-2!"), "self-service: the refused seal left bob's password unchanged")
    new_id, new_fingerprint = env.enroll(machine)
    check(new_id != id_code and new_fingerprint in rotate.stdout, "tile: redeployed with the new package, a new identification code")
    status, page, r_code = help_desk_reset(env, agent, csrf, "bob", new_id, "New-bob-5!")
    secrets.extend([r_code, "New-bob-3!", "New-bob-4!", "New-bob-5!"])
    out = env.tile(machine, "bob", "New-bob-5!", r_code)
    check(status == 200 and "tile: [OLR_OK]" in out, "after the redeploy a reset works again", out)

    # Seals are limited per user: bob had 3 this hour (one whose password the directory refused).
    status, page, limited_code = help_desk_reset(env, agent, csrf, "bob", new_id, "New-bob-6!")
    check(status == 422 and not limited_code and "Too many resets" in element(page, "error"),
          "help desk: a fourth seal for bob within the hour is refused (limit 3)", element(page, "error"))
    check(env.kinit("bob", "New-bob-5!"), "help desk: the limited reset left bob's password unchanged")
    secrets.append("New-bob-6!")

    # Failed sign-ins are limited per client too (12 in this configuration): then even an agent
    # with the right password is refused from that address.
    for n in range(12):
        env.post(env.client(), "/help-desk/sign-in", {"username": f"nobody{n}", "password": "x"})
    status, page = env.post(env.client(), "/help-desk/sign-in", {"username": "carol", "password": old_password("carol")})
    check(status == 429, "help desk: after 12 failed sign-ins from one address, the right password is refused too", str(status))

    # The audit log: every seal and sign-in, no password, no reset code, no identification code.
    audit = open(os.path.join(env.work, "audit.log"), encoding="utf-8").read()
    records = [json.loads(line) for line in audit.splitlines()]
    check(sum(1 for r in records if r["event"] == "seal" and r["result"] == "ok") == 4 and
          any(r["result"] == "KEY_ROTATED" for r in records) and any(r["result"] == "MISTYPED" for r in records),
          "audit log: the seals, their failures and the sign-ins are recorded", audit[-2000:])
    leaked = [s for s in secrets + [id_code, new_id] if s and s in audit]
    check(not leaked, "audit log: no password, reset code or identification code in it")
    check(os.stat(os.path.join(env.work, "secrets/wrapping.key")).st_mode & 0o777 == 0o400 and
          os.stat(os.path.join(env.state, "ring.olr")).st_mode & 0o777 == 0o600,
          "the wrapping key is 0400 and the ring 0600")
    print(f"checks: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

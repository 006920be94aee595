/*
 * The machine side's storage on Windows, as docs/INTEGRATION.md describes it, with the real
 * Windows APIs (C, mingw-w64 or MSVC; wide-character entry point: build with -municode).
 *
 *   olr-windows-storage enroll DIR PACKAGE_FILE   first enrollment, or a repeated deployment of
 *                                                 the same package (enrolled-once rule: the
 *                                                 identification code is kept), or a redeployment
 *                                                 (olr_machine_redeploy)
 *   olr-windows-storage id DIR                    the identification code
 *   olr-windows-storage reset DIR CODE USER DOMAIN SID PASSWORD NOW
 *                                                 redeems a reset code through the UTF-16 entry
 *                                                 point; DOMAIN "-" takes the default offline
 *                                                 domain from GetComputerNameExW(ComputerNameDnsDomain);
 *                                                 SID as text (S-1-5-21-...), converted with
 *                                                 ConvertStringSidToSidW
 *   olr-windows-storage crash DIR                 writes new temporary files and stops before
 *                                                 MoveFileExW replaces anything (a crash between
 *                                                 write and replace)
 *   olr-windows-storage check DIR                 loads everything (temporary files left by a
 *                                                 crash are removed unread) and prints the state
 *   olr-windows-storage domain                    what GetComputerNameExW answers, and the default
 *                                                 offline domain derived from it
 *   olr-windows-storage randomness                OS randomness through the library: wrapping keys,
 *                                                 a key ring generated and rotated, enrollment
 *
 * DIR holds
 *   key.dpapi   the 64-byte wrapping key, protected with DPAPI in machine scope
 *               (CryptProtectData with CRYPTPROTECT_LOCAL_MACHINE): only code running on this
 *               machine can unprotect it; restrict the folder's ACL to SYSTEM (not shown here)
 *   machine.olr the machine state, exported wrapped under that key
 *   ledger.olr  the replay ledger, exported wrapped, persisted after every redeem that changed it
 *   generation  the ledger generation, kept apart from the ledger (stands in for a monotonic store:
 *               a TPM NV counter or a registry value only SYSTEM writes); a ledger older than it is
 *               refused (OLR_LEDGER_ROLLED_BACK)
 * Every file is written to NAME.tmp, flushed, then moved over NAME with
 * MoveFileExW(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH): a crash leaves the old file or
 * the new one. Two LogonUI sessions can run at once: hold an exclusive lock on ledger.olr around
 * import, redeem and export (examples/cpp/login_tile.cpp shows it); omitted here.
 * Exit codes: 0 success, 2 mistyped reset code, 3 redeploy needed, 4 request a new code, 1 else.
 */
#ifndef UNICODE
#define UNICODE
#endif
#include <windows.h>
#include <wincrypt.h>
#include <sddl.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "offline_reset.h"

#define U16(s) ((const uint16_t *)(s)) /* wchar_t is UTF-16 on Windows */

static wchar_t *path_in(wchar_t *out, size_t cap, const wchar_t *dir, const wchar_t *name)
{
    _snwprintf(out, cap, L"%ls\\%ls", dir, name);
    out[cap - 1] = 0;
    return out;
}

static void win_error(const char *what, const wchar_t *path)
{
    fprintf(stderr, "%s %ls: Windows error %lu\n", what, path ? path : L"", (unsigned long)GetLastError());
}

static int report(const char *what, olr_status status, const olr_error_details *details)
{
    fprintf(stderr, "%s: %s (%s)\n", what, olr_status_message(status), olr_status_name(status));
    if (details != NULL && status == OLR_MISTYPED && details->mistyped_group > 0) {
        fprintf(stderr, "  group %u looks mistyped\n", (unsigned)details->mistyped_group);
    }
    switch (status) {
    case OLR_MISTYPED:
        return 2;
    case OLR_REDEPLOY_NEEDED:
        return 3;
    case OLR_CODE_BEFORE_ROTATION:
        return 4;
    default:
        return 1;
    }
}

/* Reads a whole file (at most CAP bytes); -1 when it cannot. */
static long read_all(const wchar_t *path, uint8_t *buf, size_t cap)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    LARGE_INTEGER size;
    DWORD got = 0;
    if (h == INVALID_HANDLE_VALUE) {
        return -1;
    }
    if (!GetFileSizeEx(h, &size) || size.QuadPart > (LONGLONG)cap ||
        !ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart) {
        win_error("read", path);
        CloseHandle(h);
        return -1;
    }
    CloseHandle(h);
    return (long)got;
}

/* Writes PATH.tmp completely and flushes it; the caller then replaces PATH. */
static int write_tmp(const wchar_t *path, const void *data, size_t len, wchar_t *tmp, size_t tmp_cap)
{
    HANDLE h;
    DWORD put = 0;
    _snwprintf(tmp, tmp_cap, L"%ls.tmp", path);
    tmp[tmp_cap - 1] = 0;
    h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        win_error("create", tmp);
        return -1;
    }
    if (!WriteFile(h, data, (DWORD)len, &put, NULL) || put != len || !FlushFileBuffers(h)) {
        win_error("write", tmp);
        CloseHandle(h);
        DeleteFileW(tmp);
        return -1;
    }
    CloseHandle(h);
    return 0;
}

/* A crash leaves the old file or the new one, never a torn file. */
static int replace_file(const wchar_t *path, const void *data, size_t len)
{
    wchar_t tmp[MAX_PATH + 8];
    if (write_tmp(path, data, len, tmp, MAX_PATH + 8) != 0) {
        return -1;
    }
    if (!MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        win_error("MoveFileExW to", path);
        DeleteFileW(tmp);
        return -1;
    }
    return 0;
}

/* Temporary files a crash left behind are never read: removed before anything is loaded. */
static int remove_leftovers(const wchar_t *dir)
{
    static const wchar_t *names[] = {L"key.dpapi.tmp", L"machine.olr.tmp", L"ledger.olr.tmp", L"generation.tmp"};
    wchar_t path[MAX_PATH];
    int removed = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (DeleteFileW(path_in(path, MAX_PATH, dir, names[i]))) {
            removed++;
        }
    }
    return removed;
}

/* --- the wrapping key under DPAPI (machine scope) ----------------------------------------------- */
static int protect_key(const wchar_t *dir, const uint8_t key[OLR_WRAPPING_KEY_LEN])
{
    DATA_BLOB in = {OLR_WRAPPING_KEY_LEN, (BYTE *)key}, out = {0, NULL};
    wchar_t path[MAX_PATH];
    int rc;
    if (!CryptProtectData(&in, L"offline-reset wrapping key", NULL, NULL, NULL,
                          CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &out)) {
        win_error("CryptProtectData", NULL);
        return -1;
    }
    rc = replace_file(path_in(path, MAX_PATH, dir, L"key.dpapi"), out.pbData, out.cbData);
    LocalFree(out.pbData);
    return rc;
}

static int unprotect_key(const wchar_t *dir, uint8_t key[OLR_WRAPPING_KEY_LEN])
{
    uint8_t blob[4096];
    wchar_t path[MAX_PATH];
    long len = read_all(path_in(path, MAX_PATH, dir, L"key.dpapi"), blob, sizeof blob);
    DATA_BLOB in, out = {0, NULL};
    if (len < 0) {
        return -1;
    }
    in.cbData = (DWORD)len;
    in.pbData = blob;
    if (!CryptUnprotectData(&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out)) {
        win_error("CryptUnprotectData", path);
        return -1;
    }
    if (out.cbData != OLR_WRAPPING_KEY_LEN) {
        fprintf(stderr, "key.dpapi: %lu bytes unprotected\n", (unsigned long)out.cbData);
        LocalFree(out.pbData);
        return -1;
    }
    memcpy(key, out.pbData, OLR_WRAPPING_KEY_LEN);
    SecureZeroMemory(out.pbData, out.cbData);
    LocalFree(out.pbData);
    return 0;
}

/* --- machine state, ledger and generation ------------------------------------------------------- */
static int save_machine(const wchar_t *dir, const olr_machine *m, const uint8_t *key)
{
    static uint8_t bytes[OLR_MACHINE_STATE_MAX_LEN];
    wchar_t path[MAX_PATH];
    size_t len = 0;
    olr_status st = olr_machine_export(m, key, OLR_WRAPPING_KEY_LEN, bytes, sizeof bytes, &len);
    if (st != OLR_OK) {
        return report("export machine state", st, NULL);
    }
    return replace_file(path_in(path, MAX_PATH, dir, L"machine.olr"), bytes, len) ? 1 : 0;
}

static int load_machine(const wchar_t *dir, const uint8_t *key, olr_machine **m)
{
    static uint8_t bytes[OLR_MACHINE_STATE_MAX_LEN + 1];
    wchar_t path[MAX_PATH];
    olr_error_details d;
    long len = read_all(path_in(path, MAX_PATH, dir, L"machine.olr"), bytes, sizeof bytes);
    olr_status st;
    if (len < 0) {
        return 1;
    }
    st = olr_machine_import(bytes, (size_t)len, key, OLR_WRAPPING_KEY_LEN, m, &d);
    return st == OLR_OK ? 0 : report("import machine state", st, &d);
}

static int write_generation(const wchar_t *dir, uint64_t generation)
{
    char text[32];
    wchar_t path[MAX_PATH];
    int n = snprintf(text, sizeof text, "%llu\n", (unsigned long long)generation);
    return replace_file(path_in(path, MAX_PATH, dir, L"generation"), text, (size_t)n) ? 1 : 0;
}

static int read_generation(const wchar_t *dir, uint64_t *out)
{
    uint8_t text[32];
    wchar_t path[MAX_PATH];
    long len = read_all(path_in(path, MAX_PATH, dir, L"generation"), text, sizeof text - 1);
    char *end = NULL;
    if (len <= 0) {
        fprintf(stderr, "generation store unreadable: refusing resets\n");
        return 1;
    }
    text[len] = 0;
    *out = strtoull((const char *)text, &end, 10);
    return end == (char *)text ? 1 : 0;
}

/* The ledger first, then its generation: a crash between them leaves a newer ledger than the
 * stored generation, which imports; never the other way round. */
static int save_ledger(const wchar_t *dir, const olr_replay_ledger *l, const uint8_t *key)
{
    static uint8_t bytes[OLR_REPLAY_LEDGER_MAX_LEN];
    wchar_t path[MAX_PATH];
    size_t len = 0;
    uint64_t generation = 0;
    olr_status st = olr_replay_ledger_export(l, key, OLR_WRAPPING_KEY_LEN, bytes, sizeof bytes, &len);
    if (st == OLR_OK) {
        st = olr_replay_ledger_generation(l, &generation);
    }
    if (st != OLR_OK) {
        return report("export replay ledger", st, NULL);
    }
    if (replace_file(path_in(path, MAX_PATH, dir, L"ledger.olr"), bytes, len) != 0) {
        return 1;
    }
    return write_generation(dir, generation);
}

static int load_ledger(const wchar_t *dir, const uint8_t *key, const olr_machine *m, olr_replay_ledger **l)
{
    static uint8_t bytes[OLR_REPLAY_LEDGER_MAX_LEN + 1];
    wchar_t path[MAX_PATH];
    olr_error_details d;
    uint64_t minimum = 0;
    long len;
    olr_status st;
    if (read_generation(dir, &minimum) != 0) {
        return 1;
    }
    len = read_all(path_in(path, MAX_PATH, dir, L"ledger.olr"), bytes, sizeof bytes);
    if (len < 0) {
        return 1;
    }
    st = olr_replay_ledger_import(bytes, (size_t)len, key, OLR_WRAPPING_KEY_LEN, m, minimum, l, &d);
    return st == OLR_OK ? 0 : report("import replay ledger", st, &d);
}

static int start_ledger(const wchar_t *dir, const olr_machine *m, const uint8_t *key)
{
    olr_replay_ledger *l = NULL;
    olr_status st = olr_replay_ledger_new(m, &l);
    int rc;
    if (st != OLR_OK) {
        return report("new replay ledger", st, NULL);
    }
    rc = save_ledger(dir, l, key);
    olr_replay_ledger_free(l);
    return rc;
}

static int print_id(const olr_machine *m)
{
    char id[OLR_IDENTIFICATION_CODE_TEXT_LEN];
    size_t len = 0;
    uint16_t epoch = 0;
    if (olr_machine_identification_code(m, id, sizeof id, &len) != OLR_OK || olr_machine_epoch(m, &epoch) != OLR_OK) {
        return 1;
    }
    printf("epoch %u\n%.*s\n", (unsigned)epoch, (int)len, id);
    return 0;
}

static long read_package(const wchar_t *file, char *buf, size_t cap)
{
    long len = read_all(file, (uint8_t *)buf, cap);
    if (len < 0) {
        fprintf(stderr, "cannot read %ls\n", file);
    }
    return len;
}

/* --- commands ------------------------------------------------------------------------------------- */
static int cmd_enroll(const wchar_t *dir, const wchar_t *package_file)
{
    static char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 64];
    uint8_t key[OLR_WRAPPING_KEY_LEN];
    wchar_t path[MAX_PATH];
    olr_machine *m = NULL, *next = NULL;
    olr_error_details d;
    olr_status st;
    int rc;
    long len = read_package(package_file, package, sizeof package);
    if (len < 0) {
        return 1;
    }
    remove_leftovers(dir);
    if (GetFileAttributesW(path_in(path, MAX_PATH, dir, L"machine.olr")) == INVALID_FILE_ATTRIBUTES) {
        /* First enrollment: a new wrapping key from the OS (ProcessPrng), protected by DPAPI. */
        size_t key_len = 0;
        st = olr_wrapping_key_generate(key, sizeof key, &key_len);
        if (st != OLR_OK) {
            return report("wrapping key", st, NULL);
        }
        st = olr_machine_enroll(package, (size_t)len, &m, &d);
        if (st != OLR_OK) {
            return report("enroll", st, &d);
        }
        rc = protect_key(dir, key) ? 1 : save_machine(dir, m, key);
        if (rc == 0) {
            rc = start_ledger(dir, m, key);
        }
        if (rc == 0) {
            printf("enrolled (wrapping key under DPAPI machine scope)\n");
            rc = print_id(m);
        }
        SecureZeroMemory(key, sizeof key);
        olr_machine_free(m);
        return rc;
    }
    if (unprotect_key(dir, key) != 0) {
        return 1;
    }
    if ((rc = load_machine(dir, key, &m)) != 0) {
        return rc;
    }
    /* Enrolled once: the same package deployed again changes nothing. */
    bool enrolled = false;
    st = olr_machine_is_enrolled_with(m, package, (size_t)len, &enrolled, &d);
    if (st != OLR_OK) {
        rc = report("package", st, &d);
    } else if (enrolled) {
        printf("already enrolled with this package\n");
        rc = print_id(m);
    } else {
        uint16_t before = 0, after = 0;
        st = olr_machine_redeploy(m, package, (size_t)len, &next, &d);
        if (st != OLR_OK) {
            rc = report("redeploy", st, &d);
        } else {
            olr_machine_epoch(m, &before);
            olr_machine_epoch(next, &after);
            rc = save_machine(dir, next, key);
            if (rc == 0 && after != before) {
                rc = start_ledger(dir, next, key); /* a new enrollment: a new ledger */
            }
            if (rc == 0) {
                printf(after == before ? "redeployed at epoch %u: identification code kept\n"
                                       : "redeployed to epoch %u: new identification code\n",
                       (unsigned)after);
                rc = print_id(next);
            }
        }
    }
    SecureZeroMemory(key, sizeof key);
    olr_machine_free(next);
    olr_machine_free(m);
    return rc;
}

static int cmd_id(const wchar_t *dir)
{
    uint8_t key[OLR_WRAPPING_KEY_LEN];
    olr_machine *m = NULL;
    int rc;
    remove_leftovers(dir);
    if (unprotect_key(dir, key) != 0) {
        return 1;
    }
    rc = load_machine(dir, key, &m);
    SecureZeroMemory(key, sizeof key);
    if (rc == 0) {
        rc = print_id(m);
    }
    olr_machine_free(m);
    return rc;
}

/* GetComputerNameExW(ComputerNameDnsDomain) as UTF-8 in OUT; 0 when Windows answered. */
static int dns_domain(char *out, size_t cap, wchar_t *wide, DWORD wide_cap)
{
    DWORD n = wide_cap;
    if (!GetComputerNameExW(ComputerNameDnsDomain, wide, &n)) {
        return -1;
    }
    wide[n] = 0;
    int len = WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, out, (int)cap - 1, NULL, NULL);
    if (len < 0) {
        return -1;
    }
    out[len] = 0;
    return 0;
}

/* The default offline domain (from the DNS domain) as UTF-16 in OUT; 0 on success. */
static int default_domain(wchar_t *out, size_t cap)
{
    char dns[512], domain[512];
    wchar_t wide[256];
    size_t len = 0;
    olr_status st;
    if (dns_domain(dns, sizeof dns, wide, 256) != 0) {
        fprintf(stderr, "GetComputerNameExW failed: error %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    st = olr_default_offline_domain(dns, strlen(dns), domain, sizeof domain, &len);
    if (st != OLR_OK) {
        fprintf(stderr, "no default offline domain from DNS domain \"%s\": %s\n", dns, olr_status_name(st));
        return 1;
    }
    int n = MultiByteToWideChar(CP_UTF8, 0, domain, (int)len, out, (int)cap - 1);
    out[n > 0 ? n : 0] = 0;
    return n > 0 ? 0 : 1;
}

static int cmd_domain(void)
{
    char dns[512];
    wchar_t wide[256], domain[256];
    if (dns_domain(dns, sizeof dns, wide, 256) != 0) {
        printf("GetComputerNameExW(ComputerNameDnsDomain): failed, error %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("GetComputerNameExW(ComputerNameDnsDomain): \"%s\"\n", dns);
    if (default_domain(domain, 256) == 0) {
        char utf8[512];
        int n = WideCharToMultiByte(CP_UTF8, 0, domain, -1, utf8, sizeof utf8, NULL, NULL);
        printf("default offline domain: %s\n", n > 0 ? utf8 : "?");
    } else {
        printf("default offline domain: none (the user types the domain)\n");
    }
    return 0;
}

static int cmd_reset(wchar_t **argv)
{
    const wchar_t *dir = argv[0], *code = argv[1], *user = argv[2], *domain_arg = argv[3],
                  *sid_text = argv[4], *password = argv[5];
    wchar_t domain[256];
    uint8_t key[OLR_WRAPPING_KEY_LEN];
    PSID sid = NULL;
    olr_machine *m = NULL;
    olr_replay_ledger *l = NULL;
    olr_accepted_reset accepted;
    olr_error_details d;
    uint64_t before = 0, after = 0;
    int64_t now = _wtoi64(argv[6]);
    int rc;
    olr_status st;

    if (wcscmp(domain_arg, L"-") == 0) {
        if (default_domain(domain, 256) != 0) {
            return 1;
        }
    } else {
        wcsncpy(domain, domain_arg, 255);
        domain[255] = 0;
    }
    /* On the machine the SID comes from the account (LookupAccountNameW); here from its text. */
    if (!ConvertStringSidToSidW(sid_text, &sid)) {
        win_error("ConvertStringSidToSidW", sid_text);
        return 1;
    }
    remove_leftovers(dir);
    if (unprotect_key(dir, key) != 0) {
        LocalFree(sid);
        return 1;
    }
    rc = load_machine(dir, key, &m);
    if (rc == 0) {
        rc = load_ledger(dir, key, m, &l);
    }
    if (rc == 0) {
        olr_replay_ledger_generation(l, &before);
        st = olr_machine_redeem_reset_code_utf16(m, l, U16(code), wcslen(code), U16(user), wcslen(user),
                                                 U16(domain), wcslen(domain), (const uint8_t *)sid,
                                                 GetLengthSid(sid), U16(password), wcslen(password), now,
                                                 &accepted, &d);
        /* Persisted after every redeem that changed the ledger (failed attempts count too), and
         * before the password is changed: update cached credentials only when this succeeded. */
        olr_replay_ledger_generation(l, &after);
        if (after != before && save_ledger(dir, l, key) != 0) {
            fprintf(stderr, "the ledger could not be persisted: no reset\n");
            rc = 1;
        } else if (st != OLR_OK) {
            rc = report("reset", st, &d);
        } else {
            char name[512];
            WideCharToMultiByte(CP_UTF8, 0, user, -1, name, sizeof name, NULL, NULL);
            printf("accepted for %s (issued %lld, expires %lld); ledger generation %llu persisted\n", name,
                   (long long)accepted.issued_at, (long long)accepted.expires_at, (unsigned long long)after);
        }
    }
    SecureZeroMemory(key, sizeof key);
    olr_replay_ledger_free(l);
    olr_machine_free(m);
    LocalFree(sid);
    return rc;
}

/* A crash between write and replace: the new contents reach the temporary files, nothing is moved. */
static int cmd_crash(const wchar_t *dir)
{
    static const char torn[] = "OLR\x01 torn";
    wchar_t path[MAX_PATH], tmp[MAX_PATH + 8];
    if (write_tmp(path_in(path, MAX_PATH, dir, L"ledger.olr"), torn, sizeof torn - 1, tmp, MAX_PATH + 8) ||
        write_tmp(path_in(path, MAX_PATH, dir, L"generation"), "999\n", 4, tmp, MAX_PATH + 8) ||
        write_tmp(path_in(path, MAX_PATH, dir, L"key.dpapi"), torn, sizeof torn - 1, tmp, MAX_PATH + 8)) {
        return 1;
    }
    printf("crashed after writing 3 temporary files, before MoveFileExW\n");
    ExitProcess(0);
}

static int cmd_check(const wchar_t *dir)
{
    uint8_t key[OLR_WRAPPING_KEY_LEN];
    olr_machine *m = NULL;
    olr_replay_ledger *l = NULL;
    uint64_t generation = 0;
    size_t accounts = 0, codes = 0;
    int removed = remove_leftovers(dir), rc;
    printf("temporary files removed unread: %d\n", removed);
    if (unprotect_key(dir, key) != 0) {
        return 1;
    }
    rc = load_machine(dir, key, &m);
    if (rc == 0) {
        rc = load_ledger(dir, key, m, &l);
    }
    if (rc == 0) {
        olr_replay_ledger_generation(l, &generation);
        olr_replay_ledger_counts(l, &accounts, &codes);
        printf("state reads: ledger generation %llu, %llu accounts, %llu codes\n", (unsigned long long)generation,
               (unsigned long long)accounts, (unsigned long long)codes);
        rc = print_id(m);
    }
    SecureZeroMemory(key, sizeof key);
    olr_replay_ledger_free(l);
    olr_machine_free(m);
    return rc;
}

/* OS randomness through the library (getrandom -> ProcessPrng in bcryptprimitives.dll). */
static int cmd_randomness(void)
{
    uint8_t a[OLR_WRAPPING_KEY_LEN], b[OLR_WRAPPING_KEY_LEN];
    size_t len = 0;
    olr_server_key_ring *ring = NULL;
    olr_machine *m1 = NULL, *m2 = NULL;
    olr_error_details d;
    static char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN], package2[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    char id1[OLR_IDENTIFICATION_CODE_TEXT_LEN], id2[OLR_IDENTIFICATION_CODE_TEXT_LEN];
    size_t plen = 0, plen2 = 0, l1 = 0, l2 = 0;
    uint16_t epoch = 0;
    int ok = olr_wrapping_key_generate(a, sizeof a, &len) == OLR_OK && len == sizeof a &&
             olr_wrapping_key_generate(b, sizeof b, &len) == OLR_OK && memcmp(a, b, sizeof a) != 0;
    printf("randomness: two wrapping keys %s\n", ok ? "generated, different" : "FAILED");
    ok = ok && olr_server_key_ring_generate(60, 5, &ring) == OLR_OK &&
         olr_server_key_ring_deployment_package(ring, package, sizeof package, &plen) == OLR_OK;
    printf("randomness: key ring generated %s\n", ok ? "ok" : "FAILED");
    ok = ok && olr_server_key_ring_rotate(ring, 1795000000, &epoch) == OLR_OK && epoch == 2 &&
         olr_server_key_ring_deployment_package(ring, package2, sizeof package2, &plen2) == OLR_OK &&
         (plen != plen2 || memcmp(package, package2, plen) != 0);
    printf("randomness: key ring rotated to epoch %u %s\n", (unsigned)epoch, ok ? "ok" : "FAILED");
    ok = ok && olr_machine_enroll(package2, plen2, &m1, &d) == OLR_OK &&
         olr_machine_enroll(package2, plen2, &m2, &d) == OLR_OK &&
         olr_machine_identification_code(m1, id1, sizeof id1, &l1) == OLR_OK &&
         olr_machine_identification_code(m2, id2, sizeof id2, &l2) == OLR_OK && (l1 != l2 || memcmp(id1, id2, l1));
    printf("randomness: two enrollments of one package, different identification codes %s\n", ok ? "ok" : "FAILED");
    SecureZeroMemory(a, sizeof a);
    SecureZeroMemory(b, sizeof b);
    olr_machine_free(m1);
    olr_machine_free(m2);
    olr_server_key_ring_free(ring);
    return ok ? 0 : 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: olr-windows-storage enroll DIR PACKAGE_FILE | id DIR | reset DIR CODE USER DOMAIN SID "
                    "PASSWORD NOW | crash DIR | check DIR | domain | randomness\n");
    return 1;
}

int wmain(int argc, wchar_t **argv)
{
    if (!olr_abi_is_compatible(OLR_ABI_VERSION)) {
        fprintf(stderr, "offline_reset.dll does not serve ABI %u\n", (unsigned)OLR_ABI_VERSION);
        return 1;
    }
    if (argc == 4 && wcscmp(argv[1], L"enroll") == 0) {
        return cmd_enroll(argv[2], argv[3]);
    }
    if (argc == 3 && wcscmp(argv[1], L"id") == 0) {
        return cmd_id(argv[2]);
    }
    if (argc == 9 && wcscmp(argv[1], L"reset") == 0) {
        return cmd_reset(argv + 2);
    }
    if (argc == 3 && wcscmp(argv[1], L"crash") == 0) {
        return cmd_crash(argv[2]);
    }
    if (argc == 3 && wcscmp(argv[1], L"check") == 0) {
        return cmd_check(argv[2]);
    }
    if (argc == 2 && wcscmp(argv[1], L"domain") == 0) {
        return cmd_domain();
    }
    if (argc == 2 && wcscmp(argv[1], L"randomness") == 0) {
        return cmd_randomness();
    }
    return usage();
}

/*
 * The Windows machine side of an offline password reset, in C (what a credential provider
 * does, without the Windows UI).
 *
 *   olr-machine enroll DIR PACKAGE_FILE  first enrollment from a deployment package (trust on
 *                                        first use), or, when DIR already holds a machine,
 *                                        redeployment (olr_machine_redeploy: the package must be
 *                                        signed by the pinned key and not older); prints the
 *                                        identification code for the login screen
 *   olr-machine id DIR                   prints the identification code
 *   olr-machine fingerprint PACKAGE_FILE prints the package fingerprint (compare it with the
 *                                        server's before deploying)
 *   olr-machine reset DIR CODE USER DOMAIN SID PASSWORD NOW
 *                                        redeems a typed reset code offline for the cached
 *                                        account USER in DOMAIN with SID (S-1-5-21-...) and the
 *                                        new password at unix time NOW
 *
 * DIR holds machine.olr, the machine state; ledger.olr, the replay ledger bound to this
 * enrollment (each code works once, failed attempts are limited, a clock set back is refused);
 * and generation, standing in for a monotonic store the ledger file cannot be rolled back with
 * (on Windows a TPM NV counter or a registry value only SYSTEM writes). Everything is plain
 * here; on Windows export the state and the ledger wrapped under a key protected with DPAPI,
 * and hold an exclusive lock on the ledger file around import, redeem and export (two LogonUI
 * sessions can run at once; examples/cpp/login_tile.cpp shows the lock).
 * Exit codes: 0 success, 2 mistyped reset code, 3 redeploy needed, 4 request a new code,
 * 1 else (already used, superseded, rejected, too many attempts, clock set back, ...).
 */
#include <errno.h>
#include <stdint.h>

#include "common.h"

static int load_machine(const char *dir, olr_machine **machine)
{
    unsigned char bytes[OLR_MACHINE_STATE_MAX_LEN + 1];
    char path[4096];
    olr_error_details details;
    olr_status status;
    long len = read_file(path_in(path, sizeof path, dir, "machine.olr"), bytes, sizeof bytes);
    if (len < 0) {
        return EXIT_FAILURE;
    }
    status = olr_machine_import(bytes, (size_t)len, NULL, 0, machine, &details);
    memset(bytes, 0, sizeof bytes); /* the plain state holds the machine key */
    return status == OLR_OK ? 0 : report("import machine state", status, &details);
}

static int save_machine(const char *dir, const olr_machine *machine)
{
    unsigned char state[OLR_MACHINE_STATE_MAX_LEN];
    char path[4096];
    size_t state_len = 0;
    int rc;
    olr_status status = olr_machine_export(machine, NULL, 0, state, sizeof state, &state_len);
    rc = status == OLR_OK
             ? replace_file(path_in(path, sizeof path, dir, "machine.olr"), state, state_len)
             : report("export machine state", status, NULL);
    memset(state, 0, sizeof state);
    return rc;
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
        fclose(f);
    }
    return f != NULL;
}

static int print_id(const olr_machine *machine)
{
    char id[OLR_IDENTIFICATION_CODE_TEXT_LEN];
    size_t id_len = 0;
    uint16_t epoch = 0;
    olr_status status = olr_machine_identification_code(machine, id, sizeof id, &id_len);
    if (status == OLR_OK) {
        status = olr_machine_epoch(machine, &epoch);
    }
    if (status != OLR_OK) {
        return report("identification code", status, NULL);
    }
    fprintf(stderr, "enrolled for key epoch %u; the login screen shows:\n", (unsigned)epoch);
    printf("%.*s\n", (int)id_len, id);
    return 0;
}

/* The monotonic store (simulated by a file here): the ledger generation last persisted. */
static int read_generation(const char *dir, uint64_t *out)
{
    unsigned char text[32];
    char path[4096];
    char *end = NULL;
    long len = read_file(path_in(path, sizeof path, dir, "generation"), text, sizeof text - 1);
    if (len < 0) {
        return EXIT_FAILURE;
    }
    text[len] = '\0';
    errno = 0;
    *out = (uint64_t)strtoull((const char *)text, &end, 10);
    if (errno != 0 || end == (char *)text) {
        fprintf(stderr, "generation store unreadable: refusing resets\n");
        return EXIT_FAILURE;
    }
    return 0;
}

static int write_generation(const char *dir, uint64_t generation)
{
    char text[32], path[4096];
    int n = snprintf(text, sizeof text, "%llu\n", (unsigned long long)generation);
    return replace_file(path_in(path, sizeof path, dir, "generation"), text, (size_t)n);
}

static int save_ledger(const char *dir, const olr_replay_ledger *ledger)
{
    static unsigned char bytes[OLR_REPLAY_LEDGER_MAX_LEN];
    char path[4096];
    size_t len = 0;
    olr_status status = olr_replay_ledger_export(ledger, NULL, 0, bytes, sizeof bytes, &len);
    if (status != OLR_OK) {
        return report("export replay ledger", status, NULL);
    }
    return replace_file(path_in(path, sizeof path, dir, "ledger.olr"), bytes, len);
}

/* A new enrollment (first, or redeployed to a new epoch) starts a new ledger bound to it, and
 * the monotonic store starts again at its generation 0. */
static int start_ledger(const char *dir, const olr_machine *machine)
{
    olr_replay_ledger *ledger = NULL;
    olr_status status = olr_replay_ledger_new(machine, &ledger);
    int rc;
    if (status != OLR_OK) {
        return report("new replay ledger", status, NULL);
    }
    rc = save_ledger(dir, ledger);
    olr_replay_ledger_free(ledger);
    return rc != 0 ? rc : write_generation(dir, 0);
}

static int print_fingerprint(const unsigned char *package, size_t len)
{
    char fingerprint[OLR_PACKAGE_FINGERPRINT_LEN];
    size_t fingerprint_len = 0;
    olr_error_details details;
    olr_status status = olr_deployment_package_fingerprint(
        (const char *)package, len, fingerprint, sizeof fingerprint, &fingerprint_len, &details);
    if (status != OLR_OK) {
        return report("deployment package", status, &details);
    }
    fprintf(stderr, "package fingerprint %.*s\n", (int)fingerprint_len, fingerprint);
    return 0;
}

static int cmd_fingerprint(const char *package_path)
{
    unsigned char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 64];
    long len = read_file(package_path, package, sizeof package);
    return len < 0 ? EXIT_FAILURE : print_fingerprint(package, (size_t)len);
}

static int cmd_enroll(const char *dir, const char *package_path)
{
    unsigned char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 64];
    char path[4096];
    olr_machine *machine = NULL, *redeployed = NULL;
    olr_error_details details;
    olr_status status;
    uint16_t old_epoch = 0, new_epoch = 0;
    bool same = false;
    int rc;
    long len = read_file(package_path, package, sizeof package);
    if (len < 0 || print_fingerprint(package, (size_t)len) != 0) {
        return EXIT_FAILURE;
    }
    if (!file_exists(path_in(path, sizeof path, dir, "machine.olr"))) {
        /* First enrollment: the package must come over an admin-authenticated channel. */
        status = olr_machine_enroll((const char *)package, (size_t)len, &machine, &details);
        if (status != OLR_OK) {
            return report("enroll", status, &details);
        }
        rc = start_ledger(dir, machine);
        if (rc == 0) {
            rc = save_machine(dir, machine);
        }
        if (rc == 0) {
            rc = print_id(machine);
        }
        olr_machine_free(machine);
        return rc;
    }
    /* Enrolled already: never enroll afresh over the state; redeploy. */
    if ((rc = load_machine(dir, &machine)) != 0) {
        return rc;
    }
    /* A repeated deployment of the same package changes nothing (this only saves work; it
     * does not decide whether a package is genuine). */
    status = olr_machine_is_enrolled_with(machine, (const char *)package, (size_t)len, &same,
                                          &details);
    if (status == OLR_OK && same) {
        fprintf(stderr, "already enrolled with this deployment package\n");
        rc = print_id(machine);
        olr_machine_free(machine);
        return rc;
    }
    status = olr_machine_redeploy(machine, (const char *)package, (size_t)len, &redeployed,
                                  &details);
    if (status == OLR_OK) {
        status = olr_machine_epoch(machine, &old_epoch);
    }
    if (status == OLR_OK) {
        status = olr_machine_epoch(redeployed, &new_epoch);
    }
    olr_machine_free(machine);
    if (status != OLR_OK) {
        olr_machine_free(redeployed);
        return report("redeploy", status, &details);
    }
    if (new_epoch != old_epoch) {
        /* A new key pair: the old ledger is bound to the old enrollment. */
        fprintf(stderr, "redeployed from epoch %u to %u: new identification code, new replay "
                        "ledger\n", (unsigned)old_epoch, (unsigned)new_epoch);
        rc = start_ledger(dir, redeployed);
    } else {
        fprintf(stderr, "redeployed at epoch %u: identification code kept\n",
                (unsigned)new_epoch);
        rc = 0;
    }
    if (rc == 0) {
        rc = save_machine(dir, redeployed);
    }
    if (rc == 0) {
        rc = print_id(redeployed);
    }
    olr_machine_free(redeployed);
    return rc;
}

static int cmd_id(const char *dir)
{
    olr_machine *machine = NULL;
    int rc = load_machine(dir, &machine);
    if (rc == 0) {
        rc = print_id(machine);
        olr_machine_free(machine);
    }
    return rc;
}

/* Loads DIR/ledger.olr for this machine, refusing a copy older than the monotonic store says.
 * A ledger that is missing or does not read is an error: replacing it with an empty one would
 * allow replays. Resets are refused until an administrator acts. */
static int load_ledger(const char *dir, const olr_machine *machine, olr_replay_ledger **ledger)
{
    static unsigned char bytes[OLR_REPLAY_LEDGER_MAX_LEN + 1];
    char path[4096];
    olr_error_details details;
    olr_status status;
    uint64_t minimum = 0;
    long len;
    if (read_generation(dir, &minimum) != 0) {
        return EXIT_FAILURE;
    }
    len = read_file(path_in(path, sizeof path, dir, "ledger.olr"), bytes, sizeof bytes);
    if (len < 0) {
        fprintf(stderr, "no replay ledger: resets refused until an administrator acts\n");
        return EXIT_FAILURE;
    }
    status = olr_replay_ledger_import(bytes, (size_t)len, NULL, 0, machine, minimum, ledger,
                                      &details);
    return status == OLR_OK ? 0 : report("import replay ledger", status, &details);
}

static int cmd_reset(char **argv)
{
    const char *dir = argv[2], *code = argv[3], *user = argv[4], *domain = argv[5];
    const char *password = argv[7];
    unsigned char sid[OLR_MAX_SID_LEN];
    size_t sid_len = parse_sid(argv[6], sid);
    olr_machine *machine = NULL;
    olr_replay_ledger *ledger = NULL;
    olr_accepted_reset accepted;
    olr_error_details details;
    olr_status status;
    uint64_t generation = 0;
    char *end = NULL;
    int64_t now;
    int rc;

    errno = 0;
    now = (int64_t)strtoll(argv[8], &end, 10);
    if (errno != 0 || end == argv[8] || *end != '\0') {
        fprintf(stderr, "not a unix time: %s\n", argv[8]);
        return EXIT_FAILURE;
    }
    if (sid_len == 0) {
        fprintf(stderr, "not a SID (S-1-...): %s\n", argv[6]);
        return EXIT_FAILURE;
    }
    if ((rc = load_machine(dir, &machine)) != 0) {
        return rc;
    }
    if ((rc = load_ledger(dir, machine, &ledger)) != 0) {
        olr_machine_free(machine);
        return rc;
    }
    /* Redeem (open, count the attempt, record) with the cached account's SID. The ledger
     * changes on failures too (attempts are counted before the answer): whatever the status,
     * persist it, then raise the monotonic store, and only then show the answer or update
     * cached credentials (docs/PROTOCOL.md section 12.3, rule 7). */
    status = olr_machine_redeem_reset_code(machine, ledger, code, strlen(code), user, strlen(user),
                                           domain, strlen(domain), sid, sid_len, password,
                                           strlen(password), now, &accepted, &details);
    olr_machine_free(machine);
    rc = save_ledger(dir, ledger);
    if (rc == 0 && olr_replay_ledger_generation(ledger, &generation) != OLR_OK) {
        rc = EXIT_FAILURE;
    }
    olr_replay_ledger_free(ledger);
    if (rc == 0) {
        rc = write_generation(dir, generation);
    }
    if (rc != 0) {
        fprintf(stderr, "replay ledger not persisted: reset refused\n");
        return rc;
    }
    if (status != OLR_OK) {
        return report("reset code", status, &details);
    }
    /* Only now may the credential provider update the cached credentials of this account. */
    printf("reset code accepted for %s\\%s (issued at %lld, valid until %lld)\n", domain, user,
           (long long)accepted.issued_at, (long long)accepted.expires_at);
    return 0;
}


/* The login tile's QR code for the self-service portal: the URI, then the symbol as text (two
 * characters per module, '#' dark). A credential provider draws the same matrix with GDI. */
static int cmd_qr(const char *dir, const char *portal)
{
    static uint8_t modules[OLR_QR_MAX_WIDTH * OLR_QR_MAX_WIDTH];
    char id[OLR_IDENTIFICATION_CODE_TEXT_LEN], uri[OLR_IDENTIFICATION_URI_MAX_LEN];
    size_t id_len = 0, uri_len = 0, n = 0, width = 0;
    olr_machine *machine = NULL;
    olr_error_details details;
    olr_status status;
    int rc;

    if ((rc = load_machine(dir, &machine)) != 0) {
        return rc;
    }
    status = olr_machine_identification_code(machine, id, sizeof id, &id_len);
    olr_machine_free(machine);
    if (status == OLR_OK) {
        status = olr_identification_code_uri(id, id_len, portal, strlen(portal), uri, sizeof uri,
                                             &uri_len, &details);
    }
    if (status == OLR_OK) {
        status = olr_identification_code_qr(id, id_len, portal, strlen(portal), modules,
                                            sizeof modules, &n, &width, &details);
    }
    if (status != OLR_OK) {
        return report("QR code", status, &details);
    }
    printf("%.*s\n", (int)uri_len, uri);
    for (size_t y = 0; y < width; y++) {
        for (size_t x = 0; x < width; x++) {
            fputs(modules[y * width + x] ? "##" : "  ", stdout);
        }
        putchar('\n');
    }
    printf("QR symbol %zu x %zu modules (quiet zone included)\n", width, width);
    return 0;
}

/* Feedback while the user types a reset code: one mark per group. */
static int cmd_typing(const char *typed)
{
    static const char *const marks[] = {"--", "..", "ok", "XX", "?!"};
    olr_typing_progress p;
    olr_status status = olr_reset_code_progress(typed, strlen(typed), &p);
    if (status != OLR_OK) {
        return report("typing", status, NULL);
    }
    for (unsigned g = 0; g < p.group_count; g++) {
        printf("%s%s", g ? " " : "", p.groups[g] <= 4 ? marks[p.groups[g]] : "??");
    }
    printf(" | %u of %u symbols%s%s%s\n", (unsigned)p.symbols_typed,
           (unsigned)p.symbols_expected, p.too_long ? ", too long" : "",
           p.first_wrong_group ? ", a group is wrong" : "", p.ready ? ", ready" : "");
    return 0;
}

static int program_main(int argc, char **argv)
{
    check_abi();
    if (argc == 4 && strcmp(argv[1], "enroll") == 0) {
        return cmd_enroll(argv[2], argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "id") == 0) {
        return cmd_id(argv[2]);
    }
    if (argc == 3 && strcmp(argv[1], "fingerprint") == 0) {
        return cmd_fingerprint(argv[2]);
    }
    if (argc == 9 && strcmp(argv[1], "reset") == 0) {
        return cmd_reset(argv);
    }
    if (argc == 4 && strcmp(argv[1], "qr") == 0) {
        return cmd_qr(argv[2], argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "typing") == 0) {
        return cmd_typing(argv[2]);
    }
    fprintf(stderr,
            "usage: %s enroll DIR PACKAGE_FILE | id DIR | fingerprint PACKAGE_FILE\n"
            "       | reset DIR CODE USER DOMAIN SID PASSWORD NOW\n"
            "       | qr DIR PORTAL_URL | typing TEXT\n"
            "(liboffline_reset %s)\n",
            argc > 0 ? argv[0] : "olr-machine", olr_version());
    return EXIT_FAILURE;
}

OLR_EXAMPLE_MAIN(program_main)

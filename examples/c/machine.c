/*
 * The Windows machine side of an offline password reset, in C (what a credential provider
 * does, without the Windows UI).
 *
 *   olr-machine enroll DIR PACKAGE_FILE  enroll from a deployment package (kept when it is the
 *                                        package already enrolled with); prints the
 *                                        identification code for the login screen
 *   olr-machine id DIR                   prints the identification code
 *   olr-machine reset DIR CODE USER DOMAIN PASSWORD NOW
 *                                        checks a typed reset code offline for that account
 *                                        and new password at unix time NOW
 *
 * DIR holds machine.olr, the machine state, and ledger.olr, the replay ledger that makes each
 * reset code work once (both plain here; on Windows export them wrapped under a key protected
 * with DPAPI). Exit codes: 0 success, 2 mistyped reset code, 3 redeploy needed, 4 request a
 * new code, 1 else (already used, superseded, rejected, ...).
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

static int cmd_enroll(const char *dir, const char *package_path)
{
    unsigned char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 64];
    unsigned char state[OLR_MACHINE_STATE_MAX_LEN];
    char path[4096];
    size_t state_len = 0;
    olr_machine *machine = NULL;
    olr_error_details details;
    olr_status status;
    bool same = false;
    int rc;
    long len = read_file(package_path, package, sizeof package);
    if (len < 0) {
        return EXIT_FAILURE;
    }
    /* A repeated deployment of the same package keeps the enrollment (and its code). */
    if (file_exists(path_in(path, sizeof path, dir, "machine.olr")) &&
        load_machine(dir, &machine) == 0) {
        status = olr_machine_is_enrolled_with(machine, (const char *)package, (size_t)len, &same,
                                              &details);
        if (status != OLR_OK) {
            olr_machine_free(machine);
            return report("deployment package", status, &details);
        }
        if (same) {
            fprintf(stderr, "already enrolled with this deployment package\n");
            rc = print_id(machine);
            olr_machine_free(machine);
            return rc;
        }
        olr_machine_free(machine);
        machine = NULL;
        fprintf(stderr, "new deployment package: enrolling again\n");
    }
    status = olr_machine_enroll((const char *)package, (size_t)len, &machine, &details);
    if (status != OLR_OK) {
        return report("enroll", status, &details);
    }
    status = olr_machine_export(machine, NULL, 0, state, sizeof state, &state_len);
    rc = status == OLR_OK ? write_file(path_in(path, sizeof path, dir, "machine.olr"), state,
                                       state_len)
                          : report("export machine state", status, NULL);
    memset(state, 0, sizeof state);
    if (rc == 0) {
        rc = print_id(machine);
    }
    olr_machine_free(machine);
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

/* Loads DIR/ledger.olr, or starts an empty ledger when there is none yet. A ledger that exists
 * but does not read is an error: replacing it with an empty one would allow replays. */
static int load_ledger(const char *dir, olr_replay_ledger **ledger)
{
    static unsigned char bytes[OLR_REPLAY_LEDGER_MAX_LEN + 1];
    char path[4096];
    olr_error_details details;
    olr_status status;
    long len;
    path_in(path, sizeof path, dir, "ledger.olr");
    if (!file_exists(path)) {
        status = olr_replay_ledger_new(ledger);
        return status == OLR_OK ? 0 : report("new replay ledger", status, NULL);
    }
    len = read_file(path, bytes, sizeof bytes);
    if (len < 0) {
        return EXIT_FAILURE;
    }
    status = olr_replay_ledger_import(bytes, (size_t)len, NULL, 0, ledger, &details);
    return status == OLR_OK ? 0 : report("import replay ledger", status, &details);
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
    return write_file(path_in(path, sizeof path, dir, "ledger.olr"), bytes, len);
}

static int cmd_reset(char **argv)
{
    const char *dir = argv[2], *code = argv[3], *user = argv[4], *domain = argv[5];
    const char *password = argv[6];
    olr_machine *machine = NULL;
    olr_replay_ledger *ledger = NULL;
    olr_accepted_reset accepted;
    olr_error_details details;
    olr_status status;
    char *end = NULL;
    int64_t now;
    int rc;

    errno = 0;
    now = (int64_t)strtoll(argv[7], &end, 10);
    if (errno != 0 || end == argv[7] || *end != '\0') {
        fprintf(stderr, "not a unix time: %s\n", argv[7]);
        return EXIT_FAILURE;
    }
    if ((rc = load_machine(dir, &machine)) != 0) {
        return rc;
    }
    if ((rc = load_ledger(dir, &ledger)) != 0) {
        olr_machine_free(machine);
        return rc;
    }
    /* Open and record in the replay ledger in one call; then persist the ledger; only then
     * update cached credentials (docs/PROTOCOL.md section 12.3). */
    status = olr_machine_redeem_reset_code(machine, ledger, code, strlen(code), user, strlen(user),
                                           domain, strlen(domain), password, strlen(password),
                                           now, &accepted, &details);
    olr_machine_free(machine);
    if (status != OLR_OK) {
        olr_replay_ledger_free(ledger);
        return report("reset code", status, &details);
    }
    rc = save_ledger(dir, ledger);
    olr_replay_ledger_free(ledger);
    if (rc != 0) {
        return rc;
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

int main(int argc, char **argv)
{
    check_abi();
    if (argc == 4 && strcmp(argv[1], "enroll") == 0) {
        return cmd_enroll(argv[2], argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "id") == 0) {
        return cmd_id(argv[2]);
    }
    if (argc == 8 && strcmp(argv[1], "reset") == 0) {
        return cmd_reset(argv);
    }
    if (argc == 4 && strcmp(argv[1], "qr") == 0) {
        return cmd_qr(argv[2], argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "typing") == 0) {
        return cmd_typing(argv[2]);
    }
    fprintf(stderr,
            "usage: %s enroll DIR PACKAGE_FILE | id DIR | reset DIR CODE USER DOMAIN PASSWORD NOW\n"
            "       | qr DIR PORTAL_URL | typing TEXT\n"
            "(liboffline_reset %s)\n",
            argc > 0 ? argv[0] : "olr-machine", olr_version());
    return EXIT_FAILURE;
}

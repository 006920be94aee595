/*
 * The reset server side of an offline password reset, in C.
 *
 *   olr-server init DIR                  new key ring (stored wrapped) and deployment package
 *   olr-server rotate DIR NOW            new key generation and deployment package
 *   olr-server seal DIR ID USER DOMAIN SID PASSWORD NOW [FQDN]
 *                                        reset code for the machine showing identification code
 *                                        ID, for the account USER in DOMAIN whose SID (objectSid,
 *                                        written S-1-5-21-...) is SID; an empty DOMAIN is
 *                                        derived from FQDN
 *   olr-server limits DIR PER_CODE PER_ACCOUNT
 *                                        failed-attempt limits of the next deployment package
 *                                        (same epoch: machines keep their codes)
 *
 * DIR holds ring.olr (the key ring, wrapped), wrapping.key and package.txt. A real server keeps
 * the wrapping key in DPAPI, an HSM or a KMS, never next to the ring. NOW is unix seconds.
 * Exit codes: 0 success, 2 mistyped identification code, 3 key rotated, 1 anything else.
 */
#include <errno.h>
#include <stdint.h>

#include "common.h"

static int parse_time(const char *text, int64_t *out)
{
    char *end = NULL;
    long long value;
    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        fprintf(stderr, "not a unix time: %s\n", text);
        return -1;
    }
    *out = (int64_t)value;
    return 0;
}

/* Loads DIR/ring.olr with DIR/wrapping.key. */
static int load_ring(const char *dir, olr_server_key_ring **ring)
{
    unsigned char key[OLR_WRAPPING_KEY_LEN + 1];
    unsigned char bytes[OLR_SERVER_KEY_RING_MAX_LEN + 1];
    char path[4096];
    olr_error_details details;
    olr_status status;
    long key_len = read_file(path_in(path, sizeof path, dir, "wrapping.key"), key, sizeof key);
    long len = read_file(path_in(path, sizeof path, dir, "ring.olr"), bytes, sizeof bytes);
    if (key_len < 0 || len < 0) {
        return EXIT_FAILURE;
    }
    status = olr_server_key_ring_import(bytes, (size_t)len, key, (size_t)key_len, ring, &details);
    memset(key, 0, sizeof key); /* a real program uses a wipe the compiler cannot drop */
    return status == OLR_OK ? 0 : report("import key ring", status, &details);
}

/* Stores the ring wrapped, and its deployment package; prints the package. */
static int save_ring(const char *dir, const olr_server_key_ring *ring)
{
    unsigned char key[OLR_WRAPPING_KEY_LEN + 1];
    unsigned char *bytes = NULL;
    char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    char fingerprint[OLR_PACKAGE_FINGERPRINT_LEN];
    char path[4096];
    size_t len = 0;
    size_t package_len = 0, fingerprint_len = 0;
    uint16_t epoch = 0;
    olr_status status;
    long key_len = read_file(path_in(path, sizeof path, dir, "wrapping.key"), key, sizeof key);
    if (key_len < 0) {
        return EXIT_FAILURE;
    }
    /* The export's size depends on the generations held: ask for it first. */
    status = olr_server_key_ring_export(ring, key, (size_t)key_len, NULL, 0, &len);
    if (status == OLR_BUFFER_TOO_SMALL && (bytes = malloc(len)) != NULL) {
        status = olr_server_key_ring_export(ring, key, (size_t)key_len, bytes, len, &len);
    }
    memset(key, 0, sizeof key);
    if (status != OLR_OK || bytes == NULL) {
        free(bytes);
        return report("export key ring", status, NULL);
    }
    if (write_file(path_in(path, sizeof path, dir, "ring.olr"), bytes, len) != 0) {
        free(bytes);
        return EXIT_FAILURE;
    }
    free(bytes);
    status = olr_server_key_ring_deployment_package(ring, package, sizeof package, &package_len);
    if (status != OLR_OK) {
        return report("deployment package", status, NULL);
    }
    if (write_file(path_in(path, sizeof path, dir, "package.txt"), package, package_len) != 0) {
        return EXIT_FAILURE;
    }
    if ((status = olr_server_key_ring_current_epoch(ring, &epoch)) != OLR_OK) {
        return report("current epoch", status, NULL);
    }
    /* The admin compares this fingerprint with the machine's before the first deployment. */
    status = olr_deployment_package_fingerprint(package, package_len, fingerprint,
                                                sizeof fingerprint, &fingerprint_len, NULL);
    if (status != OLR_OK) {
        return report("package fingerprint", status, NULL);
    }
    printf("key ring at epoch %u; package fingerprint %.*s\n"
           "deployment package for the login integration:\n%.*s\n",
           (unsigned)epoch, (int)fingerprint_len, fingerprint, (int)package_len, package);
    return 0;
}

static int cmd_init(const char *dir)
{
    unsigned char key[OLR_WRAPPING_KEY_LEN];
    char path[4096];
    size_t key_len = 0;
    olr_server_key_ring *ring = NULL;
    int rc;
    olr_status status = olr_wrapping_key_generate(key, sizeof key, &key_len);
    if (status != OLR_OK) {
        return report("wrapping key", status, NULL);
    }
    rc = write_file(path_in(path, sizeof path, dir, "wrapping.key"), key, key_len);
    memset(key, 0, sizeof key);
    if (rc != 0) {
        return EXIT_FAILURE;
    }
    /* The cheapest password cost (Argon2id 19 MiB, 2 passes) keeps this example fast. In
     * production pass OLR_DEFAULT_PASSWORD_MEMORY_KIB, OLR_DEFAULT_PASSWORD_ITERATIONS and
     * OLR_DEFAULT_PASSWORD_PARALLELISM (what olr_server_key_ring_generate uses) or more. */
    status = olr_server_key_ring_generate_with_password_cost(
        OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES, OLR_MIN_PASSWORD_MEMORY_KIB,
        OLR_MIN_PASSWORD_ITERATIONS, 1, &ring);
    if (status != OLR_OK) {
        return report("generate key ring", status, NULL);
    }
    rc = save_ring(dir, ring);
    olr_server_key_ring_free(ring);
    return rc;
}

static int cmd_rotate(const char *dir, const char *now_text)
{
    olr_server_key_ring *ring = NULL;
    int64_t now;
    uint16_t epoch = 0;
    olr_status status;
    int rc;
    if (parse_time(now_text, &now) != 0 || (rc = load_ring(dir, &ring)) != 0) {
        return EXIT_FAILURE;
    }
    status = olr_server_key_ring_rotate(ring, now, &epoch);
    rc = status == OLR_OK ? save_ring(dir, ring) : report("rotate", status, NULL);
    olr_server_key_ring_free(ring);
    return rc;
}

static int cmd_limits(const char *dir, const char *per_code, const char *per_account)
{
    olr_server_key_ring *ring = NULL;
    olr_status status;
    int rc;
    long code_limit = strtol(per_code, NULL, 10), account_limit = strtol(per_account, NULL, 10);
    if (code_limit < 0 || code_limit > 65535 || account_limit < 0 || account_limit > 65535) {
        fprintf(stderr, "limits are 1 to 1000\n");
        return EXIT_FAILURE;
    }
    if ((rc = load_ring(dir, &ring)) != 0) {
        return rc;
    }
    status = olr_server_key_ring_set_attempt_limits(ring, (uint16_t)code_limit,
                                                    (uint16_t)account_limit);
    rc = status == OLR_OK ? save_ring(dir, ring) : report("attempt limits", status, NULL);
    olr_server_key_ring_free(ring);
    return rc;
}

static int cmd_seal(int argc, char **argv)
{
    const char *dir = argv[2], *typed_id = argv[3], *user = argv[4], *domain = argv[5];
    const char *password = argv[7];
    unsigned char sid[OLR_MAX_SID_LEN];
    size_t sid_len = parse_sid(argv[6], sid);
    char canonical[OLR_IDENTIFICATION_CODE_TEXT_LEN];
    char derived[OLR_MAX_NAME_LEN];
    char code[OLR_RESET_CODE_TEXT_LEN];
    size_t canonical_len = 0, domain_len = strlen(domain), code_len = 0;
    olr_server_key_ring *ring = NULL;
    olr_error_details details;
    olr_status status;
    int64_t now;
    int rc;

    if (parse_time(argv[8], &now) != 0) {
        return EXIT_FAILURE;
    }
    if (sid_len == 0) {
        fprintf(stderr, "not a SID (S-1-...): %s\n", argv[6]);
        return EXIT_FAILURE;
    }
    /* First reject a mistyped code, naming the group, before asking for anything else. */
    status = olr_identification_code_check(typed_id, strlen(typed_id), canonical,
                                           sizeof canonical, &canonical_len, &details);
    if (status != OLR_OK) {
        return report("identification code", status, &details);
    }
    fprintf(stderr, "identification code %.*s\n", (int)canonical_len, canonical);
    if (domain_len == 0) {
        /* Offline domain left blank: derive it from the user's FQDN. */
        const char *fqdn = argc > 9 ? argv[9] : "";
        status = olr_default_offline_domain(fqdn, strlen(fqdn), derived, sizeof derived,
                                            &domain_len);
        if (status != OLR_OK) {
            return report("offline domain", status, NULL);
        }
        domain = derived;
        fprintf(stderr, "offline domain left blank: %.*s from %s\n", (int)domain_len, domain, fqdn);
    }
    if ((rc = load_ring(dir, &ring)) != 0) {
        return rc;
    }
    status = olr_server_key_ring_seal_reset_code(ring, canonical, canonical_len, user, strlen(user),
                                                 domain, domain_len, sid, sid_len, password,
                                                 strlen(password),
                                                 now, code, sizeof code, &code_len, &details);
    olr_server_key_ring_free(ring);
    if (status != OLR_OK) {
        return report("seal reset code", status, &details);
    }
    printf("%.*s\n", (int)code_len, code);
    return 0;
}


/* The portal: reads the scanned URI (or a typed code) and prints the canonical code. */
static int cmd_portal(const char *text)
{
    char id[OLR_IDENTIFICATION_CODE_TEXT_LEN];
    size_t id_len = 0;
    olr_error_details details;
    olr_status status = olr_identification_code_parse_uri_or_code(text, strlen(text), id,
                                                                  sizeof id, &id_len, &details);
    if (status != OLR_OK) {
        return report("portal", status, &details);
    }
    printf("%.*s\n", (int)id_len, id);
    return 0;
}

/* The help desk reads a code aloud: English words (table NULL) or a localized table file. */
static int cmd_spell(const char *code, const char *table_path)
{
    char out[OLR_SPELLING_MAX_LEN];
    char table[4096];
    size_t out_len = 0, table_len = 0;
    olr_error_details details;
    olr_status status;

    if (table_path != NULL) {
        FILE *f = fopen(table_path, "rb");
        if (f == NULL) {
            fprintf(stderr, "cannot read %s\n", table_path);
            return EXIT_FAILURE;
        }
        table_len = fread(table, 1, sizeof table, f);
        fclose(f);
    }
    status = olr_spell_code(code, strlen(code), table_path ? table : NULL, table_len, out,
                            sizeof out, &out_len, &details);
    if (status != OLR_OK) {
        return report("spelling", status, &details);
    }
    printf("%.*s\n", (int)out_len, out);
    return 0;
}

static int program_main(int argc, char **argv)
{
    check_abi();
    if (argc == 3 && strcmp(argv[1], "init") == 0) {
        return cmd_init(argv[2]);
    }
    if (argc == 4 && strcmp(argv[1], "rotate") == 0) {
        return cmd_rotate(argv[2], argv[3]);
    }
    if (argc == 5 && strcmp(argv[1], "limits") == 0) {
        return cmd_limits(argv[2], argv[3], argv[4]);
    }
    if ((argc == 9 || argc == 10) && strcmp(argv[1], "seal") == 0) {
        return cmd_seal(argc, argv);
    }
    if (argc == 3 && strcmp(argv[1], "portal") == 0) {
        return cmd_portal(argv[2]);
    }
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "spell") == 0) {
        return cmd_spell(argv[2], argc == 4 ? argv[3] : NULL);
    }
    fprintf(stderr,
            "usage: %s init DIR | rotate DIR NOW | limits DIR PER_CODE PER_ACCOUNT\n"
            "       | seal DIR ID USER DOMAIN SID PASSWORD NOW [FQDN]\n"
            "       | portal URI_OR_CODE | spell CODE [TABLE_FILE]\n"
            "(liboffline_reset %s)\n",
            argc > 0 ? argv[0] : "olr-server", olr_version());
    return EXIT_FAILURE;
}

OLR_EXAMPLE_MAIN(program_main)

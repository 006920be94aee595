/*
 * A help-desk session through the installed C package (pkg-config offline-reset), as
 * tests/packages/run.sh builds it outside the repository. Every consumer program prints the
 * same five lines, which run.sh compares:
 *   mistyped: group 3            a mistyped identification code names its group
 *   redeemed: OK                 the code sealed for the machine opens there
 *   replay: ALREADY_USED         the same code again is refused
 *   rotation: KEY_ROTATED 1 2    after a rotation (grace 0) the old identification code:
 *                                code epoch 1, server epoch 2: redeploy the computer
 *   done
 */
#include <offline_reset.h>

#include <stdio.h>
#include <string.h>

static const uint8_t SID[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x51, 4, 0, 0};
static const int64_t NOW = 1795000000; /* 2026-11-18 */

static int fail(const char *what, olr_status s)
{
    fprintf(stderr, "%s: %s\n", what, olr_status_name(s));
    return 1;
}

/* Replaces one symbol of group `group` (1-based, groups of 8 joined by '-') with the next symbol. */
static void mistype(char *code, int group)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char *c = code + (group - 1) * 9 + 3;
    const char *at = strchr(alphabet, *c);
    *c = alphabet[(at - alphabet + 1) % 32];
}

int main(void)
{
    olr_server_key_ring *ring = NULL;
    olr_machine *machine = NULL;
    olr_replay_ledger *ledger = NULL;
    olr_error_details details;
    char package[OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE], id[OLR_IDENTIFICATION_CODE_TEXT_SIZE], typo[OLR_IDENTIFICATION_CODE_TEXT_SIZE];
    char code[OLR_RESET_CODE_TEXT_SIZE];
    size_t package_len = 0, id_len = 0, code_len = 0;
    const char *password = "Winter-Tulip-42";
    olr_accepted_reset accepted;
    uint16_t epoch = 0;
    olr_status s;

    if (!olr_abi_is_compatible(OLR_ABI_VERSION)) return fail("abi", OLR_UNSUPPORTED_VERSION);
    if ((s = olr_server_key_ring_generate(OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES, &ring))) return fail("generate", s);
    if ((s = olr_server_key_ring_deployment_package(ring, package, sizeof package, &package_len))) return fail("package", s);
    if ((s = olr_machine_enroll(package, package_len, &machine, &details))) return fail("enroll", s);
    if ((s = olr_replay_ledger_new(machine, &ledger))) return fail("ledger", s);
    if ((s = olr_machine_identification_code(machine, id, sizeof id, &id_len))) return fail("id", s);

    memcpy(typo, id, sizeof id);
    mistype(typo, 3);
    s = olr_server_key_ring_seal_reset_code(ring, typo, id_len, "alice", 5, "CORP", 4, SID, sizeof SID, password,
                                            strlen(password), NOW, code, sizeof code, &code_len, &details);
    if (s != OLR_MISTYPED) return fail("mistyped seal", s);
    printf("mistyped: group %u\n", (unsigned)details.mistyped_group);

    if ((s = olr_server_key_ring_seal_reset_code(ring, id, id_len, "alice", 5, "CORP", 4, SID, sizeof SID, password,
                                                 strlen(password), NOW, code, sizeof code, &code_len, &details)))
        return fail("seal", s);
    s = olr_machine_redeem_reset_code(machine, ledger, code, code_len, "alice", 5, "CORP", 4, SID, sizeof SID,
                                      password, strlen(password), NOW + 60, &accepted, &details);
    printf("redeemed: %s\n", s == OLR_OK ? "OK" : olr_status_name(s));
    s = olr_machine_redeem_reset_code(machine, ledger, code, code_len, "alice", 5, "CORP", 4, SID, sizeof SID,
                                      password, strlen(password), NOW + 120, &accepted, &details);
    printf("replay: %s\n", s == OLR_ALREADY_USED ? "ALREADY_USED" : olr_status_name(s));

    if ((s = olr_server_key_ring_rotate(ring, NOW + 180, &epoch))) return fail("rotate", s);
    s = olr_server_key_ring_seal_reset_code(ring, id, id_len, "alice", 5, "CORP", 4, SID, sizeof SID, password,
                                            strlen(password), NOW + 240, code, sizeof code, &code_len, &details);
    if (s != OLR_KEY_ROTATED) return fail("seal after rotation", s);
    printf("rotation: KEY_ROTATED %u %u\n", (unsigned)details.code_epoch, (unsigned)details.current_epoch);
    olr_replay_ledger_free(ledger);
    olr_machine_free(machine);
    olr_server_key_ring_free(ring);
    printf("done\n");
    return 0;
}

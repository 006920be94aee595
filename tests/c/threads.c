/*
 * Thread safety as docs/C_API.md states it. const handles shared between threads: four threads
 * seal, check and open (diagnostics) reset codes, read identification codes, exports and the
 * package fingerprint on one olr_server_key_ring and one olr_machine at the same time, and each
 * redeems on its own olr_replay_ledger (a ledger needs exclusive use). Then one ledger shared by
 * all threads behind a mutex, every thread redeeming the same code: exactly one OLR_OK, every
 * other OLR_ALREADY_USED. Prints "threads: N passed, M failed".
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "offline_reset.h"

#define THREADS 4
#define ROUNDS 12

static const olr_server_key_ring *shared_ring;
static const olr_machine *shared_machine;
static char id[OLR_IDENTIFICATION_CODE_TEXT_LEN];
static char package[OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE];
static size_t package_len;
static char fingerprint[OLR_PACKAGE_FINGERPRINT_LEN];
static const int64_t now = 1795000000;
static const char password[] = "Autumn-Leaf-3";

/* The shared ledger and the code every thread redeems on it. */
static pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;
static olr_replay_ledger *shared_ledger;
static char shared_code[OLR_RESET_CODE_TEXT_LEN];
static const uint8_t shared_sid[16] = {1, 2, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xE9, 3, 0, 0};

struct result {
    int index;
    unsigned passed, failed, shared_ok, shared_used;
};

/* S-1-5-21-<thread>-<round>: a distinct, well-formed binary SID (20 bytes) per account. */
static void make_sid(uint8_t sid[20], int thread, int round)
{
    static const uint8_t head[12] = {1, 3, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};
    memcpy(sid, head, sizeof head);
    sid[12] = (uint8_t)thread, sid[13] = sid[14] = sid[15] = 0;
    sid[16] = (uint8_t)round, sid[17] = sid[18] = sid[19] = 0;
}

static void *worker(void *arg)
{
    struct result *r = arg;
    olr_replay_ledger *own = NULL;
    int round;
    if (olr_replay_ledger_new(shared_machine, &own) != OLR_OK) {
        r->failed++;
        return NULL;
    }
    for (round = 0; round < ROUNDS; round++) {
        char user[32], code[OLR_RESET_CODE_TEXT_LEN], canonical[OLR_RESET_CODE_TEXT_LEN];
        char id_again[OLR_IDENTIFICATION_CODE_TEXT_LEN], fp[OLR_PACKAGE_FINGERPRINT_LEN];
        uint8_t state[OLR_MACHINE_STATE_MAX_LEN], sid[20], other_sid[20];
        size_t code_len = 0, len = 0, accounts = 0, codes = 0;
        uint64_t generation = 0;
        olr_accepted_reset accepted;
        olr_error_details details;
        int n = snprintf(user, sizeof user, "user-%d-%d", r->index, round);
        make_sid(sid, r->index, round);
        make_sid(other_sid, r->index, round + 100);
        int ok = n > 0 &&
                 olr_server_key_ring_seal_reset_code(
                     shared_ring, id, sizeof id, user, (size_t)n, "corp", 4, sid, sizeof sid,
                     password, sizeof password - 1, now, code, sizeof code, &code_len,
                     &details) == OLR_OK &&
                 olr_reset_code_check(code, code_len, canonical, sizeof canonical, &len,
                                      &details) == OLR_OK &&
                 olr_machine_open_reset_code_for_diagnostics(
                     shared_machine, code, code_len, user, (size_t)n, "CORP", 4, sid, sizeof sid,
                     password, sizeof password - 1, now + 30, &accepted, &details) == OLR_OK &&
                 olr_machine_open_reset_code_for_diagnostics(
                     shared_machine, code, code_len, user, (size_t)n, "CORP", 4, other_sid,
                     sizeof other_sid, password, sizeof password - 1, now + 30, NULL,
                     &details) == OLR_REJECTED &&
                 /* Own ledger: a wrong password is counted, the code is accepted once, and the replay is
                  * refused and counted too (a code record per round, §9.7 steps 9 and 11). */
                 olr_machine_redeem_reset_code(shared_machine, own, code, code_len, user,
                                               (size_t)n, "CORP", 4, sid, sizeof sid, "wrong", 5,
                                               now + 30, NULL, &details) == OLR_REJECTED &&
                 olr_machine_redeem_reset_code(shared_machine, own, code, code_len, user,
                                               (size_t)n, "CORP", 4, sid, sizeof sid, password,
                                               sizeof password - 1, now + 31, &accepted,
                                               &details) == OLR_OK &&
                 olr_machine_redeem_reset_code(shared_machine, own, code, code_len, user,
                                               (size_t)n, "CORP", 4, sid, sizeof sid, password,
                                               sizeof password - 1, now + 32, NULL,
                                               &details) == OLR_ALREADY_USED &&
                 olr_replay_ledger_counts(own, &accounts, &codes) == OLR_OK &&
                 accounts == (size_t)round + 1 && codes == (size_t)round + 1 &&
                 olr_replay_ledger_generation(own, &generation) == OLR_OK &&
                 generation == 3 * ((uint64_t)round + 1) &&
                 olr_machine_identification_code(shared_machine, id_again, sizeof id_again,
                                                 &len) == OLR_OK &&
                 memcmp(id_again, id, sizeof id) == 0 &&
                 olr_deployment_package_fingerprint(package, package_len, fp, sizeof fp, &len,
                                                    &details) == OLR_OK &&
                 memcmp(fp, fingerprint, sizeof fp) == 0 &&
                 olr_machine_export(shared_machine, NULL, 0, state, sizeof state, &len) == OLR_OK;
        if (ok) {
            r->passed++;
        } else {
            r->failed++;
            fprintf(stderr, "threads.c: thread %d round %d failed\n", r->index, round);
        }
    }
    olr_replay_ledger_free(own);

    /* The shared ledger: exclusive use through the mutex (as a file lock between processes). */
    pthread_mutex_lock(&ledger_lock);
    olr_status s = olr_machine_redeem_reset_code(
        shared_machine, shared_ledger, shared_code, sizeof shared_code, "bob", 3, "CORP", 4,
        shared_sid, sizeof shared_sid, password, sizeof password - 1, now + 60, NULL, NULL);
    pthread_mutex_unlock(&ledger_lock);
    if (s == OLR_OK) {
        r->shared_ok++;
    } else if (s == OLR_ALREADY_USED) {
        r->shared_used++;
    } else {
        r->failed++;
        fprintf(stderr, "threads.c: thread %d shared redeem gave %s\n", r->index,
                olr_status_name(s));
    }
    return NULL;
}

int main(void)
{
    olr_server_key_ring *ring = NULL;
    olr_machine *machine = NULL;
    pthread_t threads[THREADS];
    struct result results[THREADS];
    unsigned passed = 0, failed = 0, shared_ok = 0, shared_used = 0;
    size_t len = 0;
    int i;

    /* The cheapest password cost: every seal and open runs one Argon2id. */
    if (olr_server_key_ring_generate_with_password_cost(
            OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES,
            OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS, 1, &ring) != OLR_OK ||
        olr_server_key_ring_deployment_package(ring, package, sizeof package, &package_len) !=
            OLR_OK ||
        olr_deployment_package_fingerprint(package, package_len, fingerprint, sizeof fingerprint,
                                           &len, NULL) != OLR_OK ||
        olr_machine_enroll(package, package_len, &machine, NULL) != OLR_OK ||
        olr_machine_identification_code(machine, id, sizeof id, &len) != OLR_OK ||
        olr_replay_ledger_new(machine, &shared_ledger) != OLR_OK ||
        olr_server_key_ring_seal_reset_code(ring, id, sizeof id, "bob", 3, "corp", 4, shared_sid,
                                            sizeof shared_sid, password, sizeof password - 1,
                                            now, shared_code, sizeof shared_code, &len,
                                            NULL) != OLR_OK) {
        fprintf(stderr, "threads.c: setup failed\n");
        return 2;
    }
    shared_ring = ring;
    shared_machine = machine;
    for (i = 0; i < THREADS; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].index = i;
        if (pthread_create(&threads[i], NULL, worker, &results[i]) != 0) {
            fprintf(stderr, "threads.c: pthread_create failed\n");
            return 2;
        }
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        passed += results[i].passed;
        failed += results[i].failed;
        shared_ok += results[i].shared_ok;
        shared_used += results[i].shared_used;
    }
    if (shared_ok == 1 && shared_used == THREADS - 1) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "threads.c: shared ledger: %u accepted, %u already used\n", shared_ok,
                shared_used);
    }
    olr_replay_ledger_free(shared_ledger);
    olr_machine_free(machine);
    olr_server_key_ring_free(ring);
    printf("threads: %u passed, %u failed\n", passed, failed);
    return failed == 0 && passed == THREADS * ROUNDS + 1 ? 0 : 1;
}

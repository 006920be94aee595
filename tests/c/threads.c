/*
 * const handles shared between threads: four threads seal, check and open reset codes and read
 * identification codes and exports on one olr_server_key_ring and one olr_machine at the same
 * time. Prints "threads: N passed, M failed".
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

struct result {
    int index;
    unsigned passed, failed;
};

static void *worker(void *arg)
{
    struct result *r = arg;
    static const char password[] = "Autumn-Leaf-3";
    const int64_t now = 1795000000;
    int round;
    for (round = 0; round < ROUNDS; round++) {
        char user[32], code[OLR_RESET_CODE_TEXT_LEN], canonical[OLR_RESET_CODE_TEXT_LEN];
        char id_again[OLR_IDENTIFICATION_CODE_TEXT_LEN];
        uint8_t state[OLR_MACHINE_STATE_MAX_LEN];
        size_t code_len = 0, len = 0;
        olr_accepted_reset accepted;
        olr_error_details details;
        int n = snprintf(user, sizeof user, "user-%d-%d", r->index, round);
        int ok = n > 0 &&
                 olr_server_key_ring_seal_reset_code(
                     shared_ring, id, sizeof id, user, (size_t)n, "corp", 4, password,
                     sizeof password - 1, now, code, sizeof code, &code_len, &details) == OLR_OK &&
                 olr_reset_code_check(code, code_len, canonical, sizeof canonical, &len,
                                      &details) == OLR_OK &&
                 olr_machine_open_reset_code(shared_machine, code, code_len, user, (size_t)n,
                                             "CORP", 4, password, sizeof password - 1, now + 30,
                                             &accepted, &details) == OLR_OK &&
                 olr_machine_open_reset_code(shared_machine, code, code_len, user, (size_t)n,
                                             "CORP", 4, "wrong", 5, now + 30, NULL,
                                             &details) == OLR_REJECTED &&
                 olr_machine_identification_code(shared_machine, id_again, sizeof id_again,
                                                 &len) == OLR_OK &&
                 memcmp(id_again, id, sizeof id) == 0 &&
                 olr_machine_export(shared_machine, NULL, 0, state, sizeof state, &len) == OLR_OK;
        if (ok) {
            r->passed++;
        } else {
            r->failed++;
            fprintf(stderr, "threads.c: thread %d round %d failed\n", r->index, round);
        }
    }
    return NULL;
}

int main(void)
{
    olr_server_key_ring *ring = NULL;
    olr_machine *machine = NULL;
    char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    pthread_t threads[THREADS];
    struct result results[THREADS];
    unsigned passed = 0, failed = 0;
    size_t len = 0;
    int i;

    /* The cheapest password cost: every seal and open runs one Argon2id. */
    if (olr_server_key_ring_generate_with_password_cost(
            OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES,
            OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS, 1, &ring) != OLR_OK ||
        olr_server_key_ring_deployment_package(ring, package, sizeof package, &len) != OLR_OK ||
        olr_machine_enroll(package, len, &machine, NULL) != OLR_OK ||
        olr_machine_identification_code(machine, id, sizeof id, &len) != OLR_OK) {
        fprintf(stderr, "threads.c: setup failed\n");
        return 2;
    }
    shared_ring = ring;
    shared_machine = machine;
    for (i = 0; i < THREADS; i++) {
        results[i].index = i;
        results[i].passed = results[i].failed = 0;
        if (pthread_create(&threads[i], NULL, worker, &results[i]) != 0) {
            fprintf(stderr, "threads.c: pthread_create failed\n");
            return 2;
        }
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        passed += results[i].passed;
        failed += results[i].failed;
    }
    olr_machine_free(machine);
    olr_server_key_ring_free(ring);
    printf("threads: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

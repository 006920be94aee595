/* The C side of docs/PERFORMANCE.md's binding overhead: the same calls as bench.py, from C. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "offline_reset.h"
static double now_s(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu_s(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(void) {
    olr_server_key_ring *ring; olr_machine *m; char pkg[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN], id[OLR_IDENTIFICATION_CODE_TEXT_LEN], code[OLR_RESET_CODE_TEXT_LEN], out[80];
    size_t n, idn, cn; olr_error_details d; olr_accepted_reset a; const int64_t now = 1795000000;
    static const uint8_t sid[] = {1, 5, 0, 0, 0, 0, 0, 5, 0x15, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82, 0x8b, 0xa6, 0x28, 0x50, 0x04, 0, 0};
    if (olr_server_key_ring_generate_with_password_cost(1440, 10, OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS, 1, &ring)) return 1;
    if (olr_server_key_ring_deployment_package(ring, pkg, sizeof pkg, &n) || olr_machine_enroll(pkg, n, &m, &d)) return 1;
    if (olr_machine_identification_code(m, id, sizeof id, &idn)) return 1;
    const int checks = 1000000; double t = now_s(), c = cpu_s();
    for (int i = 0; i < checks; i++) if (olr_identification_code_check(id, idn, out, sizeof out, &n, &d)) return 1;
    printf("check %.3f us cpu, %.3f us wall\n", (cpu_s() - c) / checks * 1e6, (now_s() - t) / checks * 1e6);
    const int seals = 30; t = now_s();
    for (int i = 0; i < seals; i++) if (olr_server_key_ring_seal_reset_code(ring, id, idn, "alice", 5, "CORP", 4, sid, sizeof sid, "Winter-Tulip-42", 15, now, code, sizeof code, &cn, &d)) return 1;
    printf("seal %.3f ms\n", (now_s() - t) / seals * 1e3);
    t = now_s();
    for (int i = 0; i < seals; i++) if (olr_machine_open_reset_code_for_diagnostics(m, code, cn, "alice", 5, "CORP", 4, sid, sizeof sid, "Winter-Tulip-42", 15, now, &a, &d)) return 1;
    printf("open %.3f ms\n", (now_s() - t) / seals * 1e3);
    olr_machine_free(m); olr_server_key_ring_free(ring); return 0;
}

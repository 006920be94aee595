/* Small helpers shared by the two example programs: files and status reporting. */
#ifndef OLR_EXAMPLE_COMMON_H
#define OLR_EXAMPLE_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offline_reset.h"

/* Exit codes the example script checks. */
enum { EXIT_MISTYPED = 2, EXIT_KEY_ROTATED = 3, EXIT_CODE_BEFORE_ROTATION = 4 };

/* Prints why a call failed, with the details a user needs, and returns the exit code. */
static inline int report(const char *what, olr_status status, const olr_error_details *details)
{
    fprintf(stderr, "%s: %s (status %u)\n", what, olr_status_message(status), (unsigned)status);
    if (status == OLR_MISTYPED && details != NULL) {
        if (details->mistyped_group > 0) {
            fprintf(stderr, "  group %u looks mistyped: type it again\n",
                    (unsigned)details->mistyped_group);
        } else {
            fprintf(stderr, "  more than one mistake: type the whole code again\n");
        }
        return EXIT_MISTYPED;
    }
    if (status == OLR_KEY_ROTATED && details != NULL) {
        fprintf(stderr, "  code is for key epoch %u, current epoch is %u\n",
                (unsigned)details->code_epoch, (unsigned)details->current_epoch);
        return EXIT_KEY_ROTATED;
    }
    /* On the machine (ABI 1.1): current_epoch is the machine's epoch. */
    if (status == OLR_REDEPLOY_NEEDED && details != NULL) {
        fprintf(stderr, "  code is for key epoch %u, this machine is at epoch %u: redeploy\n",
                (unsigned)details->code_epoch, (unsigned)details->current_epoch);
        return EXIT_KEY_ROTATED;
    }
    if (status == OLR_CODE_BEFORE_ROTATION && details != NULL) {
        fprintf(stderr,
                "  code is for key epoch %u, this machine is at epoch %u: request a new code\n",
                (unsigned)details->code_epoch, (unsigned)details->current_epoch);
        return EXIT_CODE_BEFORE_ROTATION;
    }
    return EXIT_FAILURE;
}

/* Reads a whole file (at most cap bytes); returns its length or -1. Trailing newlines of text
 * files are cut by the caller when needed. */
static inline long read_file(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) {
        perror(path);
        return -1;
    }
    n = fread(buf, 1, cap, f);
    if (ferror(f) || (!feof(f) && fgetc(f) != EOF)) {
        fprintf(stderr, "%s: read error or file too large\n", path);
        fclose(f);
        return -1;
    }
    fclose(f);
    return (long)n;
}

static inline int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* Joins a directory and a file name into buf. */
static inline const char *path_in(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "path too long\n");
        exit(EXIT_FAILURE);
    }
    return buf;
}

/* Checks at run time that the loaded library implements the ABI this program was built for. */
static inline void check_abi(void)
{
    if (!olr_abi_is_compatible(OLR_ABI_VERSION)) {
        fprintf(stderr, "liboffline_reset ABI %lx is not compatible with %lx\n",
                (unsigned long)olr_abi_version(), (unsigned long)OLR_ABI_VERSION);
        exit(EXIT_FAILURE);
    }
}

#endif

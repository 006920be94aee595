/* Small helpers shared by the two example programs: files and status reporting. */
#ifndef OLR_EXAMPLE_COMMON_H
#define OLR_EXAMPLE_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offline_reset.h"

#ifdef _WIN32
#include <wchar.h>
#include <windows.h>
#endif

/* Exit codes the example script checks. */
enum { EXIT_MISTYPED = 2, EXIT_KEY_ROTATED = 3, EXIT_CODE_BEFORE_ROTATION = 4 };

/* Writes a file through a temporary file in the same directory and a rename, so that a crash
 * leaves the old or the new content, never a torn file (docs/PROTOCOL.md section 12.3, rule 7c).
 * On Windows: ReplaceFileW or MoveFileExW with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH. */
static inline int write_file(const char *path, const void *data, size_t len);
static inline int replace_file(const char *path, const void *data, size_t len)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof tmp || write_file(tmp, data, len) != 0) {
        return -1;
    }
#ifdef _WIN32
    /* rename() fails on Windows when the target exists; MoveFileExA replaces it atomically on
     * the same volume and returns only once the move is on disk. */
    if (!MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        fprintf(stderr, "%s: MoveFileExA failed (error %lu)\n", path, (unsigned long)GetLastError());
        remove(tmp);
        return -1;
    }
#else
    if (rename(tmp, path) != 0) {
        perror(path);
        remove(tmp);
        return -1;
    }
#endif
    return 0;
}

#ifdef _WIN32
/* Windows passes main() its arguments in the ANSI code page, not UTF-8 (so "jürgen" would arrive
 * as invalid UTF-8): the programs define wmain (mingw-w64: link with -municode) and convert each
 * argument to UTF-8 here. The copies live until the program exits. NULL when out of memory or an
 * argument is not valid UTF-16. */
static inline char **utf8_arguments(int argc, wchar_t **wargv)
{
    char **argv = (char **)calloc((size_t)argc + 1, sizeof *argv);
    int i;
    if (argv == NULL) {
        return NULL;
    }
    for (i = 0; i < argc; i++) {
        int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wargv[i], -1, NULL, 0, NULL,
                                    NULL);
        if (n <= 0 || (argv[i] = (char *)malloc((size_t)n)) == NULL ||
            WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wargv[i], -1, argv[i], n, NULL,
                                NULL) != n) {
            fprintf(stderr, "argument %d is not valid UTF-16 (or out of memory)\n", i);
            return NULL;
        }
    }
    return argv;
}

/* Defines wmain, which converts the arguments and calls PROGRAM_MAIN(argc, argv). */
#define OLR_EXAMPLE_MAIN(program_main)                                                            \
    int wmain(int argc, wchar_t **wargv)                                                          \
    {                                                                                             \
        char **argv = utf8_arguments(argc, wargv);                                                \
        return argv == NULL ? 1 : program_main(argc, argv);                                       \
    }
#else
/* Elsewhere the arguments are the locale's bytes: UTF-8 on any current system. */
#define OLR_EXAMPLE_MAIN(program_main)                                                            \
    int main(int argc, char **argv) { return program_main(argc, argv); }
#endif

/* Prints why a call failed, with the details a user needs, and returns the exit code. */
static inline int report(const char *what, olr_status status, const olr_error_details *details)
{
    fprintf(stderr, "%s: %s (%s, status %u)\n", what, olr_status_message(status),
            olr_status_name(status), (unsigned)status);
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

/* Parses a SID in its string form, "S-1-5-21-1004336348-1177238915-682003330-1104", into the
 * binary form the library takes (revision 1, sub-authority count, 6-byte identifier authority,
 * then each sub-authority as 4 bytes little-endian: 8 + 4 * count bytes). Returns the length, or
 * 0 for text that is not a SID. On Windows a login integration has the binary SID already
 * (LookupAccountNameW, the profile list) and a server reads it from objectSid: no parsing there. */
static inline size_t parse_sid(const char *text, unsigned char out[OLR_MAX_SID_LEN])
{
    unsigned long long authority;
    size_t count = 0;
    char *end = NULL;
    if (strncmp(text, "S-1-", 4) != 0 || text[4] < '0' || text[4] > '9') {
        return 0;
    }
    authority = strtoull(text + 4, &end, 10);
    if (authority >= (1ULL << 48)) {
        return 0;
    }
    out[0] = 1;
    for (int i = 0; i < 6; i++) {
        out[2 + i] = (unsigned char)(authority >> (8 * (5 - i)));
    }
    while (*end == '-') {
        const char *start = end + 1;
        unsigned long long sub;
        if (count == 15 || *start < '0' || *start > '9') {
            return 0;
        }
        sub = strtoull(start, &end, 10);
        if (sub > 0xFFFFFFFFULL) {
            return 0;
        }
        for (int i = 0; i < 4; i++) {
            out[8 + 4 * count + (size_t)i] = (unsigned char)(sub >> (8 * i));
        }
        count++;
    }
    if (*end != '\0' || count == 0) {
        return 0;
    }
    out[1] = (unsigned char)count;
    return 8 + 4 * count;
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

/*
 * Negative tests of the C API: every function with NULL in each pointer position, bad and
 * absurd lengths, invalid UTF-8, truncated, tampered and foreign inputs, too-small buffers,
 * each asserting the exact status; outputs untouched on failure; a panic inside the library
 * becomes OLR_PANIC (built against the library with the test-hooks feature, -DOLR_TEST_HOOKS).
 * Prints "negative: N passed, M failed" and exits non-zero on any failure.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offline_reset.h"

static unsigned passed, failed;

static void check(int ok, const char *what, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "negative.c:%d: FAILED: %s\n", line, what);
    }
}

static void check_status(olr_status got, olr_status want, const char *expr, int line)
{
    if (got == want) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "negative.c:%d: FAILED: %s returned %u (%s), expected %u (%s)\n", line,
                expr, (unsigned)got, olr_status_message(got), (unsigned)want,
                olr_status_message(want));
    }
}

#define EXPECT(expr, want) check_status((expr), (want), #expr, __LINE__)
#define CHECK(cond) check((cond), #cond, __LINE__)

/* A length that no input may have, and one just past the documented cap. */
#define HUGE_LEN SIZE_MAX
#define OVER_CAP (OLR_MAX_INPUT_LEN + 1)
#define SENTINEL 0xA5
#define LEN_SENTINEL ((size_t)0x5A5A5A5A)

static const char BAD_UTF8[] = "\xff\xfe\xc3";     /* not UTF-8 */
static const char TRUNCATED_UTF8[] = "abc\xe2\x82"; /* a cut multi-byte sequence */
static const char PASSWORD[] = "Winter-Tulip-42";
/* S-1-5-21-1004336348-1177238915-682003330-1104 (28 bytes) and another account's SID. */
static const uint8_t SID[28] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xDC, 0xF4, 0xDC, 0x3B,
                                0x83, 0x3D, 0x2B, 0x46, 0x82, 0x8B, 0xA6, 0x28, 0x50, 0x04, 0, 0};
static const uint8_t OTHER_SID[28] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xDC, 0xF4, 0xDC, 0x3B,
                                      0x83, 0x3D, 0x2B, 0x46, 0x82, 0x8B, 0xA6, 0x28, 0xF3, 0x08, 0, 0};
static const int64_t NOW = 1795000000;

/* Fixtures, made once by setup(). */
static olr_server_key_ring *ring;
static olr_machine *machine;
static char package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
static char id[OLR_IDENTIFICATION_CODE_TEXT_LEN];
static char code[OLR_RESET_CODE_TEXT_LEN];
static uint8_t wkey[OLR_WRAPPING_KEY_LEN];
static uint8_t ring_plain[OLR_SERVER_KEY_RING_MAX_LEN], ring_wrapped[OLR_SERVER_KEY_RING_MAX_LEN];
static size_t ring_plain_len, ring_wrapped_len;
static uint8_t state_plain[OLR_MACHINE_STATE_MAX_LEN], state_wrapped[OLR_MACHINE_STATE_MAX_LEN];
static size_t state_plain_len, state_wrapped_len;

static int all_bytes(const void *buf, size_t len, int value)
{
    const unsigned char *p = buf;
    size_t i;
    for (i = 0; i < len; i++) {
        if (p[i] != (unsigned char)value) {
            return 0;
        }
    }
    return 1;
}

/* CRC-32/ISO-HDLC, to make tampered objects whose checksum still matches. */
static uint32_t crc32(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    size_t i;
    int bit;
    for (i = 0; i < len; i++) {
        crc ^= data[i];
        for (bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

static void fix_crc(uint8_t *obj, size_t len)
{
    uint32_t crc = crc32(obj, len - 4);
    obj[len - 4] = (uint8_t)(crc >> 24);
    obj[len - 3] = (uint8_t)(crc >> 16);
    obj[len - 2] = (uint8_t)(crc >> 8);
    obj[len - 1] = (uint8_t)crc;
}

/* Replaces the first symbol of group `group` (1-based) of a code text by another symbol. */
static void mistype_group(char *text, int group)
{
    size_t at = (size_t)(group - 1) * 9;
    text[at] = text[at] == '0' ? '2' : '0';
}

static olr_status seal_with(const olr_server_key_ring *r, const char *id_text, size_t id_len,
                            const char *user, const char *domain, const char *password,
                            int64_t now, char *out, size_t *out_len, olr_error_details *details)
{
    return olr_server_key_ring_seal_reset_code(r, id_text, id_len, user, strlen(user), domain,
                                               strlen(domain), SID, sizeof SID, password,
                                               strlen(password), now, out, OLR_RESET_CODE_TEXT_LEN,
                                               out_len, details);
}

static olr_status open_with(const olr_machine *m, const char *code_text, size_t code_len,
                            const char *user, const char *domain, const char *password,
                            int64_t now, olr_accepted_reset *accepted,
                            olr_error_details *details)
{
    return olr_machine_open_reset_code_for_diagnostics(m, code_text, code_len, user,
                                                       strlen(user), domain, strlen(domain), SID,
                                                       sizeof SID, password, strlen(password), now,
                                                       accepted, details);
}

/* A ring at the cheapest password cost: every seal and open runs one Argon2id. */
static olr_status quick_ring(olr_server_key_ring **out)
{
    return olr_server_key_ring_generate_with_password_cost(
        60, 5, OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS, 1, out);
}

static void setup(void)
{
    size_t len = 0;
    olr_error_details details;
    if (quick_ring(&ring) != OLR_OK ||
        olr_server_key_ring_deployment_package(ring, package, sizeof package, &len) != OLR_OK ||
        olr_machine_enroll(package, sizeof package, &machine, &details) != OLR_OK ||
        olr_machine_identification_code(machine, id, sizeof id, &len) != OLR_OK ||
        seal_with(ring, id, sizeof id, "alice", "corp", PASSWORD, NOW, code, &len, &details) !=
            OLR_OK ||
        olr_wrapping_key_generate(wkey, sizeof wkey, &len) != OLR_OK ||
        olr_server_key_ring_export(ring, NULL, 0, ring_plain, sizeof ring_plain,
                                   &ring_plain_len) != OLR_OK ||
        olr_server_key_ring_export(ring, wkey, sizeof wkey, ring_wrapped, sizeof ring_wrapped,
                                   &ring_wrapped_len) != OLR_OK ||
        olr_machine_export(machine, NULL, 0, state_plain, sizeof state_plain, &state_plain_len) !=
            OLR_OK ||
        olr_machine_export(machine, wkey, sizeof wkey, state_wrapped, sizeof state_wrapped,
                           &state_wrapped_len) != OLR_OK) {
        fprintf(stderr, "negative.c: setup failed\n");
        exit(2);
    }
}

static void test_versions_sizes_messages(void)
{
    olr_status all[] = {OLR_OK,
                        OLR_MALFORMED_INPUT,
                        OLR_MISTYPED,
                        OLR_UNSUPPORTED_VERSION,
                        OLR_KEY_ROTATED,
                        OLR_EXPIRED,
                        OLR_NOT_YET_VALID,
                        OLR_REJECTED,
                        OLR_INVALID_KEY_MATERIAL,
                        OLR_WRONG_WRAPPING_KEY,
                        OLR_RNG_FAILURE,
                        OLR_TRUNCATED,
                        OLR_CORRUPTED,
                        OLR_WRONG_KIND,
                        OLR_WRAPPING_MISMATCH,
                        OLR_INVALID_USERNAME,
                        OLR_INVALID_DOMAIN,
                        OLR_INVALID_PASSWORD,
                        OLR_INVALID_POLICY,
                        OLR_TIME_OUT_OF_RANGE,
                        OLR_EPOCHS_EXHAUSTED,
                        OLR_ALREADY_USED,
                        OLR_SUPERSEDED,
                        OLR_CODE_BEFORE_ROTATION,
                        OLR_REDEPLOY_NEEDED,
                        OLR_LEDGER_FULL,
                        OLR_UTF16_TEXT,
                        OLR_CLOCK_SET_BACK,
                        OLR_TOO_MANY_ATTEMPTS,
                        OLR_LEDGER_OF_ANOTHER_MACHINE,
                        OLR_LEDGER_ROLLED_BACK,
                        OLR_PACKAGE_EPOCH_TOO_OLD,
                        OLR_PACKAGE_SIGNATURE_INVALID,
                        OLR_INVALID_SID,
                        OLR_OUT_OF_MEMORY,
                        OLR_PKCS11_NOT_BUILT,
                        OLR_TOKEN_MODULE_NOT_FOUND,
                        OLR_TOKEN_ABSENT,
                        OLR_TOKEN_WRONG_PIN,
                        OLR_TOKEN_KEY_MISSING,
                        OLR_TOKEN_RING_EXISTS,
                        OLR_TOKEN_FAILURE,
                        OLR_KEYS_IN_TOKEN,
                        OLR_NULL_POINTER,
                        OLR_INVALID_UTF8,
                        OLR_BUFFER_TOO_SMALL,
                        OLR_INVALID_LENGTH,
                        OLR_PANIC,
                        OLR_INVALID_UTF16};
    static const char *const names_27_to_34[] = {
        "OLR_CLOCK_SET_BACK",         "OLR_TOO_MANY_ATTEMPTS",         "OLR_LEDGER_OF_ANOTHER_MACHINE",
        "OLR_LEDGER_ROLLED_BACK",     "OLR_PACKAGE_EPOCH_TOO_OLD",     "OLR_PACKAGE_SIGNATURE_INVALID",
        "OLR_INVALID_SID",            "OLR_OUT_OF_MEMORY"};
    uint32_t unknown[] = {43, 99, 106, 1000, 0x7FFFFFFFu, UINT32_MAX};
    const char *unknown_text = olr_status_message(UINT32_MAX);
    size_t i;

    /* Numbers are part of the ABI. */
    CHECK(OLR_OK == 0 && OLR_MISTYPED == 2 && OLR_KEY_ROTATED == 4 && OLR_REJECTED == 7);
    CHECK(OLR_EPOCHS_EXHAUSTED == 20 && OLR_NULL_POINTER == 100 && OLR_PANIC == 104);
    CHECK(OLR_INVALID_UTF16 == 105);
    CHECK(OLR_ALREADY_USED == 21 && OLR_SUPERSEDED == 22 && OLR_CODE_BEFORE_ROTATION == 23 &&
          OLR_REDEPLOY_NEEDED == 24 && OLR_LEDGER_FULL == 25 && OLR_UTF16_TEXT == 26);
    CHECK(OLR_CLOCK_SET_BACK == 27 && OLR_TOO_MANY_ATTEMPTS == 28 &&
          OLR_LEDGER_OF_ANOTHER_MACHINE == 29 && OLR_LEDGER_ROLLED_BACK == 30 &&
          OLR_PACKAGE_EPOCH_TOO_OLD == 31 && OLR_PACKAGE_SIGNATURE_INVALID == 32 &&
          OLR_INVALID_SID == 33 && OLR_OUT_OF_MEMORY == 34);
    CHECK(OLR_PKCS11_NOT_BUILT == 35 && OLR_TOKEN_MODULE_NOT_FOUND == 36 && OLR_TOKEN_ABSENT == 37 &&
          OLR_TOKEN_WRONG_PIN == 38 && OLR_TOKEN_KEY_MISSING == 39 && OLR_TOKEN_RING_EXISTS == 40 &&
          OLR_TOKEN_FAILURE == 41 && OLR_KEYS_IN_TOKEN == 42);
    /* ABI 2.0 sizes. */
    CHECK(OLR_DEPLOYMENT_PACKAGE_TEXT_LEN == 319 && OLR_MACHINE_STATE_MAX_LEN == 218 &&
          OLR_SERVER_KEY_RING_MAX_LEN == 1068 && OLR_REPLAY_LEDGER_MAX_LEN == 58968 &&
          OLR_MAX_LEDGER_ACCOUNTS == 1024 && OLR_MAX_LEDGER_CODES == 256 &&
          OLR_MIN_SID_LEN == 12 && OLR_MAX_SID_LEN == 68 && OLR_PACKAGE_FINGERPRINT_LEN == 64);
    CHECK(OLR_ABI_VERSION_MAJOR == 2 && OLR_ABI_VERSION == 0x20001);
    CHECK(OLR_REPLAY_LEDGER_MAX_LEN <= OLR_MAX_INPUT_LEN);
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *text = olr_status_message(all[i]);
        const char *name = olr_status_name(all[i]);
        size_t j;
        CHECK(text != NULL && text[0] != '\0' && strcmp(text, unknown_text) != 0);
        CHECK(name != NULL && strncmp(name, "OLR_", 4) == 0 &&
              strcmp(name, "OLR_UNKNOWN_STATUS") != 0);
        /* Every known status has its own message and its own name. */
        for (j = 0; j < i; j++) {
            CHECK(strcmp(text, olr_status_message(all[j])) != 0);
            CHECK(strcmp(name, olr_status_name(all[j])) != 0);
        }
    }
    for (i = 0; i < 8; i++) {
        CHECK(strcmp(olr_status_name((uint32_t)(27 + i)), names_27_to_34[i]) == 0);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK(strcmp(olr_status_message(unknown[i]), "unknown status code") == 0);
        CHECK(strcmp(olr_status_name(unknown[i]), "OLR_UNKNOWN_STATUS") == 0);
    }
    CHECK(strcmp(olr_status_message(OLR_OK), "success") == 0);
    CHECK(strcmp(olr_status_message(OLR_INVALID_UTF16),
                 "a string is not valid UTF-16: it holds an unpaired surrogate") == 0);

    /* Every size is a macro and a function with the same value. */
    CHECK(olr_identification_code_text_len() == OLR_IDENTIFICATION_CODE_TEXT_LEN);
    CHECK(olr_reset_code_text_len() == OLR_RESET_CODE_TEXT_LEN);
    CHECK(olr_deployment_package_text_len() == OLR_DEPLOYMENT_PACKAGE_TEXT_LEN);
    CHECK(olr_wrapping_key_len() == OLR_WRAPPING_KEY_LEN);
    CHECK(olr_machine_state_max_len() == OLR_MACHINE_STATE_MAX_LEN);
    CHECK(olr_server_key_ring_max_len() == OLR_SERVER_KEY_RING_MAX_LEN);
    CHECK(olr_max_generations() == OLR_MAX_GENERATIONS);
    CHECK(olr_max_name_len() == OLR_MAX_NAME_LEN);
    CHECK(olr_max_password_len() == OLR_MAX_PASSWORD_LEN);
    CHECK(olr_max_input_len() == OLR_MAX_INPUT_LEN);
    CHECK(olr_replay_ledger_max_len() == OLR_REPLAY_LEDGER_MAX_LEN);
    CHECK(olr_max_ledger_accounts() == OLR_MAX_LEDGER_ACCOUNTS);
    CHECK(olr_max_ledger_codes() == OLR_MAX_LEDGER_CODES);
    CHECK(olr_version_number() == OLR_VERSION_NUMBER);
    CHECK(olr_abi_version() == OLR_ABI_VERSION);
    CHECK(olr_protocol_version() == 1);
    CHECK(olr_abi_is_compatible(OLR_ABI_VERSION));
    CHECK(!olr_abi_is_compatible(OLR_ABI_VERSION + 1));
    CHECK(!olr_abi_is_compatible((OLR_ABI_VERSION_MAJOR + 1u) << 16));
    CHECK(olr_version() != NULL && strlen(olr_version()) >= 5);
    CHECK(ring_plain_len + 20 == ring_wrapped_len && state_wrapped_len == OLR_MACHINE_STATE_MAX_LEN);
}

/* The identification-code and reset-code checks share their rules. */
typedef olr_status (*check_fn)(const char *, size_t, char *, size_t, size_t *,
                               olr_error_details *);

static void test_code_check(check_fn fn, const char *good, size_t good_len, int groups,
                            const char *foreign, size_t foreign_len)
{
    char out[128], text[128];
    size_t len = LEN_SENTINEL;
    olr_error_details details;
    int g;

    memset(out, SENTINEL, sizeof out);
    EXPECT(fn(NULL, good_len, out, sizeof out, &len, &details), OLR_NULL_POINTER);
    EXPECT(fn(NULL, 0, out, sizeof out, &len, &details), OLR_NULL_POINTER);
    EXPECT(fn(good, OVER_CAP, out, sizeof out, &len, &details), OLR_INVALID_LENGTH);
    EXPECT(fn(good, HUGE_LEN, out, sizeof out, &len, &details), OLR_INVALID_LENGTH);
    EXPECT(fn(BAD_UTF8, 3, out, sizeof out, &len, &details), OLR_INVALID_UTF8);
    EXPECT(fn(TRUNCATED_UTF8, 5, out, sizeof out, &len, &details), OLR_INVALID_UTF8);
    EXPECT(fn(good, good_len, NULL, sizeof out, &len, &details), OLR_NULL_POINTER);
    EXPECT(fn(good, good_len, out, sizeof out, NULL, &details), OLR_NULL_POINTER);
    EXPECT(fn(good, 0, out, sizeof out, &len, &details), OLR_MALFORMED_INPUT);
    EXPECT(fn(good, good_len - 1, out, sizeof out, &len, &details), OLR_MALFORMED_INPUT);
    EXPECT(fn(good, good_len - 9, out, sizeof out, &len, &details), OLR_MALFORMED_INPUT);
    EXPECT(fn(foreign, foreign_len, out, sizeof out, &len, &details), OLR_MALFORMED_INPUT);
    CHECK(details.mistyped_group == 0 && details.found_version == 0);
    CHECK(len == LEN_SENTINEL && all_bytes(out, sizeof out, SENTINEL));

    /* A symbol changed in any group is caught and the group named. */
    for (g = 1; g <= groups; g++) {
        memcpy(text, good, good_len);
        mistype_group(text, g);
        EXPECT(fn(text, good_len, out, sizeof out, &len, &details), OLR_MISTYPED);
        CHECK(details.mistyped_group == g);
    }
    /* A character outside the alphabet, and a non-ASCII one (valid UTF-8). */
    memcpy(text, good, good_len);
    text[9 * 1 + 3] = 'U';
    EXPECT(fn(text, good_len, out, sizeof out, &len, &details), OLR_MISTYPED);
    CHECK(details.mistyped_group == 2);
    memcpy(text, good, 9);
    memcpy(text + 9, "\xc3\xa9", 2); /* e-acute replaces one symbol */
    memcpy(text + 11, good + 10, good_len - 10);
    EXPECT(fn(text, good_len + 1, out, sizeof out, &len, &details), OLR_MISTYPED);
    CHECK(details.mistyped_group == 2);
    /* A NUL byte inside the length is a character, not an end. */
    memcpy(text, good, good_len);
    text[5] = '\0';
    EXPECT(fn(text, good_len, out, sizeof out, &len, &details), OLR_MISTYPED);
    CHECK(details.mistyped_group == 1);
    /* Too short or too long, starting with another version's symbol. */
    EXPECT(fn("3ABCDEF", 7, out, sizeof out, &len, &details), OLR_UNSUPPORTED_VERSION);
    CHECK(details.found_version == 3 && details.mistyped_group == 0);
    CHECK(len == LEN_SENTINEL && all_bytes(out, sizeof out, SENTINEL));

    /* Buffers: too small, exactly right, size query. */
    EXPECT(fn(good, good_len, out, good_len - 1, &len, &details), OLR_BUFFER_TOO_SMALL);
    CHECK(len == good_len && all_bytes(out, sizeof out, SENTINEL));
    len = LEN_SENTINEL;
    EXPECT(fn(good, good_len, NULL, 0, &len, NULL), OLR_BUFFER_TOO_SMALL);
    CHECK(len == good_len);
    /* Lower case, spaces for hyphens, O for 0: the canonical text comes back; details zeroed. */
    for (g = 0; g < (int)good_len; g++) {
        char c = good[g];
        text[g] = c == '-' ? ' ' : c == '0' ? 'o' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    memset(&details, 0xFF, sizeof details);
    EXPECT(fn(text, good_len, out, good_len, &len, &details), OLR_OK);
    CHECK(len == good_len && memcmp(out, good, good_len) == 0 && out[good_len] == (char)SENTINEL);
    CHECK(all_bytes(&details, sizeof details, 0));
}

/* Malformed SIDs: each is OLR_INVALID_SID from every function that takes a SID. */
static uint8_t bad_sid[8][OLR_MAX_SID_LEN + 4];
static size_t bad_sid_len[8];
static const char *const bad_sid_what[8] = {
    "empty", "too short (8 bytes, no sub-authority)", "revision 2", "count 0 with 12 bytes",
    "count 16 (72 bytes)", "length not 8 + 4 * count (one byte more)",
    "length not 8 + 4 * count (one byte less)", "count 2 with 12 bytes"};

static void make_bad_sids(void)
{
    size_t i;
    for (i = 0; i < 8; i++) {
        memcpy(bad_sid[i], SID, sizeof SID);
        bad_sid_len[i] = sizeof SID;
    }
    bad_sid_len[0] = 0;
    bad_sid_len[1] = 8, bad_sid[1][1] = 0;
    bad_sid[2][0] = 2;
    bad_sid_len[3] = 12, bad_sid[3][1] = 0;
    memset(bad_sid[4] + 28, 7, 44), bad_sid[4][1] = 16, bad_sid_len[4] = 72;
    bad_sid_len[5] = sizeof SID + 1;
    bad_sid_len[6] = sizeof SID - 1;
    bad_sid_len[7] = 12, bad_sid[7][1] = 2;
}

static void test_bad_sids(void)
{
    size_t i;
    uint8_t max_sid[OLR_MAX_SID_LEN];
    for (i = 0; i < 8; i++) {
        olr_status s = olr_account_check("alice", 5, "corp", 4, bad_sid[i], bad_sid_len[i]);
        if (s != OLR_INVALID_SID) {
            fprintf(stderr, "negative.c: SID %s\n", bad_sid_what[i]);
        }
        EXPECT(s, OLR_INVALID_SID);
    }
    /* The extremes that are valid: 1 and 15 sub-authorities. */
    memcpy(max_sid, SID, 8);
    max_sid[1] = 1;
    memset(max_sid + 8, 0x11, 4);
    EXPECT(olr_account_check("alice", 5, "corp", 4, max_sid, OLR_MIN_SID_LEN), OLR_OK);
    max_sid[1] = 15;
    memset(max_sid + 8, 0x22, sizeof max_sid - 8);
    EXPECT(olr_account_check("alice", 5, "corp", 4, max_sid, OLR_MAX_SID_LEN), OLR_OK);
}

static void test_free_functions(void)
{
    char out[OLR_MAX_NAME_LEN + 8];
    char long_label[300];
    size_t len = LEN_SENTINEL;
    uint8_t key1[OLR_WRAPPING_KEY_LEN + 1], key2[OLR_WRAPPING_KEY_LEN];
    uint16_t epoch = 7, lifetime = 7, skew = 7;
    olr_error_details details;
    char text[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];

    /* olr_default_offline_domain */
    EXPECT(olr_default_offline_domain(NULL, 3, out, sizeof out, &len), OLR_NULL_POINTER);
    EXPECT(olr_default_offline_domain("a.b", 3, NULL, 1, &len), OLR_NULL_POINTER);
    EXPECT(olr_default_offline_domain("a.b", 3, out, sizeof out, NULL), OLR_NULL_POINTER);
    EXPECT(olr_default_offline_domain("a.b", OVER_CAP, out, sizeof out, &len), OLR_INVALID_LENGTH);
    EXPECT(olr_default_offline_domain(BAD_UTF8, 3, out, sizeof out, &len), OLR_INVALID_UTF8);
    EXPECT(olr_default_offline_domain("", 0, out, sizeof out, &len), OLR_INVALID_DOMAIN);
    EXPECT(olr_default_offline_domain(".example.com", 12, out, sizeof out, &len),
           OLR_INVALID_DOMAIN);
    EXPECT(olr_default_offline_domain("co*rp.x", 7, out, sizeof out, &len), OLR_INVALID_DOMAIN);
    EXPECT(olr_default_offline_domain(" corp.x", 7, out, sizeof out, &len), OLR_INVALID_DOMAIN);
    memset(long_label, 'a', sizeof long_label);
    EXPECT(olr_default_offline_domain(long_label, sizeof long_label, out, sizeof out, &len),
           OLR_INVALID_DOMAIN);
    CHECK(len == LEN_SENTINEL);
    EXPECT(olr_default_offline_domain("corp.example.com", 16, out, 3, &len), OLR_BUFFER_TOO_SMALL);
    CHECK(len == 4);
    EXPECT(olr_default_offline_domain("\xc3\xb6sterreich.example", 19, out, sizeof out, &len),
           OLR_OK);
    CHECK(len == 11 && memcmp(out, "\xc3\x96STERREICH", 11) == 0);

    /* olr_account_check: names first (username, then domain), then the SID */
    EXPECT(olr_account_check(NULL, 5, "corp", 4, SID, sizeof SID), OLR_NULL_POINTER);
    EXPECT(olr_account_check("alice", 5, NULL, 4, SID, sizeof SID), OLR_NULL_POINTER);
    EXPECT(olr_account_check("alice", 5, "corp", 4, NULL, sizeof SID), OLR_NULL_POINTER);
    EXPECT(olr_account_check("alice", 5, "corp", 4, NULL, 0), OLR_NULL_POINTER);
    EXPECT(olr_account_check(BAD_UTF8, 3, "corp", 4, SID, sizeof SID), OLR_INVALID_UTF8);
    EXPECT(olr_account_check("alice", 5, BAD_UTF8, 3, SID, sizeof SID), OLR_INVALID_UTF8);
    EXPECT(olr_account_check("alice", HUGE_LEN, "corp", 4, SID, sizeof SID), OLR_INVALID_LENGTH);
    EXPECT(olr_account_check("alice", 5, "corp", OVER_CAP, SID, sizeof SID), OLR_INVALID_LENGTH);
    EXPECT(olr_account_check("alice", 5, "corp", 4, SID, OVER_CAP), OLR_INVALID_LENGTH);
    EXPECT(olr_account_check("alice", 5, "corp", 4, SID, HUGE_LEN), OLR_INVALID_LENGTH);
    EXPECT(olr_account_check("", 0, "corp", 4, SID, sizeof SID), OLR_INVALID_USERNAME);
    EXPECT(olr_account_check("  ", 2, "corp", 4, SID, sizeof SID), OLR_INVALID_USERNAME);
    EXPECT(olr_account_check("a\0b", 3, "corp", 4, SID, sizeof SID), OLR_INVALID_USERNAME);
    EXPECT(olr_account_check("alice", 5, "", 0, SID, sizeof SID), OLR_INVALID_DOMAIN);
    EXPECT(olr_account_check("alice", 5, "co\nrp", 5, SID, sizeof SID), OLR_INVALID_DOMAIN);
    EXPECT(olr_account_check(long_label, sizeof long_label, "corp", 4, SID, sizeof SID),
           OLR_INVALID_USERNAME);
    /* A bad name wins over a bad SID. */
    EXPECT(olr_account_check("", 0, "corp", 4, SID, 3), OLR_INVALID_USERNAME);
    EXPECT(olr_account_check("alice", 5, "", 0, SID, 3), OLR_INVALID_DOMAIN);
    test_bad_sids();
    EXPECT(olr_account_check("alice", 5, "corp", 4, SID, sizeof SID), OLR_OK);
    EXPECT(olr_account_check("alice", 5, "corp", 4, SID, OLR_MIN_SID_LEN), OLR_INVALID_SID);

    /* olr_deployment_package_check */
    EXPECT(olr_deployment_package_check(NULL, sizeof package, &epoch, &lifetime, &skew, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_deployment_package_check(package, sizeof package, NULL, &lifetime, &skew, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_deployment_package_check(package, sizeof package, &epoch, NULL, &skew, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_deployment_package_check(package, sizeof package, &epoch, &lifetime, NULL, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_deployment_package_check(package, OVER_CAP, &epoch, &lifetime, &skew, &details),
           OLR_INVALID_LENGTH);
    /* BAD_UTF8 starts with FF FE, a UTF-16 byte order mark: named as UTF-16 first. */
    EXPECT(olr_deployment_package_check(BAD_UTF8, 3, &epoch, &lifetime, &skew, &details),
           OLR_UTF16_TEXT);
    EXPECT(olr_deployment_package_check(TRUNCATED_UTF8, 5, &epoch, &lifetime, &skew, &details),
           OLR_INVALID_UTF8);
    EXPECT(olr_deployment_package_check(package, 0, &epoch, &lifetime, &skew, &details),
           OLR_TRUNCATED);
    /* 80 symbols are 50 whole bytes: a cut envelope. */
    EXPECT(olr_deployment_package_check(package, 80, &epoch, &lifetime, &skew, &details),
           OLR_TRUNCATED);
    memcpy(text, package, sizeof text);
    text[40] = text[40] == '0' ? '1' : '0';
    EXPECT(olr_deployment_package_check(text, sizeof text, &epoch, &lifetime, &skew, &details),
           OLR_CORRUPTED);
    text[40] = 'U';
    EXPECT(olr_deployment_package_check(text, sizeof text, &epoch, &lifetime, &skew, &details),
           OLR_MALFORMED_INPUT);
    EXPECT(olr_deployment_package_check(id, sizeof id, &epoch, &lifetime, &skew, &details),
           OLR_MALFORMED_INPUT);
    CHECK(epoch == 7 && lifetime == 7 && skew == 7);
    EXPECT(olr_deployment_package_check(package, sizeof package, &epoch, &lifetime, &skew, NULL),
           OLR_OK);
    CHECK(epoch == 1 && lifetime == 60 && skew == 5);

    /* olr_wrapping_key_generate */
    memset(key1, SENTINEL, sizeof key1);
    len = LEN_SENTINEL;
    EXPECT(olr_wrapping_key_generate(NULL, 64, &len), OLR_NULL_POINTER);
    EXPECT(olr_wrapping_key_generate(key1, sizeof key1, NULL), OLR_NULL_POINTER);
    EXPECT(olr_wrapping_key_generate(key1, 63, &len), OLR_BUFFER_TOO_SMALL);
    CHECK(len == OLR_WRAPPING_KEY_LEN && all_bytes(key1, sizeof key1, SENTINEL));
    EXPECT(olr_wrapping_key_generate(key1, sizeof key1, &len), OLR_OK);
    CHECK(len == OLR_WRAPPING_KEY_LEN && key1[OLR_WRAPPING_KEY_LEN] == SENTINEL);
    EXPECT(olr_wrapping_key_generate(key2, sizeof key2, &len), OLR_OK);
    CHECK(memcmp(key1, key2, sizeof key2) != 0);
}

static void test_server_key_ring(void)
{
    olr_server_key_ring *r = (olr_server_key_ring *)&passed; /* a sentinel, never used */
    olr_server_key_ring *const r_sentinel = r;
    olr_server_key_ring *fresh = NULL;
    uint16_t epoch = 7, lifetime = 7, skew = 7, epochs[OLR_MAX_GENERATIONS];
    uint32_t grace = 7;
    size_t len = LEN_SENTINEL;
    char out[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 8];
    uint8_t bytes[OLR_SERVER_KEY_RING_MAX_LEN + 8];
    olr_error_details details;

    /* generate */
    EXPECT(olr_server_key_ring_generate(60, 5, NULL), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_generate(0, 5, &r), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_generate(OLR_MAX_LIFETIME_MINUTES + 1, 5, &r), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_generate(60, OLR_MAX_CLOCK_SKEW_MINUTES + 1, &r),
           OLR_INVALID_POLICY);
    CHECK(r == r_sentinel);
    EXPECT(olr_server_key_ring_generate(OLR_MAX_LIFETIME_MINUTES, OLR_MAX_CLOCK_SKEW_MINUTES,
                                        &fresh),
           OLR_OK);
    CHECK(fresh != NULL);

    /* getters and setters */
    EXPECT(olr_server_key_ring_current_epoch(NULL, &epoch), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_current_epoch(fresh, NULL), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_policy(NULL, &lifetime, &skew), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_policy(fresh, NULL, &skew), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_policy(fresh, &lifetime, NULL), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_retired_grace_seconds(NULL, &grace), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_retired_grace_seconds(fresh, NULL), OLR_NULL_POINTER);
    CHECK(epoch == 7 && lifetime == 7 && skew == 7 && grace == 7);
    EXPECT(olr_server_key_ring_set_policy(NULL, 60, 5), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_set_policy(fresh, 0, 5), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_set_policy(fresh, 60, 1441), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_policy(fresh, &lifetime, &skew), OLR_OK);
    CHECK(lifetime == OLR_MAX_LIFETIME_MINUTES && skew == OLR_MAX_CLOCK_SKEW_MINUTES);
    EXPECT(olr_server_key_ring_set_policy(fresh, 30, 0), OLR_OK);
    EXPECT(olr_server_key_ring_policy(fresh, &lifetime, &skew), OLR_OK);
    CHECK(lifetime == 30 && skew == 0);
    EXPECT(olr_server_key_ring_set_retired_grace_seconds(NULL, 5), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_set_retired_grace_seconds(fresh, UINT32_MAX), OLR_OK);
    EXPECT(olr_server_key_ring_retired_grace_seconds(fresh, &grace), OLR_OK);
    CHECK(grace == UINT32_MAX);

    /* rotate and epochs */
    EXPECT(olr_server_key_ring_rotate(NULL, NOW, &epoch), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_rotate(fresh, NOW, NULL), OLR_NULL_POINTER);
    CHECK(epoch == 7);
    EXPECT(olr_server_key_ring_rotate(fresh, NOW, &epoch), OLR_OK);
    CHECK(epoch == 2);
    EXPECT(olr_server_key_ring_rotate(fresh, NOW + 1, &epoch), OLR_OK);
    CHECK(epoch == 3);
    EXPECT(olr_server_key_ring_epochs(NULL, epochs, 16, &len), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_epochs(fresh, NULL, 16, &len), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_epochs(fresh, epochs, 16, NULL), OLR_NULL_POINTER);
    memset(epochs, SENTINEL, sizeof epochs);
    EXPECT(olr_server_key_ring_epochs(fresh, epochs, 2, &len), OLR_BUFFER_TOO_SMALL);
    CHECK(len == 3 && all_bytes(epochs, sizeof epochs, SENTINEL));
    EXPECT(olr_server_key_ring_epochs(fresh, epochs, 3, &len), OLR_OK);
    CHECK(len == 3 && epochs[0] == 1 && epochs[1] == 2 && epochs[2] == 3);

    /* deployment package */
    len = LEN_SENTINEL;
    memset(out, SENTINEL, sizeof out);
    EXPECT(olr_server_key_ring_deployment_package(NULL, out, sizeof out, &len), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_deployment_package(fresh, NULL, sizeof out, &len),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_deployment_package(fresh, out, sizeof out, NULL), OLR_NULL_POINTER);
    CHECK(len == LEN_SENTINEL);
    EXPECT(olr_server_key_ring_deployment_package(fresh, out, OLR_DEPLOYMENT_PACKAGE_TEXT_LEN - 1,
                                                  &len),
           OLR_BUFFER_TOO_SMALL);
    CHECK(len == OLR_DEPLOYMENT_PACKAGE_TEXT_LEN && all_bytes(out, sizeof out, SENTINEL));
    EXPECT(olr_server_key_ring_deployment_package(fresh, out, sizeof out, &len), OLR_OK);
    CHECK(len == OLR_DEPLOYMENT_PACKAGE_TEXT_LEN && memcmp(out, package, len) != 0);

    /* export */
    len = LEN_SENTINEL;
    memset(bytes, SENTINEL, sizeof bytes);
    EXPECT(olr_server_key_ring_export(NULL, NULL, 0, bytes, sizeof bytes, &len), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_export(fresh, NULL, 64, bytes, sizeof bytes, &len),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_export(fresh, wkey, 63, bytes, sizeof bytes, &len),
           OLR_INVALID_KEY_MATERIAL);
    EXPECT(olr_server_key_ring_export(fresh, wkey, 65, bytes, sizeof bytes, &len),
           OLR_INVALID_KEY_MATERIAL);
    EXPECT(olr_server_key_ring_export(fresh, wkey, 0, bytes, sizeof bytes, &len),
           OLR_INVALID_KEY_MATERIAL);
    /* A wrapping key longer than any input is a length error (ABI 1.1), like every input. */
    EXPECT(olr_server_key_ring_export(fresh, wkey, HUGE_LEN, bytes, sizeof bytes, &len),
           OLR_INVALID_LENGTH);
    EXPECT(olr_server_key_ring_export(fresh, NULL, 0, NULL, 10, &len), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_export(fresh, NULL, 0, bytes, sizeof bytes, NULL),
           OLR_NULL_POINTER);
    CHECK(len == LEN_SENTINEL);
    EXPECT(olr_server_key_ring_export(fresh, wkey, 64, bytes, 10, &len), OLR_BUFFER_TOO_SMALL);
    /* Envelope header, wrapping (4 + 16), body header (policy 20, grace 4, signing secret 32,
     * next signing secret 32, count 2), three generations of 59 bytes, CRC-32. */
    CHECK(len == 10 + 4 + 16 + 90 + 3 * 59 + 4 && all_bytes(bytes, sizeof bytes, SENTINEL));
    EXPECT(olr_server_key_ring_export(fresh, wkey, 64, NULL, 0, &len), OLR_BUFFER_TOO_SMALL);
    EXPECT(olr_server_key_ring_export(fresh, wkey, 64, bytes, len, &len), OLR_OK);
    CHECK(bytes[len] == SENTINEL);
    /* Any time is accepted for rotation (saturating arithmetic inside). */
    EXPECT(olr_server_key_ring_rotate(fresh, INT64_MAX, &epoch), OLR_OK);
    EXPECT(olr_server_key_ring_rotate(fresh, INT64_MIN, &epoch), OLR_OK);
    CHECK(epoch == 5);
    olr_server_key_ring_free(fresh);
    olr_server_key_ring_free(NULL);

    /* import */
    r = r_sentinel;
    EXPECT(olr_server_key_ring_import(NULL, ring_plain_len, NULL, 0, &r, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_import(ring_plain, ring_plain_len, NULL, 0, NULL, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_import(ring_plain, ring_plain_len, NULL, 64, &r, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_import(ring_plain, OVER_CAP, NULL, 0, &r, &details),
           OLR_INVALID_LENGTH);
    EXPECT(olr_server_key_ring_import(ring_plain, HUGE_LEN, NULL, 0, &r, &details),
           OLR_INVALID_LENGTH);
    EXPECT(olr_server_key_ring_import(ring_wrapped, ring_wrapped_len, wkey, 32, &r, &details),
           OLR_INVALID_KEY_MATERIAL);
    EXPECT(olr_server_key_ring_import(ring_plain, 0, NULL, 0, &r, &details), OLR_TRUNCATED);
    EXPECT(olr_server_key_ring_import(ring_plain, 13, NULL, 0, &r, &details), OLR_TRUNCATED);
    EXPECT(olr_server_key_ring_import(ring_plain, ring_plain_len - 1, NULL, 0, &r, &details),
           OLR_TRUNCATED);
    memcpy(bytes, ring_plain, ring_plain_len);
    bytes[ring_plain_len] = 0;
    EXPECT(olr_server_key_ring_import(bytes, ring_plain_len + 1, NULL, 0, &r, &details),
           OLR_MALFORMED_INPUT);
    bytes[20] ^= 0x01;
    EXPECT(olr_server_key_ring_import(bytes, ring_plain_len, NULL, 0, &r, &details),
           OLR_CORRUPTED);
    memcpy(bytes, ring_plain, ring_plain_len);
    bytes[0] = 'X';
    EXPECT(olr_server_key_ring_import(bytes, ring_plain_len, NULL, 0, &r, &details),
           OLR_MALFORMED_INPUT);
    memcpy(bytes, ring_plain, ring_plain_len);
    bytes[3] = 2;
    EXPECT(olr_server_key_ring_import(bytes, ring_plain_len, NULL, 0, &r, &details),
           OLR_UNSUPPORTED_VERSION);
    CHECK(details.found_version == 2);
    /* A secret scalar of zero, checksum fixed: not a valid key. */
    memcpy(bytes, ring_plain, ring_plain_len);
    memset(bytes + ring_plain_len - 4 - 32, 0, 32);
    fix_crc(bytes, ring_plain_len);
    EXPECT(olr_server_key_ring_import(bytes, ring_plain_len, NULL, 0, &r, &details),
           OLR_INVALID_KEY_MATERIAL);
    /* Wrapped, tampered, checksum fixed: authentication fails. */
    memcpy(bytes, ring_wrapped, ring_wrapped_len);
    bytes[ring_wrapped_len - 10] ^= 0x80;
    fix_crc(bytes, ring_wrapped_len);
    EXPECT(olr_server_key_ring_import(bytes, ring_wrapped_len, wkey, 64, &r, &details),
           OLR_CORRUPTED);
    EXPECT(olr_server_key_ring_import(state_plain, state_plain_len, NULL, 0, &r, &details),
           OLR_WRONG_KIND);
    EXPECT(olr_server_key_ring_import(ring_wrapped, ring_wrapped_len, NULL, 0, &r, &details),
           OLR_WRAPPING_MISMATCH);
    EXPECT(olr_server_key_ring_import(ring_plain, ring_plain_len, wkey, 64, &r, &details),
           OLR_WRAPPING_MISMATCH);
    memcpy(bytes, wkey, 64);
    bytes[0] ^= 1;
    EXPECT(olr_server_key_ring_import(ring_wrapped, ring_wrapped_len, bytes, 64, &r, &details),
           OLR_WRONG_WRAPPING_KEY);
    CHECK(r == r_sentinel);
    EXPECT(olr_server_key_ring_import(ring_wrapped, ring_wrapped_len, wkey, 64, &r, NULL), OLR_OK);
    CHECK(r != r_sentinel && r != NULL);
    if (r != r_sentinel) {
        olr_server_key_ring_free(r);
    }
}

static void test_seal(void)
{
    char out[OLR_RESET_CODE_TEXT_LEN + 8], text[OLR_IDENTIFICATION_CODE_TEXT_LEN];
    char long_password[OLR_MAX_PASSWORD_LEN + 1];
    size_t len = LEN_SENTINEL, n = sizeof id;
    olr_error_details details;
    olr_server_key_ring *rotated = NULL;
    uint16_t epoch = 0;

#define SEAL_SID(r, i, il, u, ul, d, dl, s, sl, p, pl, t, o, oc, ol)                            \
    olr_server_key_ring_seal_reset_code(r, i, il, u, ul, d, dl, s, sl, p, pl, t, o, oc, ol,      \
                                        &details)
#define SEAL(r, i, il, u, ul, d, dl, p, pl, t, o, oc, ol)                                        \
    SEAL_SID(r, i, il, u, ul, d, dl, SID, sizeof SID, p, pl, t, o, oc, ol)
    memset(out, SENTINEL, sizeof out);
    /* The SID (ABI 2.0): NULL, an absurd length, each malformed SID; names come first, the
     * password after. */
    EXPECT(SEAL_SID(ring, id, n, "alice", 5, "corp", 4, NULL, sizeof SID, PASSWORD, 15, NOW, out,
                    49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL_SID(ring, id, n, "alice", 5, "corp", 4, NULL, 0, PASSWORD, 15, NOW, out, 49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL_SID(ring, id, n, "alice", 5, "corp", 4, SID, OVER_CAP, PASSWORD, 15, NOW, out, 49,
                    &len),
           OLR_INVALID_LENGTH);
    for (size_t b = 0; b < 8; b++) {
        EXPECT(SEAL_SID(ring, id, n, "alice", 5, "corp", 4, bad_sid[b], bad_sid_len[b], PASSWORD,
                        15, NOW, out, 49, &len),
               OLR_INVALID_SID);
    }
    EXPECT(SEAL_SID(ring, id, n, "", 0, "corp", 4, bad_sid[2], sizeof SID, PASSWORD, 15, NOW, out,
                    49, &len),
           OLR_INVALID_USERNAME);
    EXPECT(SEAL_SID(ring, id, n, "alice", 5, "corp", 4, bad_sid[2], sizeof SID, PASSWORD, 0, NOW,
                    out, 49, &len),
           OLR_INVALID_SID);
    CHECK(len == LEN_SENTINEL && all_bytes(out, sizeof out, SENTINEL));
    /* Another SID gives another code. */
    EXPECT(SEAL_SID(ring, id, n, "alice", 5, "corp", 4, OTHER_SID, sizeof OTHER_SID, PASSWORD, 15,
                    NOW, out, 49, &len),
           OLR_OK);
    CHECK(len == 49 && memcmp(out, code, 49) != 0);
    memset(out, SENTINEL, sizeof out);
    len = LEN_SENTINEL;
    /* NULL in each pointer position. */
    EXPECT(SEAL(NULL, id, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL(ring, NULL, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL(ring, id, n, NULL, 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL(ring, id, n, "alice", 5, NULL, 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, NULL, 15, NOW, out, 49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, NULL, 49, &len),
           OLR_NULL_POINTER);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, NULL),
           OLR_NULL_POINTER);
    /* Absurd lengths and invalid UTF-8 in each string. */
    EXPECT(SEAL(ring, id, OVER_CAP, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_LENGTH);
    EXPECT(SEAL(ring, id, n, "alice", HUGE_LEN, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_LENGTH);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", OVER_CAP, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_LENGTH);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, HUGE_LEN, NOW, out, 49, &len),
           OLR_INVALID_LENGTH);
    EXPECT(SEAL(ring, BAD_UTF8, 3, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_UTF8);
    EXPECT(SEAL(ring, id, n, BAD_UTF8, 3, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_UTF8);
    EXPECT(SEAL(ring, id, n, "alice", 5, TRUNCATED_UTF8, 5, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_UTF8);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, BAD_UTF8, 3, NOW, out, 49, &len),
           OLR_INVALID_UTF8);
    /* Bad values. */
    memcpy(text, id, n);
    mistype_group(text, 5);
    EXPECT(SEAL(ring, text, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_MISTYPED);
    CHECK(details.mistyped_group == 5);
    EXPECT(SEAL(ring, id, n - 1, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_MALFORMED_INPUT);
    EXPECT(SEAL(ring, code, sizeof code, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_MALFORMED_INPUT);
    EXPECT(SEAL(ring, id, n, "", 0, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_USERNAME);
    EXPECT(SEAL(ring, id, n, "alice", 5, "\t", 1, PASSWORD, 15, NOW, out, 49, &len),
           OLR_INVALID_DOMAIN);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 0, NOW, out, 49, &len),
           OLR_INVALID_PASSWORD);
    memset(long_password, 'x', sizeof long_password);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, long_password, sizeof long_password, NOW, out,
                49, &len),
           OLR_INVALID_PASSWORD);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 15, 0, out, 49, &len),
           OLR_TIME_OUT_OF_RANGE);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 15, INT64_MIN, out, 49, &len),
           OLR_TIME_OUT_OF_RANGE);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 15, INT64_MAX, out, 49, &len),
           OLR_TIME_OUT_OF_RANGE);
    CHECK(len == LEN_SENTINEL && all_bytes(out, sizeof out, SENTINEL));
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 48, &len),
           OLR_BUFFER_TOO_SMALL);
    CHECK(len == OLR_RESET_CODE_TEXT_LEN && all_bytes(out, sizeof out, SENTINEL));
    /* A foreign ring (another epoch) refuses the code and names both epochs. */
    if (quick_ring(&rotated) == OLR_OK &&
        olr_server_key_ring_rotate(rotated, NOW, &epoch) == OLR_OK) {
        EXPECT(SEAL(rotated, id, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len),
               OLR_KEY_ROTATED);
        CHECK(details.code_epoch == 1 && details.current_epoch == 2);
    } else {
        CHECK(!"second key ring");
    }
    olr_server_key_ring_free(rotated);
    EXPECT(SEAL(ring, id, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW, out, 49, &len), OLR_OK);
    CHECK(all_bytes(&details, sizeof details, 0) && out[49] == (char)SENTINEL);
    /* Sealing is deterministic for the same inputs and minute. */
    CHECK(len == 49 && memcmp(out, code, 49) == 0);
#undef SEAL
#undef SEAL_SID
}

static void test_machine(void)
{
    olr_machine *m = (olr_machine *)&failed; /* a sentinel, never used */
    olr_machine *const m_sentinel = m;
    olr_server_key_ring *other_ring = NULL;
    olr_machine *other = NULL;
    char out[OLR_IDENTIFICATION_CODE_TEXT_LEN + 8], text[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    char other_package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    uint8_t bytes[OLR_MACHINE_STATE_MAX_LEN + 8];
    size_t len = LEN_SENTINEL;
    uint16_t epoch = 7, lifetime = 7, skew = 7;
    bool same = false;
    olr_error_details details;

    /* enroll */
    EXPECT(olr_machine_enroll(NULL, sizeof package, &m, &details), OLR_NULL_POINTER);
    EXPECT(olr_machine_enroll(package, sizeof package, NULL, &details), OLR_NULL_POINTER);
    EXPECT(olr_machine_enroll(package, HUGE_LEN, &m, &details), OLR_INVALID_LENGTH);
    EXPECT(olr_machine_enroll(BAD_UTF8, 3, &m, &details), OLR_UTF16_TEXT);
    EXPECT(olr_machine_enroll(TRUNCATED_UTF8, 5, &m, &details), OLR_INVALID_UTF8);
    EXPECT(olr_machine_enroll(package, 0, &m, &details), OLR_TRUNCATED);
    EXPECT(olr_machine_enroll(package, 80, &m, &details), OLR_TRUNCATED);
    memcpy(text, package, sizeof text);
    text[60] = text[60] == 'Z' ? 'Y' : 'Z';
    EXPECT(olr_machine_enroll(text, sizeof text, &m, &details), OLR_CORRUPTED);
    EXPECT(olr_machine_enroll(id, sizeof id, &m, &details), OLR_MALFORMED_INPUT);
    CHECK(m == m_sentinel);

    /* identification code, epoch, policy */
    memset(out, SENTINEL, sizeof out);
    EXPECT(olr_machine_identification_code(NULL, out, sizeof out, &len), OLR_NULL_POINTER);
    EXPECT(olr_machine_identification_code(machine, NULL, sizeof out, &len), OLR_NULL_POINTER);
    EXPECT(olr_machine_identification_code(machine, out, sizeof out, NULL), OLR_NULL_POINTER);
    CHECK(len == LEN_SENTINEL);
    EXPECT(olr_machine_identification_code(machine, out, 70, &len), OLR_BUFFER_TOO_SMALL);
    CHECK(len == 71 && all_bytes(out, sizeof out, SENTINEL));
    EXPECT(olr_machine_identification_code(machine, out, 71, &len), OLR_OK);
    CHECK(len == 71 && memcmp(out, id, 71) == 0);
    EXPECT(olr_machine_epoch(NULL, &epoch), OLR_NULL_POINTER);
    EXPECT(olr_machine_epoch(machine, NULL), OLR_NULL_POINTER);
    EXPECT(olr_machine_policy(NULL, &lifetime, &skew), OLR_NULL_POINTER);
    EXPECT(olr_machine_policy(machine, NULL, &skew), OLR_NULL_POINTER);
    EXPECT(olr_machine_policy(machine, &lifetime, NULL), OLR_NULL_POINTER);
    CHECK(epoch == 7 && lifetime == 7 && skew == 7);
    EXPECT(olr_machine_epoch(machine, &epoch), OLR_OK);
    EXPECT(olr_machine_policy(machine, &lifetime, &skew), OLR_OK);
    CHECK(epoch == 1 && lifetime == 60 && skew == 5);

    /* is_enrolled_with */
    EXPECT(olr_machine_is_enrolled_with(NULL, package, sizeof package, &same, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_is_enrolled_with(machine, NULL, sizeof package, &same, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_is_enrolled_with(machine, package, sizeof package, NULL, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_is_enrolled_with(machine, package, OVER_CAP, &same, &details),
           OLR_INVALID_LENGTH);
    EXPECT(olr_machine_is_enrolled_with(machine, BAD_UTF8, 3, &same, &details), OLR_UTF16_TEXT);
    EXPECT(olr_machine_is_enrolled_with(machine, TRUNCATED_UTF8, 5, &same, &details),
           OLR_INVALID_UTF8);
    EXPECT(olr_machine_is_enrolled_with(machine, text, sizeof text, &same, &details),
           OLR_CORRUPTED);
    CHECK(!same);
    EXPECT(olr_machine_is_enrolled_with(machine, package, sizeof package, &same, &details),
           OLR_OK);
    CHECK(same);
    if (quick_ring(&other_ring) == OLR_OK &&
        olr_server_key_ring_deployment_package(other_ring, other_package, sizeof other_package,
                                               &len) == OLR_OK &&
        olr_machine_enroll(other_package, len, &other, &details) == OLR_OK) {
        EXPECT(olr_machine_is_enrolled_with(machine, other_package, len, &same, NULL), OLR_OK);
        CHECK(!same);
        /* Same epoch, another machine: the code does not open there. */
        EXPECT(open_with(other, code, sizeof code, "alice", "corp", PASSWORD, NOW + 60, NULL,
                         &details),
               OLR_REJECTED);
    } else {
        CHECK(!"second key ring and machine");
    }

    /* export */
    len = LEN_SENTINEL;
    memset(bytes, SENTINEL, sizeof bytes);
    EXPECT(olr_machine_export(NULL, NULL, 0, bytes, sizeof bytes, &len), OLR_NULL_POINTER);
    EXPECT(olr_machine_export(machine, NULL, 1, bytes, sizeof bytes, &len), OLR_NULL_POINTER);
    EXPECT(olr_machine_export(machine, NULL, 0, NULL, 1, &len), OLR_NULL_POINTER);
    EXPECT(olr_machine_export(machine, NULL, 0, bytes, sizeof bytes, NULL), OLR_NULL_POINTER);
    EXPECT(olr_machine_export(machine, wkey, 1, bytes, sizeof bytes, &len),
           OLR_INVALID_KEY_MATERIAL);
    CHECK(len == LEN_SENTINEL);
    EXPECT(olr_machine_export(machine, NULL, 0, bytes, 160, &len), OLR_BUFFER_TOO_SMALL);
    CHECK(len == 198 && len + 20 == OLR_MACHINE_STATE_MAX_LEN &&
          all_bytes(bytes, sizeof bytes, SENTINEL));
    EXPECT(olr_machine_export(machine, wkey, 64, bytes, OLR_MACHINE_STATE_MAX_LEN - 1, &len),
           OLR_BUFFER_TOO_SMALL);
    CHECK(len == OLR_MACHINE_STATE_MAX_LEN);

    /* import */
    EXPECT(olr_machine_import(NULL, state_plain_len, NULL, 0, &m, &details), OLR_NULL_POINTER);
    EXPECT(olr_machine_import(state_plain, state_plain_len, NULL, 0, NULL, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_import(state_wrapped, state_wrapped_len, NULL, 64, &m, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_import(state_plain, OVER_CAP, NULL, 0, &m, &details), OLR_INVALID_LENGTH);
    EXPECT(olr_machine_import(state_wrapped, state_wrapped_len, wkey, 65, &m, &details),
           OLR_INVALID_KEY_MATERIAL);
    EXPECT(olr_machine_import(state_plain, 0, NULL, 0, &m, &details), OLR_TRUNCATED);
    EXPECT(olr_machine_import(state_plain, 3, NULL, 0, &m, &details), OLR_TRUNCATED);
    EXPECT(olr_machine_import(state_plain, state_plain_len - 1, NULL, 0, &m, &details),
           OLR_TRUNCATED);
    memcpy(bytes, state_plain, state_plain_len);
    bytes[50] ^= 0x10;
    EXPECT(olr_machine_import(bytes, state_plain_len, NULL, 0, &m, &details), OLR_CORRUPTED);
    memcpy(bytes, state_plain, state_plain_len);
    bytes[3] = 9;
    EXPECT(olr_machine_import(bytes, state_plain_len, NULL, 0, &m, &details),
           OLR_UNSUPPORTED_VERSION);
    CHECK(details.found_version == 9);
    /* Server public key damaged (x = 2^256 - 1 is not a field element), checksum fixed. */
    memcpy(bytes, state_plain, state_plain_len);
    memset(bytes + 10 + 2 + 1, 0xFF, 32);
    fix_crc(bytes, state_plain_len);
    EXPECT(olr_machine_import(bytes, state_plain_len, NULL, 0, &m, &details),
           OLR_INVALID_KEY_MATERIAL);
    memcpy(bytes, state_wrapped, state_wrapped_len);
    bytes[40] ^= 0x01;
    fix_crc(bytes, state_wrapped_len);
    EXPECT(olr_machine_import(bytes, state_wrapped_len, wkey, 64, &m, &details), OLR_CORRUPTED);
    EXPECT(olr_machine_import(ring_plain, ring_plain_len, NULL, 0, &m, &details), OLR_WRONG_KIND);
    EXPECT(olr_machine_import(state_wrapped, state_wrapped_len, NULL, 0, &m, &details),
           OLR_WRAPPING_MISMATCH);
    EXPECT(olr_machine_import(state_plain, state_plain_len, wkey, 64, &m, &details),
           OLR_WRAPPING_MISMATCH);
    memcpy(bytes, wkey, 64);
    bytes[1] ^= 0x40;
    EXPECT(olr_machine_import(state_wrapped, state_wrapped_len, bytes, 64, &m, &details),
           OLR_WRONG_WRAPPING_KEY);
    /* The stored key check covers both halves of the key (S2V and CTR). */
    memcpy(bytes, wkey, 64);
    bytes[63] ^= 0x40;
    EXPECT(olr_machine_import(state_wrapped, state_wrapped_len, bytes, 64, &m, &details),
           OLR_WRONG_WRAPPING_KEY);
    CHECK(m == m_sentinel);
    EXPECT(olr_machine_import(state_wrapped, state_wrapped_len, wkey, 64, &m, &details), OLR_OK);
    if (m != m_sentinel) {
        EXPECT(olr_machine_identification_code(m, out, sizeof out, &len), OLR_OK);
        CHECK(len == 71 && memcmp(out, id, 71) == 0);
        olr_machine_free(m);
    }
    olr_machine_free(NULL);
    olr_machine_free(other);
    olr_server_key_ring_free(other_ring);
}

static void test_open(void)
{
    const int64_t t = NOW + 60;
    char text[OLR_RESET_CODE_TEXT_LEN + 4];
    char long_name[OLR_MAX_NAME_LEN + 1];
    size_t n = sizeof code;
    olr_accepted_reset accepted, untouched;
    olr_error_details details;
    olr_server_key_ring *rotated = NULL;
    olr_machine *rotated_machine = NULL;
    char rotated_package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN], rotated_id[71], rotated_code[49];
    size_t len = 0;
    uint16_t epoch = 0;
    int g;

#define OPEN_SID(m, c, cl, u, ul, d, dl, s, sl, p, pl, now)                                     \
    olr_machine_open_reset_code_for_diagnostics(m, c, cl, u, ul, d, dl, s, sl, p, pl, now,        \
                                                &accepted, &details)
#define OPEN(m, c, cl, u, ul, d, dl, p, pl, now)                                                 \
    OPEN_SID(m, c, cl, u, ul, d, dl, SID, sizeof SID, p, pl, now)
    memset(&accepted, SENTINEL, sizeof accepted);
    memcpy(&untouched, &accepted, sizeof accepted);
    /* The SID (ABI 2.0): NULL, absurd length, malformed; after the names, before the password;
     * another account's SID is the same refusal as any other wrong part. */
    EXPECT(OPEN_SID(machine, code, n, "alice", 5, "corp", 4, NULL, sizeof SID, PASSWORD, 15, t),
           OLR_NULL_POINTER);
    EXPECT(OPEN_SID(machine, code, n, "alice", 5, "corp", 4, NULL, 0, PASSWORD, 15, t),
           OLR_NULL_POINTER);
    EXPECT(OPEN_SID(machine, code, n, "alice", 5, "corp", 4, SID, HUGE_LEN, PASSWORD, 15, t),
           OLR_INVALID_LENGTH);
    for (size_t b = 0; b < 8; b++) {
        EXPECT(OPEN_SID(machine, code, n, "alice", 5, "corp", 4, bad_sid[b], bad_sid_len[b],
                        PASSWORD, 15, t),
               OLR_INVALID_SID);
    }
    EXPECT(OPEN_SID(machine, code, n, "alice", 5, "", 0, bad_sid[2], sizeof SID, PASSWORD, 15, t),
           OLR_INVALID_DOMAIN);
    EXPECT(OPEN_SID(machine, code, n, "alice", 5, "corp", 4, bad_sid[2], sizeof SID, PASSWORD, 0,
                    t),
           OLR_INVALID_SID);
    EXPECT(OPEN_SID(machine, code, n, "alice", 5, "corp", 4, OTHER_SID, sizeof OTHER_SID, PASSWORD,
                    15, t),
           OLR_REJECTED);
    /* NULL in each pointer position (accepted and details may be NULL). */
    EXPECT(OPEN(NULL, code, n, "alice", 5, "corp", 4, PASSWORD, 15, t), OLR_NULL_POINTER);
    EXPECT(OPEN(machine, NULL, n, "alice", 5, "corp", 4, PASSWORD, 15, t), OLR_NULL_POINTER);
    EXPECT(OPEN(machine, code, n, NULL, 5, "corp", 4, PASSWORD, 15, t), OLR_NULL_POINTER);
    EXPECT(OPEN(machine, code, n, "alice", 5, NULL, 4, PASSWORD, 15, t), OLR_NULL_POINTER);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, NULL, 15, t), OLR_NULL_POINTER);
    /* Lengths and UTF-8 in each string. */
    EXPECT(OPEN(machine, code, HUGE_LEN, "alice", 5, "corp", 4, PASSWORD, 15, t),
           OLR_INVALID_LENGTH);
    EXPECT(OPEN(machine, code, n, "alice", OVER_CAP, "corp", 4, PASSWORD, 15, t),
           OLR_INVALID_LENGTH);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", HUGE_LEN, PASSWORD, 15, t),
           OLR_INVALID_LENGTH);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, PASSWORD, OVER_CAP, t),
           OLR_INVALID_LENGTH);
    EXPECT(OPEN(machine, BAD_UTF8, 3, "alice", 5, "corp", 4, PASSWORD, 15, t), OLR_INVALID_UTF8);
    EXPECT(OPEN(machine, code, n, TRUNCATED_UTF8, 5, "corp", 4, PASSWORD, 15, t),
           OLR_INVALID_UTF8);
    EXPECT(OPEN(machine, code, n, "alice", 5, BAD_UTF8, 3, PASSWORD, 15, t), OLR_INVALID_UTF8);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, BAD_UTF8, 3, t), OLR_INVALID_UTF8);
    /* The code's typing, group by group. */
    for (g = 1; g <= 6; g++) {
        memcpy(text, code, n);
        mistype_group(text, g);
        EXPECT(OPEN(machine, text, n, "alice", 5, "corp", 4, PASSWORD, 15, t), OLR_MISTYPED);
        CHECK(details.mistyped_group == g);
    }
    EXPECT(OPEN(machine, code, 0, "alice", 5, "corp", 4, PASSWORD, 15, t), OLR_MALFORMED_INPUT);
    EXPECT(OPEN(machine, code, n - 4, "alice", 5, "corp", 4, PASSWORD, 15, t),
           OLR_MALFORMED_INPUT);
    EXPECT(OPEN(machine, id, sizeof id, "alice", 5, "corp", 4, PASSWORD, 15, t),
           OLR_MALFORMED_INPUT);
    /* Names and password limits. */
    EXPECT(OPEN(machine, code, n, "", 0, "corp", 4, PASSWORD, 15, t), OLR_INVALID_USERNAME);
    memset(long_name, 'a', sizeof long_name);
    EXPECT(OPEN(machine, code, n, long_name, sizeof long_name, "corp", 4, PASSWORD, 15, t),
           OLR_INVALID_USERNAME);
    EXPECT(OPEN(machine, code, n, "alice", 5, "", 0, PASSWORD, 15, t), OLR_INVALID_DOMAIN);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, PASSWORD, 0, t), OLR_INVALID_PASSWORD);
    /* Authentication: any wrong part is the same refusal. */
    EXPECT(OPEN(machine, code, n, "bob", 3, "corp", 4, PASSWORD, 15, t), OLR_REJECTED);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corq", 4, PASSWORD, 15, t), OLR_REJECTED);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, "winter-Tulip-42", 15, t), OLR_REJECTED);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, PASSWORD, 14, t), OLR_REJECTED);
    /* Time: the policy allows 60 minutes and 5 minutes of skew. */
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW - 3600),
           OLR_NOT_YET_VALID);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, PASSWORD, 15, NOW + 2 * 3600),
           OLR_EXPIRED);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, PASSWORD, 15, INT64_MAX), OLR_EXPIRED);
    EXPECT(OPEN(machine, code, n, "alice", 5, "corp", 4, PASSWORD, 15, INT64_MIN),
           OLR_NOT_YET_VALID);
    CHECK(memcmp(&accepted, &untouched, sizeof accepted) == 0);
    /* A code for another epoch (another, rotated ring), and for another machine. */
    if (quick_ring(&rotated) == OLR_OK &&
        olr_server_key_ring_rotate(rotated, NOW, &epoch) == OLR_OK &&
        olr_server_key_ring_deployment_package(rotated, rotated_package, sizeof rotated_package,
                                               &len) == OLR_OK &&
        olr_machine_enroll(rotated_package, len, &rotated_machine, &details) == OLR_OK &&
        olr_machine_identification_code(rotated_machine, rotated_id, 71, &len) == OLR_OK &&
        seal_with(rotated, rotated_id, 71, "alice", "corp", PASSWORD, NOW, rotated_code, &len,
                  &details) == OLR_OK) {
        /* On the machine the mismatch says which side is behind (ABI 1.1). */
        EXPECT(OPEN(machine, rotated_code, 49, "alice", 5, "corp", 4, PASSWORD, 15, t),
               OLR_REDEPLOY_NEEDED);
        CHECK(details.code_epoch == 2 && details.current_epoch == 1);
        EXPECT(OPEN(rotated_machine, code, n, "alice", 5, "corp", 4, PASSWORD, 15, t),
               OLR_CODE_BEFORE_ROTATION);
        CHECK(details.code_epoch == 1 && details.current_epoch == 2);
        EXPECT(seal_with(ring, rotated_id, 71, "alice", "corp", PASSWORD, NOW, text, &len,
                         &details),
               OLR_KEY_ROTATED);
    } else {
        CHECK(!"rotated ring and machine");
    }
    olr_machine_free(rotated_machine);
    olr_server_key_ring_free(rotated);
    CHECK(memcmp(&accepted, &untouched, sizeof accepted) == 0);
    /* Success: case-insensitive names, details written (zeros), accepted filled; NULLs
     * allowed. Names are not trimmed (docs/PROTOCOL.md §5): " ALICE " is refused. */
    EXPECT(OPEN(machine, code, n, " ALICE ", 7, "Corp", 4, PASSWORD, 15, t), OLR_INVALID_USERNAME);
    memset(&details, 0xFF, sizeof details);
    EXPECT(OPEN(machine, code, n, "ALICE", 5, "Corp", 4, PASSWORD, 15, t), OLR_OK);
    CHECK(all_bytes(&details, sizeof details, 0));
    CHECK(accepted.expires_at - accepted.issued_at == 3600 && accepted.issued_at <= NOW &&
          NOW - accepted.issued_at < 60);
    EXPECT(open_with(machine, code, n, "alice", "corp", PASSWORD, t, NULL, NULL), OLR_OK);
    /* Diagnostics only: opening counts and records nothing, so the same code opens again. */
    EXPECT(open_with(machine, code, n, "alice", "corp", PASSWORD, t, NULL, NULL), OLR_OK);
#undef OPEN
#undef OPEN_SID
}

/* ABI 1.1: password costs and pruning. */
static void test_password_cost(void)
{
    olr_server_key_ring *r = NULL;
    uint32_t m = 7, it = 7, p = 7;
    const uint32_t min_m = OLR_MIN_PASSWORD_MEMORY_KIB, min_t = OLR_MIN_PASSWORD_ITERATIONS;
    const uint32_t bad[][3] = {{OLR_MIN_PASSWORD_MEMORY_KIB - 1, 2, 1},
                               {OLR_MAX_PASSWORD_MEMORY_KIB + 1, 2, 1},
                               {OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS - 1, 1},
                               {OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MAX_PASSWORD_ITERATIONS + 1, 1},
                               {OLR_MIN_PASSWORD_MEMORY_KIB, 2, 0},
                               {OLR_MIN_PASSWORD_MEMORY_KIB, 2, OLR_MAX_PASSWORD_PARALLELISM + 1},
                               {0, 0, 0},
                               {UINT32_MAX, UINT32_MAX, UINT32_MAX}};
    size_t i;

    CHECK(OLR_MIN_PASSWORD_MEMORY_KIB == 19456 && OLR_MIN_PASSWORD_ITERATIONS == 2);
    CHECK(OLR_DEFAULT_PASSWORD_MEMORY_KIB == 65536 && OLR_DEFAULT_PASSWORD_ITERATIONS == 3 &&
          OLR_DEFAULT_PASSWORD_PARALLELISM == 1);
    /* generate_with_password_cost */
    EXPECT(olr_server_key_ring_generate_with_password_cost(60, 5, min_m, min_t, 1, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_generate_with_password_cost(0, 5, min_m, min_t, 1, &r),
           OLR_INVALID_POLICY);
    CHECK(r == NULL);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT(olr_server_key_ring_generate_with_password_cost(60, 5, bad[i][0], bad[i][1],
                                                               bad[i][2], &r),
               OLR_INVALID_POLICY);
        CHECK(r == NULL);
        EXPECT(olr_server_key_ring_set_password_cost(ring, bad[i][0], bad[i][1], bad[i][2]),
               OLR_INVALID_POLICY);
    }
    /* password_cost */
    EXPECT(olr_server_key_ring_password_cost(NULL, 1, &m, &it, &p), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_password_cost(ring, 1, NULL, &it, &p), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_password_cost(ring, 1, &m, NULL, &p), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_password_cost(ring, 1, &m, &it, NULL), OLR_NULL_POINTER);
    CHECK(m == 7 && it == 7 && p == 7);
    EXPECT(olr_server_key_ring_password_cost(ring, 2, &m, &it, &p), OLR_KEY_ROTATED);
    CHECK(m == 7 && it == 7 && p == 7);
    EXPECT(olr_server_key_ring_password_cost(ring, 1, &m, &it, &p), OLR_OK);
    CHECK(m == min_m && it == min_t && p == 1);
    /* machine_password_cost */
    m = it = p = 7;
    EXPECT(olr_machine_password_cost(NULL, &m, &it, &p), OLR_NULL_POINTER);
    EXPECT(olr_machine_password_cost(machine, NULL, &it, &p), OLR_NULL_POINTER);
    EXPECT(olr_machine_password_cost(machine, &m, NULL, &p), OLR_NULL_POINTER);
    EXPECT(olr_machine_password_cost(machine, &m, &it, NULL), OLR_NULL_POINTER);
    CHECK(m == 7 && it == 7 && p == 7);
    EXPECT(olr_machine_password_cost(machine, &m, &it, &p), OLR_OK);
    CHECK(m == min_m && it == min_t && p == 1);
    /* set_password_cost, prune */
    EXPECT(olr_server_key_ring_set_password_cost(NULL, min_m, min_t, 1), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_prune(NULL, NOW), OLR_NULL_POINTER);
    /* The plain generate deploys the default cost; a new cost waits for the next rotation. */
    if (olr_server_key_ring_generate(60, 5, &r) == OLR_OK) {
        EXPECT(olr_server_key_ring_password_cost(r, 1, &m, &it, &p), OLR_OK);
        CHECK(m == OLR_DEFAULT_PASSWORD_MEMORY_KIB && it == OLR_DEFAULT_PASSWORD_ITERATIONS &&
              p == OLR_DEFAULT_PASSWORD_PARALLELISM);
        EXPECT(olr_server_key_ring_set_password_cost(r, min_m, min_t, 1), OLR_OK);
        EXPECT(olr_server_key_ring_password_cost(r, 1, &m, &it, &p), OLR_OK);
        CHECK(m == OLR_DEFAULT_PASSWORD_MEMORY_KIB);
        EXPECT(olr_server_key_ring_prune(r, NOW), OLR_OK);
    } else {
        CHECK(!"default ring");
    }
    olr_server_key_ring_free(r);
}

/* ABI 2.0: the replay ledger bound to a machine, with a generation and counts. */
static void test_ledger(void)
{
    olr_replay_ledger *l = (olr_replay_ledger *)&passed; /* a sentinel, never used */
    olr_replay_ledger *const l_sentinel = l;
    olr_replay_ledger *ledger = NULL, *copy = NULL;
    olr_server_key_ring *other_ring = NULL;
    olr_machine *other = NULL;
    char other_package[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    static uint8_t bytes[OLR_REPLAY_LEDGER_MAX_LEN + 8], old[OLR_REPLAY_LEDGER_MAX_LEN];
    size_t len = LEN_SENTINEL, old_len = 0, accounts = 7, codes = 7;
    uint64_t generation = 7;
    olr_error_details details;
    olr_accepted_reset accepted;
    const int64_t t = NOW + 60;

    /* new, counts, generation */
    EXPECT(olr_replay_ledger_new(NULL, &l), OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_new(machine, NULL), OLR_NULL_POINTER);
    CHECK(l == l_sentinel);
    if (olr_replay_ledger_new(machine, &ledger) != OLR_OK) {
        CHECK(!"new ledger");
        return;
    }
    EXPECT(olr_replay_ledger_counts(NULL, &accounts, &codes), OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_counts(ledger, NULL, &codes), OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_counts(ledger, &accounts, NULL), OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_generation(NULL, &generation), OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_generation(ledger, NULL), OLR_NULL_POINTER);
    CHECK(accounts == 7 && codes == 7 && generation == 7);
    EXPECT(olr_replay_ledger_counts(ledger, &accounts, &codes), OLR_OK);
    EXPECT(olr_replay_ledger_generation(ledger, &generation), OLR_OK);
    CHECK(accounts == 0 && codes == 0 && generation == 0);
    /* A new ledger exports as 68 bytes plain, 88 wrapped. */
    EXPECT(olr_replay_ledger_export(ledger, NULL, 0, NULL, 0, &len), OLR_BUFFER_TOO_SMALL);
    CHECK(len == 68);
    EXPECT(olr_replay_ledger_export(ledger, wkey, sizeof wkey, NULL, 0, &len),
           OLR_BUFFER_TOO_SMALL);
    CHECK(len == 88);
    EXPECT(olr_replay_ledger_export(ledger, NULL, 0, old, sizeof old, &old_len), OLR_OK);

#define REDEEM_SID(g, c, u, s, sl, p, pl, now)                                                    \
    olr_machine_redeem_reset_code(machine, g, c, sizeof c, u, strlen(u), "corp", 4, s, sl, p, pl, \
                                  now, &accepted, &details)
#define REDEEM(g, c, p, pl, now) REDEEM_SID(g, c, "alice", SID, sizeof SID, p, pl, now)
    /* redeem: NULL in each pointer position; none changes the ledger. */
    EXPECT(olr_machine_redeem_reset_code(NULL, ledger, code, sizeof code, "alice", 5, "corp", 4,
                                         SID, sizeof SID, PASSWORD, 15, t, NULL, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeem_reset_code(machine, NULL, code, sizeof code, "alice", 5, "corp", 4,
                                         SID, sizeof SID, PASSWORD, 15, t, NULL, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeem_reset_code(machine, ledger, NULL, sizeof code, "alice", 5, "corp", 4,
                                         SID, sizeof SID, PASSWORD, 15, t, NULL, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, NULL, 5, "corp", 4,
                                         SID, sizeof SID, PASSWORD, 15, t, NULL, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, "alice", 5, NULL, 4,
                                         SID, sizeof SID, PASSWORD, 15, t, NULL, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, "alice", 5, "corp", 4,
                                         NULL, sizeof SID, PASSWORD, 15, t, NULL, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, "alice", 5, "corp", 4,
                                         SID, sizeof SID, NULL, 15, t, NULL, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, "alice", 5, "corp", 4,
                                         SID, OVER_CAP, PASSWORD, 15, t, NULL, NULL),
           OLR_INVALID_LENGTH);
    for (size_t b = 0; b < 8; b++) {
        EXPECT(REDEEM_SID(ledger, code, "alice", bad_sid[b], bad_sid_len[b], PASSWORD, 15, t),
               OLR_INVALID_SID);
    }
    EXPECT(olr_replay_ledger_generation(ledger, &generation), OLR_OK);
    CHECK(generation == 0);

    /* A ledger of another machine is refused by redeem and by import. */
    if (quick_ring(&other_ring) == OLR_OK &&
        olr_server_key_ring_deployment_package(other_ring, other_package, sizeof other_package,
                                               &len) == OLR_OK &&
        olr_machine_enroll(other_package, len, &other, &details) == OLR_OK &&
        olr_replay_ledger_new(other, &copy) == OLR_OK) {
        EXPECT(REDEEM(copy, code, PASSWORD, 15, t), OLR_LEDGER_OF_ANOTHER_MACHINE);
        EXPECT(olr_replay_ledger_import(old, old_len, NULL, 0, other, 0, &l, &details),
               OLR_LEDGER_OF_ANOTHER_MACHINE);
        CHECK(l == l_sentinel);
        olr_replay_ledger_free(copy);
        copy = NULL;
    } else {
        CHECK(!"second machine");
    }

    /* Wrong password: refused and counted (generation 1, one code and one account record). */
    EXPECT(REDEEM(ledger, code, "Winter-Tulip-41", 15, t), OLR_REJECTED);
    EXPECT(olr_replay_ledger_generation(ledger, &generation), OLR_OK);
    EXPECT(olr_replay_ledger_counts(ledger, &accounts, &codes), OLR_OK);
    CHECK(generation == 1 && accounts == 1 && codes == 1);
    /* Accepted; then the same code is already used, also after an export and import. */
    EXPECT(REDEEM(ledger, code, PASSWORD, 15, t + 1), OLR_OK);
    CHECK(accepted.expires_at - accepted.issued_at == 3600 && all_bytes(&details, sizeof details, 0));
    EXPECT(REDEEM(ledger, code, PASSWORD, 15, t + 2), OLR_ALREADY_USED);
    EXPECT(olr_replay_ledger_generation(ledger, &generation), OLR_OK);
    CHECK(generation == 3);
    EXPECT(olr_replay_ledger_export(ledger, wkey, sizeof wkey, bytes, sizeof bytes, &len), OLR_OK);
    /* import: NULL in each pointer position, wrong key, rolled back, another machine. */
    EXPECT(olr_replay_ledger_import(NULL, len, wkey, 64, machine, 0, &l, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_import(bytes, len, NULL, 64, machine, 0, &l, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_import(bytes, len, wkey, 64, NULL, 0, &l, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_import(bytes, len, wkey, 64, machine, 0, NULL, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_replay_ledger_import(bytes, OVER_CAP, wkey, 64, machine, 0, &l, &details),
           OLR_INVALID_LENGTH);
    EXPECT(olr_replay_ledger_import(bytes, len, NULL, 0, machine, 0, &l, &details),
           OLR_WRAPPING_MISMATCH);
    EXPECT(olr_replay_ledger_import(bytes, len - 1, wkey, 64, machine, 0, &l, &details),
           OLR_TRUNCATED);
    EXPECT(olr_replay_ledger_import(state_plain, state_plain_len, NULL, 0, machine, 0, &l,
                                    &details),
           OLR_WRONG_KIND);
    EXPECT(olr_replay_ledger_import(bytes, len, wkey, 64, machine, 4, &l, &details),
           OLR_LEDGER_ROLLED_BACK);
    EXPECT(olr_replay_ledger_import(bytes, len, wkey, 64, machine, UINT64_MAX, &l, &details),
           OLR_LEDGER_ROLLED_BACK);
    /* The old, empty copy is behind the generation the integrator recorded. */
    EXPECT(olr_replay_ledger_import(old, old_len, NULL, 0, machine, 3, &l, &details),
           OLR_LEDGER_ROLLED_BACK);
    if (other != NULL) {
        EXPECT(olr_replay_ledger_import(bytes, len, wkey, 64, other, 0, &l, &details),
               OLR_LEDGER_OF_ANOTHER_MACHINE);
    }
    CHECK(l == l_sentinel);
    /* The current copy with the generation recorded reads, and still refuses the replay. */
    EXPECT(olr_replay_ledger_import(bytes, len, wkey, 64, machine, 3, &copy, &details), OLR_OK);
    if (copy != NULL) {
        EXPECT(REDEEM(copy, code, PASSWORD, 15, t + 3), OLR_ALREADY_USED);
        EXPECT(olr_replay_ledger_counts(copy, &accounts, &codes), OLR_OK);
        CHECK(accounts == 1 && codes == 1);
        olr_replay_ledger_free(copy);
        copy = NULL;
    }

    /* The clock set back by more than the skew (5 minutes): refused, nothing counted. */
    EXPECT(REDEEM(ledger, code, PASSWORD, 15, t - 3600), OLR_CLOCK_SET_BACK);
    EXPECT(REDEEM(ledger, code, PASSWORD, 15, t - 301), OLR_CLOCK_SET_BACK);
    EXPECT(olr_replay_ledger_generation(ledger, &generation), OLR_OK);
    CHECK(generation == 3);

    /* Attempt limit per code (default 5): the already-used code has one failure counted; four
     * wrong passwords more, then even the right one is refused. */
    for (int i = 0; i < 4; i++) {
        EXPECT(REDEEM(ledger, code, "wrong", 5, t + 10), OLR_REJECTED);
    }
    EXPECT(REDEEM(ledger, code, PASSWORD, 15, t + 10), OLR_TOO_MANY_ATTEMPTS);
    EXPECT(olr_replay_ledger_generation(ledger, &generation), OLR_OK);
    CHECK(generation == 8);

    olr_replay_ledger_free(ledger);
    olr_replay_ledger_free(NULL);
    olr_machine_free(other);
    olr_server_key_ring_free(other_ring);
#undef REDEEM
#undef REDEEM_SID
}

/* ABI 2.0: package fingerprint, attempt limits, redeployment, signing-key rotation. */
static void test_packages(void)
{
    char fp[OLR_PACKAGE_FINGERPRINT_LEN + 8], fp2[OLR_PACKAGE_FINGERPRINT_LEN];
    char text[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 8], pkg1[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    char pkg2[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN], pkg3[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN];
    char foreign[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN], id1[71], id2[71];
    size_t len = LEN_SENTINEL, i;
    uint16_t per_code = 7, per_account = 7, epoch = 0;
    olr_error_details details;
    olr_server_key_ring *r = NULL, *f = NULL;
    olr_machine *m1 = NULL, *m2 = NULL, *stale = NULL;
    olr_machine *out = (olr_machine *)&failed; /* a sentinel, never used */
    olr_machine *const out_sentinel = out;

    /* fingerprint */
    memset(fp, SENTINEL, sizeof fp);
    EXPECT(olr_deployment_package_fingerprint(NULL, sizeof package, fp, sizeof fp, &len, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_deployment_package_fingerprint(package, sizeof package, NULL, sizeof fp, &len,
                                              &details),
           OLR_NULL_POINTER);
    EXPECT(olr_deployment_package_fingerprint(package, sizeof package, fp, sizeof fp, NULL,
                                              &details),
           OLR_NULL_POINTER);
    EXPECT(olr_deployment_package_fingerprint(package, OVER_CAP, fp, sizeof fp, &len, &details),
           OLR_INVALID_LENGTH);
    EXPECT(olr_deployment_package_fingerprint(BAD_UTF8, 3, fp, sizeof fp, &len, &details),
           OLR_UTF16_TEXT);
    EXPECT(olr_deployment_package_fingerprint(id, sizeof id, fp, sizeof fp, &len, &details),
           OLR_MALFORMED_INPUT);
    CHECK(len == LEN_SENTINEL && all_bytes(fp, sizeof fp, SENTINEL));
    EXPECT(olr_deployment_package_fingerprint(package, sizeof package, fp, 63, &len, &details),
           OLR_BUFFER_TOO_SMALL);
    CHECK(len == 64 && all_bytes(fp, sizeof fp, SENTINEL));
    EXPECT(olr_deployment_package_fingerprint(package, sizeof package, fp, sizeof fp, &len,
                                              &details),
           OLR_OK);
    CHECK(len == 64 && fp[64] == '\0');
    for (i = 0; i < 64; i++) {
        CHECK((fp[i] >= '0' && fp[i] <= '9') || (fp[i] >= 'a' && fp[i] <= 'f'));
    }
    /* The same package in lower case with a trailing newline: the same fingerprint. */
    for (i = 0; i < sizeof package; i++) {
        text[i] = (package[i] >= 'A' && package[i] <= 'Z') ? (char)(package[i] + 32) : package[i];
    }
    text[sizeof package] = '\r', text[sizeof package + 1] = '\n';
    EXPECT(olr_deployment_package_fingerprint(text, sizeof package + 2, fp2, sizeof fp2, &len,
                                              &details),
           OLR_OK);
    CHECK(memcmp(fp, fp2, 64) == 0);

    /* attempt limits */
    EXPECT(olr_server_key_ring_set_attempt_limits(NULL, 5, 20), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_attempt_limits(NULL, &per_code, &per_account), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_attempt_limits(ring, NULL, &per_account), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_attempt_limits(ring, &per_code, NULL), OLR_NULL_POINTER);
    CHECK(per_code == 7 && per_account == 7);
    EXPECT(olr_server_key_ring_attempt_limits(ring, &per_code, &per_account), OLR_OK);
    CHECK(per_code == 5 && per_account == 20);
    EXPECT(olr_server_key_ring_begin_signing_key_rotation(NULL), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_finish_signing_key_rotation(NULL), OLR_NULL_POINTER);
    EXPECT(olr_machine_redeploy(NULL, package, sizeof package, &out, &details), OLR_NULL_POINTER);
    EXPECT(olr_machine_redeploy(machine, NULL, sizeof package, &out, &details), OLR_NULL_POINTER);
    EXPECT(olr_machine_redeploy(machine, package, sizeof package, NULL, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_machine_redeploy(machine, package, OVER_CAP, &out, &details), OLR_INVALID_LENGTH);
    EXPECT(olr_machine_redeploy(machine, BAD_UTF8, 3, &out, &details), OLR_UTF16_TEXT);
    EXPECT(olr_machine_redeploy(machine, TRUNCATED_UTF8, 5, &out, &details), OLR_INVALID_UTF8);
    EXPECT(olr_machine_redeploy(machine, id, sizeof id, &out, &details), OLR_MALFORMED_INPUT);
    CHECK(out == out_sentinel);

    if (quick_ring(&r) != OLR_OK || quick_ring(&f) != OLR_OK) {
        CHECK(!"rings");
        goto done;
    }
    EXPECT(olr_server_key_ring_set_attempt_limits(r, 0, 20), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_set_attempt_limits(r, 5, 0), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_set_attempt_limits(r, 1001, 20), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_set_attempt_limits(r, 5, 1001), OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_attempt_limits(r, &per_code, &per_account), OLR_OK);
    CHECK(per_code == 5 && per_account == 20);
    EXPECT(olr_server_key_ring_deployment_package(r, pkg1, sizeof pkg1, &len), OLR_OK);
    EXPECT(olr_server_key_ring_deployment_package(f, foreign, sizeof foreign, &len), OLR_OK);
    EXPECT(olr_machine_enroll(pkg1, sizeof pkg1, &m1, &details), OLR_OK);
    EXPECT(olr_machine_enroll(pkg1, sizeof pkg1, &stale, &details), OLR_OK);
    if (m1 == NULL || stale == NULL) {
        CHECK(!"enroll");
        goto done;
    }
    EXPECT(olr_machine_identification_code(m1, id1, sizeof id1, &len), OLR_OK);
    /* Same epoch, new limits: the code is kept. */
    EXPECT(olr_server_key_ring_set_attempt_limits(r, 1, 1000), OLR_OK);
    EXPECT(olr_server_key_ring_deployment_package(r, pkg2, sizeof pkg2, &len), OLR_OK);
    EXPECT(olr_machine_redeploy(m1, pkg2, sizeof pkg2, &m2, &details), OLR_OK);
    if (m2 != NULL) {
        EXPECT(olr_machine_identification_code(m2, id2, sizeof id2, &len), OLR_OK);
        CHECK(memcmp(id1, id2, 71) == 0);
        olr_machine_free(m2);
        m2 = NULL;
    }
    /* A package signed by another ring's key is refused, however genuine. */
    EXPECT(olr_machine_redeploy(m1, foreign, sizeof foreign, &out, &details),
           OLR_PACKAGE_SIGNATURE_INVALID);
    /* Signing-key rotation: the rotation package is signed by the old key and names the new. */
    EXPECT(olr_server_key_ring_begin_signing_key_rotation(r), OLR_OK);
    EXPECT(olr_server_key_ring_deployment_package(r, pkg3, sizeof pkg3, &len), OLR_OK);
    EXPECT(olr_machine_redeploy(m1, pkg3, sizeof pkg3, &m2, &details), OLR_OK);
    EXPECT(olr_server_key_ring_finish_signing_key_rotation(r), OLR_OK);
    EXPECT(olr_server_key_ring_finish_signing_key_rotation(r), OLR_OK); /* nothing to finish */
    /* A new epoch, signed by the new key: the machine that took the rotation package takes it
     * (new identification code); the stale one refuses it. */
    EXPECT(olr_server_key_ring_rotate(r, NOW, &epoch), OLR_OK);
    CHECK(epoch == 2);
    EXPECT(olr_server_key_ring_deployment_package(r, pkg2, sizeof pkg2, &len), OLR_OK);
    EXPECT(olr_machine_redeploy(stale, pkg2, sizeof pkg2, &out, &details),
           OLR_PACKAGE_SIGNATURE_INVALID);
    CHECK(out == out_sentinel);
    if (m2 != NULL) {
        olr_machine *m3 = NULL;
        EXPECT(olr_machine_redeploy(m2, pkg2, sizeof pkg2, &m3, &details), OLR_OK);
        if (m3 != NULL) {
            EXPECT(olr_machine_identification_code(m3, id2, sizeof id2, &len), OLR_OK);
            EXPECT(olr_machine_epoch(m3, &epoch), OLR_OK);
            CHECK(epoch == 2 && memcmp(id1, id2, 71) != 0);
            /* The rotation package, signed by the retired signing key: refused. */
            EXPECT(olr_machine_redeploy(m3, pkg3, sizeof pkg3, &out, &details),
                   OLR_PACKAGE_SIGNATURE_INVALID);
            /* Epoch 3; then the epoch-2 package, signed by the pinned key, is too old. */
            EXPECT(olr_server_key_ring_rotate(r, NOW + 60, &epoch), OLR_OK);
            EXPECT(olr_server_key_ring_deployment_package(r, pkg3, sizeof pkg3, &len), OLR_OK);
            olr_machine *m4 = NULL;
            EXPECT(olr_machine_redeploy(m3, pkg3, sizeof pkg3, &m4, &details), OLR_OK);
            if (m4 != NULL) {
                EXPECT(olr_machine_redeploy(m4, pkg2, sizeof pkg2, &out, &details),
                       OLR_PACKAGE_EPOCH_TOO_OLD);
                /* The same package again: a redeployment that keeps the code. */
                olr_machine *m5 = NULL;
                char id3[71], id4[71];
                EXPECT(olr_machine_redeploy(m4, pkg3, sizeof pkg3, &m5, &details), OLR_OK);
                EXPECT(olr_machine_identification_code(m4, id3, sizeof id3, &len), OLR_OK);
                if (m5 != NULL) {
                    EXPECT(olr_machine_identification_code(m5, id4, sizeof id4, &len), OLR_OK);
                    CHECK(memcmp(id3, id4, 71) == 0);
                }
                olr_machine_free(m5);
                olr_machine_free(m4);
            }
            CHECK(out == out_sentinel);
            olr_machine_free(m3);
        }
    }
done:
    olr_machine_free(m1);
    olr_machine_free(m2);
    olr_machine_free(stale);
    olr_server_key_ring_free(r);
    olr_server_key_ring_free(f);
}

#if defined(OLR_TEST_HOOKS)
static void test_panic_boundary(void)
{
    char out[OLR_IDENTIFICATION_CODE_TEXT_LEN];
    size_t len = 0;
    int i;
    /* The library panics inside its boundary: a status comes back, no abort, no unwinding. */
    for (i = 0; i < 3; i++) {
        EXPECT(olr_test_hook_panic(), OLR_PANIC);
    }
    CHECK(strcmp(olr_status_message(OLR_PANIC), "unknown status code") != 0);
    /* And the library keeps working. */
    EXPECT(olr_machine_identification_code(machine, out, sizeof out, &len), OLR_OK);
}
#endif

/* ABI 1.1: a text output gets a NUL after the text when the buffer has room, never counted in
 * *out_len; a buffer of exactly the text's length gets nothing past the text. */
static void test_nul_termination(void)
{
    char buf[OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE + 8], user[16], domain[16];
    size_t len, ulen, dlen;
    olr_error_details details;
    int round;

    CHECK(OLR_IDENTIFICATION_CODE_TEXT_SIZE == OLR_IDENTIFICATION_CODE_TEXT_LEN + 1);
    CHECK(OLR_RESET_CODE_TEXT_SIZE == OLR_RESET_CODE_TEXT_LEN + 1);
    CHECK(OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE == OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 1);
    CHECK(olr_identification_code_text_size() == OLR_IDENTIFICATION_CODE_TEXT_SIZE);
    CHECK(olr_reset_code_text_size() == OLR_RESET_CODE_TEXT_SIZE);
    CHECK(olr_deployment_package_text_size() == OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE);

    /* round 0: capacity LEN (no NUL, the byte after untouched); 1: LEN + 1 (NUL); 2: LEN + 5
     * (NUL, nothing after it). */
    for (round = 0; round < 3; round++) {
        size_t extra = round == 0 ? 0 : round == 1 ? 1 : 5;
#define NUL_CASE(call, want_len)                                                                  \
    do {                                                                                           \
        memset(buf, SENTINEL, sizeof buf);                                                         \
        len = LEN_SENTINEL;                                                                        \
        EXPECT(call, OLR_OK);                                                                      \
        CHECK(len == (want_len));                                                                  \
        CHECK((unsigned char)buf[want_len] == (extra ? 0 : SENTINEL));                            \
        CHECK(all_bytes(buf + (want_len) + 1, sizeof buf - (want_len) - 1, SENTINEL));            \
        CHECK(!extra || strlen(buf) == (want_len));                                               \
    } while (0)
        NUL_CASE(olr_machine_identification_code(machine, buf, OLR_IDENTIFICATION_CODE_TEXT_LEN + extra,
                                                 &len),
                 OLR_IDENTIFICATION_CODE_TEXT_LEN);
        NUL_CASE(olr_identification_code_check(id, sizeof id, buf,
                                               OLR_IDENTIFICATION_CODE_TEXT_LEN + extra, &len,
                                               &details),
                 OLR_IDENTIFICATION_CODE_TEXT_LEN);
        NUL_CASE(olr_reset_code_check(code, sizeof code, buf, OLR_RESET_CODE_TEXT_LEN + extra, &len,
                                      &details),
                 OLR_RESET_CODE_TEXT_LEN);
        NUL_CASE(olr_server_key_ring_deployment_package(ring, buf,
                                                        OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + extra,
                                                        &len),
                 OLR_DEPLOYMENT_PACKAGE_TEXT_LEN);
        NUL_CASE(olr_default_offline_domain("corp.example.com", 16, buf, 4 + extra, &len), 4);
        NUL_CASE(olr_deployment_package_fingerprint(package, sizeof package, buf,
                                                    OLR_PACKAGE_FINGERPRINT_LEN + extra, &len,
                                                    &details),
                 OLR_PACKAGE_FINGERPRINT_LEN);
        NUL_CASE(olr_server_key_ring_seal_reset_code(ring, id, sizeof id, "alice", 5, "corp", 4,
                                                     SID, sizeof SID, PASSWORD, strlen(PASSWORD),
                                                     NOW, buf,
                                                     OLR_RESET_CODE_TEXT_LEN + extra, &len,
                                                     &details),
                 OLR_RESET_CODE_TEXT_LEN);
#undef NUL_CASE
    }
    /* Both outputs of olr_account_normalize. */
    memset(user, SENTINEL, sizeof user);
    memset(domain, SENTINEL, sizeof domain);
    EXPECT(olr_account_normalize("Alice", 5, "corp", 4, user, 5, &ulen, domain, 5, &dlen, &details),
           OLR_OK);
    CHECK(ulen == 5 && dlen == 4 && (unsigned char)user[5] == SENTINEL && domain[4] == '\0' &&
          (unsigned char)domain[5] == SENTINEL);
    /* A too-small buffer is still untouched (no NUL either). */
    memset(buf, SENTINEL, sizeof buf);
    EXPECT(olr_reset_code_check(code, sizeof code, buf, OLR_RESET_CODE_TEXT_LEN - 1, &len, &details),
           OLR_BUFFER_TOO_SMALL);
    CHECK(len == OLR_RESET_CODE_TEXT_LEN && all_bytes(buf, sizeof buf, SENTINEL));
}

/* UTF-16 text (code units) of an ASCII/UTF-8-free C string; returns the length. */
static size_t w16(uint16_t *out, const char *s)
{
    size_t i;
    for (i = 0; s[i] != '\0'; i++) {
        out[i] = (uint16_t)(unsigned char)s[i];
    }
    return i;
}

/* ABI 2.0: the _utf16 twins of the machine-side text functions. NULL in each pointer position,
 * an unpaired surrogate in each text position (OLR_INVALID_UTF16), more than
 * OLR_MAX_INPUT_LEN / 2 code units (OLR_INVALID_LENGTH), and the UTF-8 twin's status on a wrong
 * password, another account's SID and bad names. */
static void test_utf16(void)
{
    static uint16_t big[OLR_MAX_INPUT_LEN / 2 + 1];
    const size_t BIG = OLR_MAX_INPUT_LEN / 2 + 1;
    uint16_t c16[OLR_RESET_CODE_TEXT_LEN], u16[16], d16[16], p16[32], bad_c16[OLR_RESET_CODE_TEXT_LEN];
    uint16_t bad_u16[16], bad_d16[16], bad_p16[32], low_u16[16], out[OLR_RESET_CODE_TEXT_LEN];
    uint16_t wrong_p16[32], nu[16], nd[16];
    char canon[OLR_RESET_CODE_TEXT_LEN], typo[OLR_RESET_CODE_TEXT_LEN], n8u[16], n8d[16];
    size_t cl, ul, dl, pl, wl, len = LEN_SENTINEL, len2 = LEN_SENTINEL, i;
    olr_replay_ledger *ledger = NULL;
    olr_error_details details, details8;
    olr_accepted_reset accepted, accepted8;
    olr_typing_progress progress;
    olr_name_problem_code problem = (olr_name_problem_code)99, problem8;
    const int64_t t = NOW + 60;
    olr_status s8, s16;
    uint64_t g8 = 0, g16 = 0;

    for (i = 0; i < BIG; i++) {
        big[i] = 'a';
    }
    for (i = 0; i < sizeof code; i++) {
        c16[i] = (uint16_t)(unsigned char)code[i];
    }
    cl = sizeof code;
    ul = w16(u16, "alice");
    dl = w16(d16, "corp");
    pl = w16(p16, PASSWORD);
    wl = w16(wrong_p16, "Winter-Tulip-41");
    /* A lone high surrogate in the middle of each text; a lone low surrogate in one name. */
    memcpy(bad_c16, c16, sizeof c16);
    bad_c16[3] = 0xD800;
    memcpy(bad_u16, u16, sizeof u16);
    bad_u16[2] = 0xD83D;
    memcpy(low_u16, u16, sizeof u16);
    low_u16[0] = 0xDC00;
    memcpy(bad_d16, d16, sizeof d16);
    bad_d16[dl - 1] = 0xDBFF;
    memcpy(bad_p16, p16, sizeof p16);
    bad_p16[pl - 1] = 0xD800;

    /* olr_reset_code_check_utf16 */
    EXPECT(olr_reset_code_check_utf16(NULL, cl, out, OLR_RESET_CODE_TEXT_LEN, &len, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_reset_code_check_utf16(NULL, 0, out, OLR_RESET_CODE_TEXT_LEN, &len, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_reset_code_check_utf16(c16, cl, NULL, OLR_RESET_CODE_TEXT_LEN, &len, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_reset_code_check_utf16(c16, cl, out, OLR_RESET_CODE_TEXT_LEN, NULL, &details),
           OLR_NULL_POINTER);
    EXPECT(olr_reset_code_check_utf16(bad_c16, cl, out, OLR_RESET_CODE_TEXT_LEN, &len, &details),
           OLR_INVALID_UTF16);
    EXPECT(olr_reset_code_check_utf16(big, BIG, out, OLR_RESET_CODE_TEXT_LEN, &len, &details),
           OLR_INVALID_LENGTH);
    EXPECT(olr_reset_code_check_utf16(c16, HUGE_LEN, out, OLR_RESET_CODE_TEXT_LEN, &len, &details),
           OLR_INVALID_LENGTH);
    CHECK(len == LEN_SENTINEL);
    EXPECT(olr_reset_code_check_utf16(c16, cl, out, OLR_RESET_CODE_TEXT_LEN - 1, &len, &details),
           OLR_BUFFER_TOO_SMALL);
    CHECK(len == OLR_RESET_CODE_TEXT_LEN);
    EXPECT(olr_reset_code_check_utf16(c16, cl, out, OLR_RESET_CODE_TEXT_LEN, &len, &details),
           OLR_OK);
    EXPECT(olr_reset_code_check(code, sizeof code, canon, sizeof canon, &len2, &details8), OLR_OK);
    CHECK(len == OLR_RESET_CODE_TEXT_LEN && len2 == len);
    for (i = 0; i < OLR_RESET_CODE_TEXT_LEN; i++) {
        CHECK(out[i] == (uint16_t)(unsigned char)canon[i]);
    }
    /* A mistyped group: the twin's status and group. */
    memcpy(typo, code, sizeof code);
    mistype_group(typo, 3);
    for (i = 0; i < sizeof typo; i++) {
        bad_c16[i] = (uint16_t)(unsigned char)typo[i];
    }
    memset(&details, 0, sizeof details);
    memset(&details8, 0, sizeof details8);
    s8 = olr_reset_code_check(typo, sizeof typo, canon, sizeof canon, &len2, &details8);
    EXPECT(olr_reset_code_check_utf16(bad_c16, cl, out, OLR_RESET_CODE_TEXT_LEN, &len, &details), s8);
    CHECK(s8 == OLR_MISTYPED && details.mistyped_group == details8.mistyped_group);
    bad_c16[3] = 0xD800;

    /* olr_reset_code_progress_utf16 */
    EXPECT(olr_reset_code_progress_utf16(NULL, cl, &progress), OLR_NULL_POINTER);
    EXPECT(olr_reset_code_progress_utf16(NULL, 0, &progress), OLR_NULL_POINTER);
    EXPECT(olr_reset_code_progress_utf16(c16, cl, NULL), OLR_NULL_POINTER);
    EXPECT(olr_reset_code_progress_utf16(bad_c16, cl, &progress), OLR_INVALID_UTF16);
    EXPECT(olr_reset_code_progress_utf16(big, BIG, &progress), OLR_INVALID_LENGTH);
    EXPECT(olr_reset_code_progress_utf16(c16, cl, &progress), OLR_OK);
    EXPECT(olr_reset_code_progress_utf16(c16, 0, &progress), OLR_OK);

    /* olr_account_check_utf16 */
    EXPECT(olr_account_check_utf16(NULL, ul, d16, dl, SID, sizeof SID), OLR_NULL_POINTER);
    EXPECT(olr_account_check_utf16(u16, ul, NULL, dl, SID, sizeof SID), OLR_NULL_POINTER);
    EXPECT(olr_account_check_utf16(u16, ul, d16, dl, NULL, sizeof SID), OLR_NULL_POINTER);
    EXPECT(olr_account_check_utf16(bad_u16, ul, d16, dl, SID, sizeof SID), OLR_INVALID_UTF16);
    EXPECT(olr_account_check_utf16(low_u16, ul, d16, dl, SID, sizeof SID), OLR_INVALID_UTF16);
    EXPECT(olr_account_check_utf16(u16, ul, bad_d16, dl, SID, sizeof SID), OLR_INVALID_UTF16);
    EXPECT(olr_account_check_utf16(big, BIG, d16, dl, SID, sizeof SID), OLR_INVALID_LENGTH);
    EXPECT(olr_account_check_utf16(u16, ul, big, BIG, SID, sizeof SID), OLR_INVALID_LENGTH);
    EXPECT(olr_account_check_utf16(u16, ul, d16, dl, SID, OVER_CAP), OLR_INVALID_LENGTH);
    EXPECT(olr_account_check_utf16(u16, ul, d16, dl, SID, sizeof SID), OLR_OK);
    EXPECT(olr_account_check_utf16(u16, 0, d16, dl, SID, sizeof SID),
           olr_account_check("", 0, "corp", 4, SID, sizeof SID));
    EXPECT(olr_account_check_utf16(u16, ul, d16, 0, SID, sizeof SID),
           olr_account_check("alice", 5, "", 0, SID, sizeof SID));
    EXPECT(olr_account_check_utf16(u16, ul, d16, dl, SID, 3),
           olr_account_check("alice", 5, "corp", 4, SID, 3));

    /* olr_name_problem_utf16 */
    EXPECT(olr_name_problem_utf16(NULL, ul, &problem), OLR_NULL_POINTER);
    EXPECT(olr_name_problem_utf16(NULL, 0, &problem), OLR_NULL_POINTER);
    EXPECT(olr_name_problem_utf16(u16, ul, NULL), OLR_NULL_POINTER);
    EXPECT(olr_name_problem_utf16(bad_u16, ul, &problem), OLR_INVALID_UTF16);
    EXPECT(olr_name_problem_utf16(big, BIG, &problem), OLR_INVALID_LENGTH);
    CHECK(problem == (olr_name_problem_code)99);
    EXPECT(olr_name_problem_utf16(big, BIG - 1, &problem), OLR_OK);
    CHECK(problem == OLR_NAME_PROBLEM_TOO_LONG);
    EXPECT(olr_name_problem_utf16(u16, ul, &problem), OLR_OK);
    CHECK(problem == OLR_NAME_PROBLEM_NONE);
    {
        static const char *const names[] = {"", " alice", "a\tb", "CORP\\alice", "a/b", "alice"};
        uint16_t name16[16];
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            size_t n = w16(name16, names[i]);
            EXPECT(olr_name_problem(names[i], strlen(names[i]), &problem8), OLR_OK);
            EXPECT(olr_name_problem_utf16(name16, n, &problem), OLR_OK);
            CHECK(problem == problem8);
        }
    }

    /* olr_account_normalize_utf16 */
#define NORM16(u, ulen, d, dlen, ou, ocap, oul, od, dcap, odl)                                    \
    olr_account_normalize_utf16(u, ulen, d, dlen, ou, ocap, oul, od, dcap, odl, &details)
    EXPECT(NORM16(NULL, ul, d16, dl, nu, 16, &len, nd, 16, &len2), OLR_NULL_POINTER);
    EXPECT(NORM16(u16, ul, NULL, dl, nu, 16, &len, nd, 16, &len2), OLR_NULL_POINTER);
    EXPECT(NORM16(u16, ul, d16, dl, NULL, 16, &len, nd, 16, &len2), OLR_NULL_POINTER);
    EXPECT(NORM16(u16, ul, d16, dl, nu, 16, NULL, nd, 16, &len2), OLR_NULL_POINTER);
    EXPECT(NORM16(u16, ul, d16, dl, nu, 16, &len, NULL, 16, &len2), OLR_NULL_POINTER);
    EXPECT(NORM16(u16, ul, d16, dl, nu, 16, &len, nd, 16, NULL), OLR_NULL_POINTER);
    EXPECT(NORM16(bad_u16, ul, d16, dl, nu, 16, &len, nd, 16, &len2), OLR_INVALID_UTF16);
    EXPECT(NORM16(u16, ul, bad_d16, dl, nu, 16, &len, nd, 16, &len2), OLR_INVALID_UTF16);
    EXPECT(NORM16(big, BIG, d16, dl, nu, 16, &len, nd, 16, &len2), OLR_INVALID_LENGTH);
    EXPECT(NORM16(u16, ul, big, BIG, nu, 16, &len, nd, 16, &len2), OLR_INVALID_LENGTH);
    len = len2 = LEN_SENTINEL;
    EXPECT(NORM16(u16, ul, d16, dl, nu, 2, &len, nd, 16, &len2), OLR_BUFFER_TOO_SMALL);
    CHECK(len == 5 && len2 == 4);
    EXPECT(NORM16(u16, 0, d16, dl, nu, 16, &len, nd, 16, &len2),
           olr_account_normalize("", 0, "corp", 4, n8u, 16, &len, n8d, 16, &len2, &details8));
    EXPECT(NORM16(u16, ul, d16, dl, nu, 16, &len, nd, 16, &len2), OLR_OK);
    {
        size_t l8u = 0, l8d = 0;
        EXPECT(olr_account_normalize("alice", 5, "corp", 4, n8u, 16, &l8u, n8d, 16, &l8d, &details8),
               OLR_OK);
        CHECK(len == l8u && len2 == l8d);
        for (i = 0; i < len && i < l8u; i++) {
            CHECK(nu[i] == (uint16_t)(unsigned char)n8u[i]);
        }
        for (i = 0; i < len2 && i < l8d; i++) {
            CHECK(nd[i] == (uint16_t)(unsigned char)n8d[i]);
        }
    }
#undef NORM16

    /* olr_machine_open_reset_code_for_diagnostics_utf16 */
#define OPEN16(m, c, clen, u, ulen, d, dlen, sid, sidlen, pw, pwlen)                               \
    olr_machine_open_reset_code_for_diagnostics_utf16(m, c, clen, u, ulen, d, dlen, sid, sidlen,  \
                                                      pw, pwlen, t, &accepted, &details)
    EXPECT(OPEN16(NULL, c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(OPEN16(machine, NULL, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(OPEN16(machine, c16, cl, NULL, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, NULL, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, NULL, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, SID, sizeof SID, NULL, pl), OLR_NULL_POINTER);
    EXPECT(OPEN16(machine, bad_c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_UTF16);
    EXPECT(OPEN16(machine, c16, cl, bad_u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_UTF16);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, bad_d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_UTF16);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, SID, sizeof SID, bad_p16, pl), OLR_INVALID_UTF16);
    EXPECT(OPEN16(machine, big, BIG, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_LENGTH);
    EXPECT(OPEN16(machine, c16, cl, big, BIG, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_LENGTH);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, big, BIG, SID, sizeof SID, p16, pl), OLR_INVALID_LENGTH);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, SID, sizeof SID, big, BIG), OLR_INVALID_LENGTH);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, SID, OVER_CAP, p16, pl), OLR_INVALID_LENGTH);
    /* Wrong password, another account's SID, a bad SID: the UTF-8 twin's status. */
    s8 = open_with(machine, code, sizeof code, "alice", "corp", "Winter-Tulip-41", t, &accepted8,
                   &details8);
    CHECK(s8 == OLR_REJECTED);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, SID, sizeof SID, wrong_p16, wl), s8);
    s8 = olr_machine_open_reset_code_for_diagnostics(machine, code, sizeof code, "alice", 5, "corp",
                                                     4, OTHER_SID, sizeof OTHER_SID, PASSWORD,
                                                     strlen(PASSWORD), t, &accepted8, &details8);
    CHECK(s8 != OLR_OK);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, OTHER_SID, sizeof OTHER_SID, p16, pl), s8);
    s8 = olr_machine_open_reset_code_for_diagnostics(machine, code, sizeof code, "alice", 5, "corp",
                                                     4, SID, 3, PASSWORD, strlen(PASSWORD), t,
                                                     &accepted8, &details8);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, SID, 3, p16, pl), s8);
    s8 = open_with(machine, code, sizeof code, "alice", "corp", PASSWORD, t, &accepted8, &details8);
    CHECK(s8 == OLR_OK);
    EXPECT(OPEN16(machine, c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), s8);
    CHECK(accepted.issued_at == accepted8.issued_at && accepted.expires_at == accepted8.expires_at);
#undef OPEN16

    /* olr_machine_redeem_reset_code_utf16: none of the argument errors changes the ledger. */
    if (olr_replay_ledger_new(machine, &ledger) != OLR_OK) {
        CHECK(!"new ledger");
        return;
    }
#define REDEEM16(m, g, c, clen, u, ulen, d, dlen, sid, sidlen, pw, pwlen)                         \
    olr_machine_redeem_reset_code_utf16(m, g, c, clen, u, ulen, d, dlen, sid, sidlen, pw, pwlen, \
                                        t, &accepted, &details)
    EXPECT(REDEEM16(NULL, ledger, c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(REDEEM16(machine, NULL, c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(REDEEM16(machine, ledger, NULL, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(REDEEM16(machine, ledger, c16, cl, NULL, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, NULL, dl, SID, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, NULL, sizeof SID, p16, pl), OLR_NULL_POINTER);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, SID, sizeof SID, NULL, pl), OLR_NULL_POINTER);
    EXPECT(REDEEM16(machine, ledger, bad_c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_UTF16);
    EXPECT(REDEEM16(machine, ledger, c16, cl, bad_u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_UTF16);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, bad_d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_UTF16);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, SID, sizeof SID, bad_p16, pl), OLR_INVALID_UTF16);
    EXPECT(REDEEM16(machine, ledger, big, BIG, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_LENGTH);
    EXPECT(REDEEM16(machine, ledger, c16, cl, big, BIG, d16, dl, SID, sizeof SID, p16, pl), OLR_INVALID_LENGTH);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, big, BIG, SID, sizeof SID, p16, pl), OLR_INVALID_LENGTH);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, SID, sizeof SID, big, BIG), OLR_INVALID_LENGTH);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, SID, OVER_CAP, p16, pl), OLR_INVALID_LENGTH);
    EXPECT(olr_replay_ledger_generation(ledger, &g16), OLR_OK);
    CHECK(g16 == 0);
    /* Wrong password, then another account's SID: the UTF-8 twin's status, each counted alike. */
    s8 = olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, "alice", 5, "corp", 4,
                                       SID, sizeof SID, "Winter-Tulip-41", 15, t, &accepted8,
                                       &details8);
    EXPECT(olr_replay_ledger_generation(ledger, &g8), OLR_OK);
    s16 = REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, SID, sizeof SID, wrong_p16, wl);
    EXPECT(olr_replay_ledger_generation(ledger, &g16), OLR_OK);
    CHECK(s8 == OLR_REJECTED);
    EXPECT(s16, s8);
    CHECK(g8 == 1 && g16 == 2);
    s8 = olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, "alice", 5, "corp", 4,
                                       OTHER_SID, sizeof OTHER_SID, PASSWORD, 15, t, &accepted8,
                                       &details8);
    EXPECT(olr_replay_ledger_generation(ledger, &g8), OLR_OK);
    s16 = REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, OTHER_SID, sizeof OTHER_SID, p16, pl);
    EXPECT(olr_replay_ledger_generation(ledger, &g16), OLR_OK);
    CHECK(s8 != OLR_OK);
    EXPECT(s16, s8);
    CHECK(g16 - g8 == g8 - 2);
    /* The right password through UTF-16 is accepted; then the code is used, in both forms. */
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl), OLR_OK);
    CHECK(accepted.expires_at - accepted.issued_at == 3600);
    EXPECT(REDEEM16(machine, ledger, c16, cl, u16, ul, d16, dl, SID, sizeof SID, p16, pl),
           OLR_ALREADY_USED);
    EXPECT(olr_machine_redeem_reset_code(machine, ledger, code, sizeof code, "alice", 5, "corp", 4,
                                         SID, sizeof SID, PASSWORD, 15, t, &accepted8, &details8),
           OLR_ALREADY_USED);
#undef REDEEM16
    olr_replay_ledger_free(ledger);
}

/* ABI 1.1: olr_status_name gives the header's identifier for every status. */
static void test_pkcs11_without_the_feature(void)
{
    /* This library is built without the cargo feature pkcs11 (tests/pkcs11/run.sh tests the
     * token through the bindings): arguments are still checked, then OLR_PKCS11_NOT_BUILT. */
    static const char module[] = "/usr/lib/softhsm/libsofthsm2.so", token[] = "t", prefix[] = "p";
    static const uint8_t pin[] = "1234";
    olr_server_key_ring *out = NULL;
    bool held = true;
    EXPECT(olr_server_key_ring_generate_pkcs11(module, strlen(module), token, 1, pin, 4, prefix, 1,
                                               60, 5, OLR_MIN_PASSWORD_MEMORY_KIB,
                                               OLR_MIN_PASSWORD_ITERATIONS, 1, &out),
           OLR_PKCS11_NOT_BUILT);
    EXPECT(olr_server_key_ring_generate_pkcs11(module, strlen(module), token, 1, pin, 4, prefix, 1,
                                               0, 5, OLR_MIN_PASSWORD_MEMORY_KIB,
                                               OLR_MIN_PASSWORD_ITERATIONS, 1, &out),
           OLR_INVALID_POLICY);
    EXPECT(olr_server_key_ring_generate_pkcs11(module, strlen(module), token, 1, pin, 4, prefix, 1,
                                               60, 5, OLR_MIN_PASSWORD_MEMORY_KIB,
                                               OLR_MIN_PASSWORD_ITERATIONS, 1, NULL),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_open_pkcs11(module, strlen(module), token, 1, NULL, 4, prefix, 1,
                                           &out),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_open_pkcs11(module, strlen(module), "\xff", 1, pin, 4, prefix, 1,
                                           &out),
           OLR_INVALID_UTF8);
    EXPECT(olr_server_key_ring_open_pkcs11(module, strlen(module), token, 1, pin, 4, prefix, 1,
                                           &out),
           OLR_PKCS11_NOT_BUILT);
    EXPECT(olr_server_key_ring_copy_to_pkcs11(NULL, module, strlen(module), token, 1, pin, 4,
                                              prefix, 1, &out),
           OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_copy_to_pkcs11(ring, module, strlen(module), token, 1, pin, 4,
                                              prefix, 1, &out),
           OLR_PKCS11_NOT_BUILT);
    CHECK(out == NULL);
    EXPECT(olr_server_key_ring_is_held_in_token(ring, &held), OLR_OK);
    CHECK(!held);
    EXPECT(olr_server_key_ring_is_held_in_token(NULL, &held), OLR_NULL_POINTER);
    EXPECT(olr_server_key_ring_is_held_in_token(ring, NULL), OLR_NULL_POINTER);
}

static void test_status_names(void)
{
    CHECK(strcmp(olr_status_name(OLR_OK), "OLR_OK") == 0);
    CHECK(strcmp(olr_status_name(OLR_MISTYPED), "OLR_MISTYPED") == 0);
    CHECK(strcmp(olr_status_name(OLR_REJECTED), "OLR_REJECTED") == 0);
    CHECK(strcmp(olr_status_name(OLR_CODE_BEFORE_ROTATION), "OLR_CODE_BEFORE_ROTATION") == 0);
    CHECK(strcmp(olr_status_name(OLR_UTF16_TEXT), "OLR_UTF16_TEXT") == 0);
    CHECK(strcmp(olr_status_name(OLR_NULL_POINTER), "OLR_NULL_POINTER") == 0);
    CHECK(strcmp(olr_status_name(OLR_PANIC), "OLR_PANIC") == 0);
    CHECK(strcmp(olr_status_name(OLR_INVALID_SID), "OLR_INVALID_SID") == 0);
    CHECK(strcmp(olr_status_name(OLR_OUT_OF_MEMORY), "OLR_OUT_OF_MEMORY") == 0);
    CHECK(strcmp(olr_status_name(43), "OLR_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(olr_status_name(99), "OLR_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(olr_status_name(OLR_INVALID_UTF16), "OLR_INVALID_UTF16") == 0);
    CHECK(strcmp(olr_status_name(105), "OLR_INVALID_UTF16") == 0);
    CHECK(strcmp(olr_status_name(106), "OLR_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(olr_status_name(UINT32_MAX), "OLR_UNKNOWN_STATUS") == 0);
}

int main(void)
{
    setup();
    make_bad_sids();
    test_versions_sizes_messages();
    test_code_check(olr_identification_code_check, id, sizeof id, 8, code, sizeof code);
    test_code_check(olr_reset_code_check, code, sizeof code, 6, id, sizeof id);
    test_free_functions();
    test_server_key_ring();
    test_seal();
    test_machine();
    test_open();
    test_password_cost();
    test_ledger();
    test_packages();
    test_nul_termination();
    test_utf16();
    test_status_names();
    test_pkcs11_without_the_feature();
#if defined(OLR_TEST_HOOKS)
    test_panic_boundary();
#else
    fprintf(stderr, "negative.c: built without OLR_TEST_HOOKS: panic boundary not tested\n");
    failed++;
#endif
    olr_machine_free(machine);
    olr_server_key_ring_free(ring);
    printf("negative: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

/* What OpenSSL would do for one reset: the same seal as ServerKeyRing::seal_reset_code, written
 * directly against libcrypto (OpenSSL 3), for benches/run.sh to compare with the Rust library in
 * the same run. Not part of the library; built by benches/openssl_compare.sh.
 *
 * Steps, as in docs/PROTOCOL.md §§4 and 7:
 *   decompress the machine point (0x02 || x)          EC_POINT_oct2point
 *   ECDH with the server secret                        ECDH_compute_key (x-coordinate)
 *   HKDF-SHA256 extract + expand to 64 bytes           HMAC() (one-shot), RFC 5869 by hand
 *   AES-256-SIV over 7 associated-data components      EVP "AES-256-SIV"
 * The typed-code encoding (well under a microsecond) is left out, which only flatters OpenSSL.
 *
 * Usage: openssl_seal SERVER_SECRET SERVER_PUBLIC MACHINE_X PLAINTEXT DOMAIN USERNAME SID
 *        PASSWORD_BINDING [SECONDS]   (hex but for the normalized names; SID binary, §5)
 * Prints the derived machine key and the sealed tag||ciphertext (for checking against the test
 * vectors), then the median time per operation over 15 batches for: decompress+ECDH with the
 * low-level API, the same through EVP (EVP_PKEY_fromdata + EVP_PKEY_derive, what most
 * applications write), and the whole seal on the low-level path. SECONDS = 0 only checks.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdh.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *PROTOCOL_LABEL = "offline-reset-v1";
static const char *AD_LABEL = "offline-reset-v1 reset code";

static void die(const char *what) {
    fprintf(stderr, "openssl_seal: %s failed\n", what);
    exit(1);
}

static size_t unhex(const char *hex, unsigned char *out, size_t max) {
    size_t n = strlen(hex) / 2;
    if (n > max) die("hex length");
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) die("hex");
        out[i] = (unsigned char)v;
    }
    return n;
}

static void print_hex(const char *name, const unsigned char *p, size_t n) {
    printf("%s=", name);
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct inputs {
    EC_GROUP *group;
    EC_KEY *server;
    unsigned char server_public[33];
    unsigned char machine_sec1[33];
    unsigned char plaintext[5];
    const char *domain, *username;
    unsigned char sid[68]; /* the account's binary SID (docs/PROTOCOL.md §5) */
    size_t sid_len;
    /* The password binding B (Argon2id, docs/PROTOCOL.md §5), taken from the vectors: OpenSSL
     * 3.0 has no Argon2, so this program times the seal without the binding. */
    unsigned char binding[32];
    BN_CTX *bn;
    EVP_CIPHER *siv;
    EVP_CIPHER_CTX *cipher_ctx;
    EVP_PKEY *server_pkey;
    EVP_PKEY_CTX *derive_ctx;
};

/* Decompress + ECDH, low-level API. */
static void decompress_ecdh(struct inputs *in, unsigned char shared[32]) {
    EC_POINT *point = EC_POINT_new(in->group);
    if (!point || !EC_POINT_oct2point(in->group, point, in->machine_sec1, 33, in->bn))
        die("EC_POINT_oct2point");
    if (ECDH_compute_key(shared, 32, point, in->server, NULL) != 32) die("ECDH_compute_key");
    EC_POINT_free(point);
}

/* Decompress + ECDH through EVP, as a typical OpenSSL 3 application writes it. */
static void evp_decompress_ecdh(struct inputs *in, unsigned char shared[32]) {
    OSSL_PARAM params[3];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, in->machine_sec1, 33);
    params[2] = OSSL_PARAM_construct_end();
    EVP_PKEY_CTX *from = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *peer = NULL;
    if (!from || EVP_PKEY_fromdata_init(from) <= 0 ||
        EVP_PKEY_fromdata(from, &peer, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        die("EVP_PKEY_fromdata");
    size_t len = 32;
    if (EVP_PKEY_derive_init(in->derive_ctx) <= 0 ||
        EVP_PKEY_derive_set_peer(in->derive_ctx, peer) <= 0 ||
        EVP_PKEY_derive(in->derive_ctx, shared, &len) <= 0 || len != 32)
        die("EVP_PKEY_derive");
    EVP_PKEY_free(peer);
    EVP_PKEY_CTX_free(from);
}

/* RFC 5869 with the labels of docs/PROTOCOL.md §4, 64-byte output. */
static void hkdf(const unsigned char shared[32], const unsigned char server_public[33],
                 const unsigned char machine_x[32], unsigned char key[64]) {
    unsigned char ikm[16 + 13 + 32];
    size_t n = 0;
    memcpy(ikm + n, PROTOCOL_LABEL, 16); n += 16;
    memcpy(ikm + n, "shared_secret", 13); n += 13;
    memcpy(ikm + n, shared, 32); n += 32;
    unsigned char prk[32];
    unsigned int prk_len = 32;
    if (!HMAC(EVP_sha256(), "", 0, ikm, n, prk, &prk_len)) die("HMAC extract");

    unsigned char block[32 + 2 + 16 + 11 + 2 + 33 + 32 + 1];
    size_t info = 0;
    unsigned char *p = block + 32; /* room for T(i-1) in front */
    p[info++] = 0; p[info++] = 64;
    memcpy(p + info, PROTOCOL_LABEL, 16); info += 16;
    memcpy(p + info, "machine_key", 11); info += 11;
    p[info++] = 0; p[info++] = 1; /* epoch 1 */
    memcpy(p + info, server_public, 33); info += 33;
    memcpy(p + info, machine_x, 32); info += 32;
    unsigned int len = 32;
    p[info] = 1;
    if (!HMAC(EVP_sha256(), prk, 32, p, info + 1, key, &len)) die("HMAC expand 1");
    memcpy(block, key, 32);
    p[info] = 2;
    if (!HMAC(EVP_sha256(), prk, 32, block, 32 + info + 1, key + 32, &len)) die("HMAC expand 2");
}

static void siv_seal(struct inputs *in, const unsigned char key[64], unsigned char out[21]) {
    static const unsigned char header[2] = {0x08, 0x01};
    const unsigned char *ad[7] = {(const unsigned char *)AD_LABEL, header, in->machine_sec1 + 1,
                                  (const unsigned char *)in->domain,
                                  (const unsigned char *)in->username,
                                  in->sid,
                                  in->binding};
    size_t ad_len[7] = {strlen(AD_LABEL), 2, 32, strlen(in->domain), strlen(in->username),
                        in->sid_len, sizeof in->binding};
    EVP_CIPHER_CTX *ctx = in->cipher_ctx;
    int outl;
    if (!EVP_EncryptInit_ex2(ctx, in->siv, key, NULL, NULL)) die("SIV init");
    for (int i = 0; i < 7; i++)
        if (!EVP_EncryptUpdate(ctx, NULL, &outl, ad[i], (int)ad_len[i])) die("SIV AD");
    if (!EVP_EncryptUpdate(ctx, out + 16, &outl, in->plaintext, 5) || outl != 5)
        die("SIV encrypt");
    if (!EVP_EncryptFinal_ex(ctx, out + 16 + 5, &outl)) die("SIV final");
    if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, out)) die("SIV tag");
}

static void seal(struct inputs *in, unsigned char key[64], unsigned char out[21]) {
    unsigned char shared[32];
    decompress_ecdh(in, shared);
    hkdf(shared, in->server_public, in->machine_sec1 + 1, key);
    siv_seal(in, key, out);
}

typedef void (*op_fn)(struct inputs *);
static unsigned char sink[64];
static void op_ecdh(struct inputs *in) { decompress_ecdh(in, sink); }
static void op_evp_ecdh(struct inputs *in) { evp_decompress_ecdh(in, sink); }
static void op_seal(struct inputs *in) {
    unsigned char key[64], out[21];
    seal(in, key, out);
    sink[0] ^= out[0];
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median over 15 batches of microseconds per operation. */
static double time_op(struct inputs *in, op_fn op, double seconds) {
    enum { BATCHES = 15 };
    double per_op[BATCHES];
    for (int i = 0; i < 200; i++) op(in); /* warm up */
    for (int b = 0; b < BATCHES; b++) {
        double start = now_seconds(), elapsed;
        long count = 0;
        do {
            for (int i = 0; i < 50; i++) op(in);
            count += 50;
            elapsed = now_seconds() - start;
        } while (elapsed < seconds / BATCHES);
        per_op[b] = elapsed * 1e6 / (double)count;
    }
    qsort(per_op, BATCHES, sizeof per_op[0], cmp_double);
    return per_op[BATCHES / 2];
}

int main(int argc, char **argv) {
    if (argc < 9) {
        fprintf(stderr, "usage: %s SERVER_SECRET SERVER_PUBLIC MACHINE_X PLAINTEXT DOMAIN "
                        "USERNAME SID_HEX PASSWORD_BINDING_HEX [SECONDS]\n", argv[0]);
        return 2;
    }
    struct inputs in;
    memset(&in, 0, sizeof in);
    unsigned char secret[32];
    if (unhex(argv[1], secret, 32) != 32) die("server secret length");
    if (unhex(argv[2], in.server_public, 33) != 33) die("server public length");
    in.machine_sec1[0] = 0x02;
    if (unhex(argv[3], in.machine_sec1 + 1, 32) != 32) die("machine x length");
    if (unhex(argv[4], in.plaintext, 5) != 5) die("plaintext length");
    in.domain = argv[5];
    in.username = argv[6];
    in.sid_len = unhex(argv[7], in.sid, sizeof in.sid);
    if (in.sid_len < 12 || (in.sid_len - 8) % 4 != 0) die("SID length");
    if (unhex(argv[8], in.binding, 32) != 32) die("password binding length");
    double seconds = argc > 9 ? atof(argv[9]) : 3.0;

    in.group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    in.server = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
    in.bn = BN_CTX_new();
    BIGNUM *d = BN_bin2bn(secret, 32, NULL);
    if (!in.group || !in.server || !in.bn || !d || !EC_KEY_set_private_key(in.server, d))
        die("server key");
    /* The EVP form of the same server key, for the EVP path. */
    EC_POINT *pub = EC_POINT_new(in.group);
    if (!pub || !EC_POINT_mul(in.group, pub, d, NULL, NULL, in.bn)) die("server public");
    EC_KEY_set_public_key(in.server, pub);
    in.server_pkey = EVP_PKEY_new();
    EC_KEY *copy = EC_KEY_dup(in.server);
    if (!in.server_pkey || !copy || !EVP_PKEY_assign_EC_KEY(in.server_pkey, copy)) die("pkey");
    in.derive_ctx = EVP_PKEY_CTX_new(in.server_pkey, NULL);
    in.siv = EVP_CIPHER_fetch(NULL, "AES-256-SIV", NULL);
    in.cipher_ctx = EVP_CIPHER_CTX_new();
    if (!in.derive_ctx || !in.siv || !in.cipher_ctx) die("contexts");

    unsigned char key[64], out[21], shared_evp[32], shared[32];
    seal(&in, key, out);
    decompress_ecdh(&in, shared);
    evp_decompress_ecdh(&in, shared_evp);
    if (memcmp(shared, shared_evp, 32) != 0) die("EVP and low-level ECDH agree");
    print_hex("machine_key", key, 64);
    print_hex("sealed", out, 21);
    if (seconds <= 0) return 0;
    printf("decompress_ecdh_us=%.3f\n", time_op(&in, op_ecdh, seconds));
    printf("evp_decompress_ecdh_us=%.3f\n", time_op(&in, op_evp_ecdh, seconds));
    printf("seal_us=%.3f\n", time_op(&in, op_seal, seconds));
    return 0;
}

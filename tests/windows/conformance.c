/* tests/vectors/bindings.json through the C ABI (run on Windows, or under Wine, against
 * offline_reset.dll). tests/windows/bindings_lines.py turns the JSON into lines this program reads
 * from stdin:
 *   case <TAB> NAME            a new case
 *   op <TAB> OP
 *   in <TAB> KEY <TAB> VALUE   an input: numbers in decimal, texts and bytes in hex ("-" for null);
 *                              nested inputs by dotted path (seal.now, steps.0.password)
 *   want <TAB> PATH <TAB> TEXT what must come out: status, details.*, value[.*] (lists comma-joined)
 *   end                        run the case and compare: every wanted path, and nothing more
 * Prints a line per failed case and "bindings.json (Windows DLL): N passed, M failed". */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offline_reset.h"

#define MAX_ITEMS 256
#define LINE_MAX_LEN 8192

typedef struct item {
    char *key;
    char *text;
} item;

static item inputs[MAX_ITEMS], wants[MAX_ITEMS], gots[MAX_ITEMS];
static int n_inputs, n_wants, n_gots;
static char case_name[512], case_op[64];

static void clear_items(item *items, int *n) {
    for (int i = 0; i < *n; i++) {
        free(items[i].key);
        free(items[i].text);
    }
    *n = 0;
}

static char *dup_n(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d) abort();
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void add(item *items, int *n, const char *key, const char *text, size_t text_len) {
    if (*n >= MAX_ITEMS) abort();
    items[*n].key = dup_n(key, strlen(key));
    items[*n].text = dup_n(text, text_len);
    (*n)++;
}

/* got PATH FORMAT...: an actual result. */
static void got(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void got(const char *path, const char *fmt, ...) {
    char buf[LINE_MAX_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    add(gots, &n_gots, path, buf, strlen(buf));
}
static void got_text(const char *path, const char *text, size_t len) { add(gots, &n_gots, path, text, len); }

static const char *in(const char *prefix, const char *key) {
    char full[256];
    snprintf(full, sizeof full, "%s%s", prefix, key);
    for (int i = 0; i < n_inputs; i++)
        if (strcmp(inputs[i].key, full) == 0) return inputs[i].text;
    return NULL;
}
static bool has(const char *prefix, const char *key) { return in(prefix, key) != NULL; }
static long long num(const char *prefix, const char *key) {
    const char *t = in(prefix, key);
    if (!t) {
        fprintf(stderr, "%s: no input %s%s\n", case_name, prefix, key);
        exit(2);
    }
    return strtoll(t, NULL, 10);
}

/* A hex input as bytes (malloc'd, NUL-terminated for texts); NULL for "-" (null). */
typedef struct bytes {
    uint8_t *p;
    size_t len;
} bytes;
static bytes hex(const char *prefix, const char *key) {
    bytes b = {NULL, 0};
    const char *t = in(prefix, key);
    if (!t) {
        fprintf(stderr, "%s: no input %s%s\n", case_name, prefix, key);
        exit(2);
    }
    if (strcmp(t, "-") == 0) return b;
    size_t n = strlen(t) / 2;
    b.p = malloc(n + 1);
    if (!b.p) abort();
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(t + 2 * i, "%2x", &v) != 1) abort();
        b.p[i] = (uint8_t)v;
    }
    b.p[n] = 0;
    b.len = n;
    return b;
}
#define TEXT(b) ((const char *)(b).p)

static void got_outcome(const char *prefix, olr_status st, const olr_error_details *d) {
    char path[128];
    snprintf(path, sizeof path, "%sstatus", prefix);
    got(path, "%u", (unsigned)st);
    snprintf(path, sizeof path, "%sdetails.code_epoch", prefix);
    got(path, "%u", d->code_epoch);
    snprintf(path, sizeof path, "%sdetails.current_epoch", prefix);
    got(path, "%u", d->current_epoch);
    snprintf(path, sizeof path, "%sdetails.found_version", prefix);
    got(path, "%u", d->found_version);
    snprintf(path, sizeof path, "%sdetails.mistyped_group", prefix);
    got(path, "%u", d->mistyped_group);
}

static olr_server_key_ring *import_ring(bytes b) {
    olr_server_key_ring *r = NULL;
    olr_error_details d;
    if (olr_server_key_ring_import(b.p, b.len, NULL, 0, &r, &d) != OLR_OK) abort();
    return r;
}
static olr_machine *import_machine(bytes b) {
    olr_machine *m = NULL;
    olr_error_details d;
    if (olr_machine_import(b.p, b.len, NULL, 0, &m, &d) != OLR_OK) abort();
    return m;
}

static void got_epochs(const char *path, const olr_server_key_ring *r) {
    uint16_t e[64];
    size_t n = 0;
    char buf[512] = "";
    if (olr_server_key_ring_epochs(r, e, 64, &n) != OLR_OK) abort();
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%u", i ? "," : "", e[i]);
    got(path, "%s", buf);
}
static void got_policy(const char *prefix, uint16_t lifetime, uint16_t skew) {
    char path[128];
    snprintf(path, sizeof path, "%spolicy.clock_skew_minutes", prefix);
    got(path, "%u", skew);
    snprintf(path, sizeof path, "%spolicy.reset_code_lifetime_minutes", prefix);
    got(path, "%u", lifetime);
}
static void got_cost(const char *prefix, uint32_t m, uint32_t i, uint32_t p) {
    char path[128];
    snprintf(path, sizeof path, "%spassword_cost.iterations", prefix);
    got(path, "%" PRIu32, i);
    snprintf(path, sizeof path, "%spassword_cost.memory_kib", prefix);
    got(path, "%" PRIu32, m);
    snprintf(path, sizeof path, "%spassword_cost.parallelism", prefix);
    got(path, "%" PRIu32, p);
}

/* A seal with inputs under PREFIX (texts in hex); outcome and value under OUT. */
static void seal(const olr_server_key_ring *r, const char *prefix, const char *out) {
    bytes id = hex(prefix, "identification_code"), user = hex(prefix, "username"),
          dom = hex(prefix, "domain"), sid = hex(prefix, "sid"), pw = hex(prefix, "password");
    char code[128];
    size_t len = 0;
    olr_error_details d;
    memset(&d, 0, sizeof d);
    olr_status st = olr_server_key_ring_seal_reset_code(r, TEXT(id), id.len, TEXT(user), user.len, TEXT(dom),
                                                       dom.len, sid.p, sid.len, TEXT(pw), pw.len,
                                                       num(prefix, "now"), code, sizeof code, &len, &d);
    got_outcome(out, st, &d);
    if (st == OLR_OK) {
        char path[128];
        snprintf(path, sizeof path, "%svalue", out);
        got_text(path, code, len);
    }
    free(id.p), free(user.p), free(dom.p), free(sid.p), free(pw.p);
}

/* An open (ledger NULL) or a redeem with inputs under PREFIX; outcome and value under OUT. */
static void open_or_redeem(const olr_machine *m, olr_replay_ledger *l, const char *prefix, const char *out) {
    bytes code = hex(prefix, "reset_code"), user = hex(prefix, "username"), dom = hex(prefix, "domain"),
          sid = hex(prefix, "sid"), pw = hex(prefix, "password");
    olr_accepted_reset a;
    olr_error_details d;
    memset(&d, 0, sizeof d);
    olr_status st;
    if (l)
        st = olr_machine_redeem_reset_code(m, l, TEXT(code), code.len, TEXT(user), user.len, TEXT(dom), dom.len,
                                           sid.p, sid.len, TEXT(pw), pw.len, num(prefix, "now"), &a, &d);
    else
        st = olr_machine_open_reset_code_for_diagnostics(m, TEXT(code), code.len, TEXT(user), user.len,
                                                         TEXT(dom), dom.len, sid.p, sid.len, TEXT(pw), pw.len,
                                                         num(prefix, "now"), &a, &d);
    got_outcome(out, st, &d);
    if (st == OLR_OK) {
        char path[128];
        snprintf(path, sizeof path, "%svalue.expires_at", out);
        got(path, "%" PRId64, a.expires_at);
        snprintf(path, sizeof path, "%svalue.issued_at", out);
        got(path, "%" PRId64, a.issued_at);
    }
    free(code.p), free(user.p), free(dom.p), free(sid.p), free(pw.p);
}

static bytes package_input(void) {
    return has("", "package_hex") ? hex("", "package_hex") : hex("", "package");
}

static void got_ledger(const olr_replay_ledger *l) {
    size_t a = 0, c = 0;
    uint64_t g = 0;
    if (olr_replay_ledger_counts(l, &a, &c) != OLR_OK || olr_replay_ledger_generation(l, &g) != OLR_OK) abort();
    got("value.accounts", "%llu", (unsigned long long)a);
    got("value.codes", "%llu", (unsigned long long)c);
    got("value.generation", "%" PRIu64, g);
}

static int run_case(void) {
    olr_error_details d;
    memset(&d, 0, sizeof d);
    olr_status st = OLR_OK;
    char buf[4096];
    size_t len = 0;
    const char *op = case_op;
    if (!strcmp(op, "identification_code_check") || !strcmp(op, "reset_code_check")) {
        bytes t = hex("", "text");
        st = op[0] == 'i' ? olr_identification_code_check(TEXT(t), t.len, buf, sizeof buf, &len, &d)
                          : olr_reset_code_check(TEXT(t), t.len, buf, sizeof buf, &len, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) got_text("value", buf, len);
        free(t.p);
    } else if (!strcmp(op, "account_check")) {
        bytes u = hex("", "username"), dom = hex("", "domain"), sid = hex("", "sid");
        st = olr_account_check(TEXT(u), u.len, TEXT(dom), dom.len, sid.p, sid.len);
        got_outcome("", st, &d);
        if (st == OLR_OK) got("value", "null");
        free(u.p), free(dom.p), free(sid.p);
    } else if (!strcmp(op, "account_normalize")) {
        bytes u = hex("", "username"), dom = hex("", "domain");
        char ou[1024], od[1024];
        size_t oul = 0, odl = 0;
        st = olr_account_normalize(TEXT(u), u.len, TEXT(dom), dom.len, ou, sizeof ou, &oul, od, sizeof od, &odl, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) {
            got_text("value.domain", od, odl);
            got_text("value.username", ou, oul);
        }
        free(u.p), free(dom.p);
    } else if (!strcmp(op, "default_offline_domain")) {
        bytes f = hex("", "fqdn");
        st = olr_default_offline_domain(TEXT(f), f.len, buf, sizeof buf, &len);
        got_outcome("", st, &d);
        if (st == OLR_OK) got_text("value", buf, len);
        free(f.p);
    } else if (!strcmp(op, "name_problem")) {
        bytes t = hex("", "text");
        olr_name_problem_code p = 0;
        st = olr_name_problem(TEXT(t), t.len, &p);
        got_outcome("", st, &d);
        if (st == OLR_OK) got("value", "%u", (unsigned)p);
        free(t.p);
    } else if (!strcmp(op, "deployment_package_check")) {
        bytes p = package_input();
        uint16_t e = 0, lt = 0, sk = 0;
        st = olr_deployment_package_check(TEXT(p), p.len, &e, &lt, &sk, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) {
            got("value.epoch", "%u", e);
            got_policy("value.", lt, sk);
        }
        free(p.p);
    } else if (!strcmp(op, "deployment_package_fingerprint")) {
        bytes p = package_input();
        st = olr_deployment_package_fingerprint(TEXT(p), p.len, buf, sizeof buf, &len, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) got_text("value", buf, len);
        free(p.p);
    } else if (!strcmp(op, "key_ring_generate")) {
        /* OS randomness: getrandom's Windows path (ProcessPrng). */
        olr_server_key_ring *r = NULL;
        st = olr_server_key_ring_generate_with_password_cost(
            (uint16_t)num("", "reset_code_lifetime_minutes"), (uint16_t)num("", "clock_skew_minutes"),
            (uint32_t)num("", "memory_kib"), (uint32_t)num("", "iterations"), (uint32_t)num("", "parallelism"), &r);
        got_outcome("", st, &d);
        if (st == OLR_OK) {
            uint16_t lt, sk, e;
            uint32_t m, i, p;
            if (olr_server_key_ring_policy(r, &lt, &sk) || olr_server_key_ring_current_epoch(r, &e) ||
                olr_server_key_ring_password_cost(r, e, &m, &i, &p))
                abort();
            got_epochs("value.epochs", r);
            got_policy("value.", lt, sk);
            got_cost("value.", m, i, p);
        }
        olr_server_key_ring_free(r);
    } else if (!strcmp(op, "key_ring_import")) {
        bytes b = hex("", "bytes"), k = hex("", "wrapping_key");
        olr_server_key_ring *r = NULL;
        st = olr_server_key_ring_import(b.p, b.len, k.p, k.len, &r, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) {
            uint16_t lt, sk, e;
            uint32_t m, i, p, g;
            if (olr_server_key_ring_policy(r, &lt, &sk) || olr_server_key_ring_current_epoch(r, &e) ||
                olr_server_key_ring_password_cost(r, e, &m, &i, &p) ||
                olr_server_key_ring_retired_grace_seconds(r, &g) ||
                olr_server_key_ring_deployment_package(r, buf, sizeof buf, &len))
                abort();
            got("value.current_epoch", "%u", e);
            got_text("value.deployment_package", buf, len);
            got_epochs("value.epochs", r);
            got_cost("value.", m, i, p);
            got_policy("value.", lt, sk);
            got("value.retired_grace_seconds", "%" PRIu32, g);
        }
        olr_server_key_ring_free(r);
        free(b.p), free(k.p);
    } else if (!strcmp(op, "machine_import")) {
        bytes b = hex("", "bytes"), k = hex("", "wrapping_key");
        olr_machine *m = NULL;
        st = olr_machine_import(b.p, b.len, k.p, k.len, &m, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) {
            uint16_t lt, sk, e;
            uint32_t mk, i, p;
            if (olr_machine_policy(m, &lt, &sk) || olr_machine_epoch(m, &e) ||
                olr_machine_password_cost(m, &mk, &i, &p) ||
                olr_machine_identification_code(m, buf, sizeof buf, &len))
                abort();
            got("value.epoch", "%u", e);
            got_text("value.identification_code", buf, len);
            got_cost("value.", mk, i, p);
            got_policy("value.", lt, sk);
        }
        olr_machine_free(m);
        free(b.p), free(k.p);
    } else if (!strcmp(op, "replay_ledger_import")) {
        bytes mb = hex("", "machine"), b = hex("", "bytes"), k = hex("", "wrapping_key");
        olr_machine *m = import_machine(mb);
        olr_replay_ledger *l = NULL;
        st = olr_replay_ledger_import(b.p, b.len, k.p, k.len, m, (uint64_t)num("", "minimum_generation"), &l, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) got_ledger(l);
        olr_replay_ledger_free(l);
        olr_machine_free(m);
        free(mb.p), free(b.p), free(k.p);
    } else if (!strcmp(op, "seal")) {
        bytes rb = hex("", "ring");
        olr_server_key_ring *r = import_ring(rb);
        seal(r, "", "");
        olr_server_key_ring_free(r);
        free(rb.p);
    } else if (!strcmp(op, "open")) {
        bytes mb = hex("", "machine");
        olr_machine *m = import_machine(mb);
        open_or_redeem(m, NULL, "", "");
        olr_machine_free(m);
        free(mb.p);
    } else if (!strcmp(op, "redeem_sequence")) {
        bytes mb = hex("", "machine");
        olr_machine *m = import_machine(mb);
        olr_replay_ledger *l = NULL;
        if (olr_replay_ledger_new(m, &l)) abort();
        int i;
        for (i = 0;; i++) {
            char prefix[64], out[64];
            snprintf(prefix, sizeof prefix, "steps.%d.", i);
            if (!has(prefix, "now")) break;
            snprintf(out, sizeof out, "value.steps.%d.", i);
            open_or_redeem(m, l, prefix, out);
        }
        got_outcome("", OLR_OK, &d);
        got_ledger(l);
        /* The counts survive a plain export and an import at the generation. */
        uint8_t *ex = malloc(olr_replay_ledger_max_len());
        uint64_t g = 0;
        olr_replay_ledger *back = NULL;
        if (!ex || olr_replay_ledger_export(l, NULL, 0, ex, olr_replay_ledger_max_len(), &len) ||
            olr_replay_ledger_generation(l, &g) ||
            olr_replay_ledger_import(ex, len, NULL, 0, m, g, &back, &d)) {
            got("reimport", "failed");
        } else {
            size_t a1, c1, a2, c2;
            uint64_t g2;
            if (olr_replay_ledger_counts(l, &a1, &c1) || olr_replay_ledger_counts(back, &a2, &c2) ||
                olr_replay_ledger_generation(back, &g2) || a1 != a2 || c1 != c2 || g != g2)
                got("reimport", "differs");
        }
        free(ex);
        olr_replay_ledger_free(back);
        olr_replay_ledger_free(l);
        olr_machine_free(m);
        free(mb.p);
    } else if (!strcmp(op, "redeploy")) {
        bytes mb = hex("", "machine"), p = package_input();
        olr_machine *m = import_machine(mb), *r = NULL;
        st = olr_machine_redeploy(m, TEXT(p), p.len, &r, &d);
        got_outcome("", st, &d);
        if (st == OLR_OK) {
            char a[128], b[128];
            size_t al = 0, bl = 0;
            uint16_t e;
            if (olr_machine_epoch(r, &e) || olr_machine_identification_code(m, a, sizeof a, &al) ||
                olr_machine_identification_code(r, b, sizeof b, &bl))
                abort();
            got("value.epoch", "%u", e);
            got("value.same_identification_code", "%s", al == bl && !memcmp(a, b, al) ? "true" : "false");
        }
        olr_machine_free(r);
        olr_machine_free(m);
        free(mb.p), free(p.p);
    } else if (!strcmp(op, "rotate_then_seal")) {
        /* rotate: a new epoch's keys from OS randomness (ProcessPrng on Windows). */
        bytes rb = hex("", "ring");
        olr_server_key_ring *r = import_ring(rb);
        uint16_t e = 0;
        st = olr_server_key_ring_set_retired_grace_seconds(r, (uint32_t)num("", "grace_seconds"));
        if (st == OLR_OK) st = olr_server_key_ring_rotate(r, num("", "rotate_at"), &e);
        got_outcome("", st, &d);
        if (st == OLR_OK) {
            got("value.epoch", "%u", e);
            got_epochs("value.epochs", r);
            seal(r, "seal.", "value.seal.");
        }
        olr_server_key_ring_free(r);
        free(rb.p);
    } else if (!strcmp(op, "status_message")) {
        got_outcome("", OLR_OK, &d);
        got("value", "%s", olr_status_message((uint32_t)num("", "status")));
    } else {
        printf("FAIL - %s: unknown op %s\n", case_name, op);
        return 0;
    }
    /* Compare: every wanted path with its text, and no other path. */
    int ok = n_wants == n_gots;
    for (int i = 0; i < n_wants; i++) {
        int found = 0;
        for (int j = 0; j < n_gots; j++)
            if (!strcmp(wants[i].key, gots[j].key)) {
                found = 1;
                if (strcmp(wants[i].text, gots[j].text)) {
                    printf("FAIL - %s: %s is '%s', expected '%s'\n", case_name, wants[i].key, gots[j].text,
                           wants[i].text);
                    ok = 0;
                }
            }
        if (!found) {
            printf("FAIL - %s: no %s (expected '%s')\n", case_name, wants[i].key, wants[i].text);
            ok = 0;
        }
    }
    if (!ok && n_wants != n_gots) {
        printf("FAIL - %s: %d results, expected %d:", case_name, n_gots, n_wants);
        for (int j = 0; j < n_gots; j++) printf(" %s=%s", gots[j].key, gots[j].text);
        printf("\n");
    }
    return ok;
}

int main(void) {
    static char line[LINE_MAX_LEN * 2];
    int passed = 0, failed = 0;
    if (!olr_abi_is_compatible(OLR_ABI_VERSION)) {
        printf("ABI %u of the header is not served by the library (%u)\n", (unsigned)OLR_ABI_VERSION,
               (unsigned)olr_abi_version());
        return 1;
    }
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!strcmp(line, "end")) {
            if (run_case()) {
                passed++;
            } else {
                failed++;
            }
            clear_items(inputs, &n_inputs);
            clear_items(wants, &n_wants);
            clear_items(gots, &n_gots);
            continue;
        }
        if (!tab) {
            fprintf(stderr, "bad line: %s\n", line);
            return 2;
        }
        *tab = 0;
        char *rest = tab + 1;
        if (!strcmp(line, "case")) {
            snprintf(case_name, sizeof case_name, "%s", rest);
        } else if (!strcmp(line, "op")) {
            snprintf(case_op, sizeof case_op, "%s", rest);
        } else if (!strcmp(line, "in") || !strcmp(line, "want")) {
            char *tab2 = strchr(rest, '\t');
            if (!tab2) return 2;
            *tab2 = 0;
            if (line[0] == 'i')
                add(inputs, &n_inputs, rest, tab2 + 1, strlen(tab2 + 1));
            else
                add(wants, &n_wants, rest, tab2 + 1, strlen(tab2 + 1));
        } else {
            fprintf(stderr, "bad line: %s\n", line);
            return 2;
        }
    }
    printf("bindings.json (Windows DLL): %d passed, %d failed\n", passed, failed);
    return failed != 0 || passed == 0;
}

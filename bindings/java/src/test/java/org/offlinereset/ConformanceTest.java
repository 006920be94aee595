package org.offlinereset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** tests/vectors/bindings.json through the Java API (docs/BINDINGS.md §8): every case. */
class ConformanceTest {
    private static Map<String, Object> zeroDetails() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mistyped_group", 0L);
        d.put("code_epoch", 0L);
        d.put("current_epoch", 0L);
        d.put("found_version", 0L);
        return d;
    }

    static Map<String, Object> outcome(Supplier<Object> call) {
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            Object value = call.get();
            r.put("status", 0L);
            r.put("details", zeroDetails());
            r.put("value", value);
        } catch (OfflineResetException e) {
            assertEquals(OfflineReset.statusMessage(e.statusNumber()), e.libraryMessage());
            assertEquals(e.statusNumber(), e.status().number(), "a known status");
            r.put("status", (long) e.statusNumber());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("mistyped_group", (long) e.mistypedGroup());
            d.put("code_epoch", (long) e.codeEpoch());
            d.put("current_epoch", (long) e.currentEpoch());
            d.put("found_version", (long) e.foundVersion());
            r.put("details", d);
        }
        return r;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) m.put((String) kv[k], kv[k + 1]);
        return m;
    }

    static Map<String, Object> policy(Policy p) {
        return map("reset_code_lifetime_minutes", (long) p.resetCodeLifetimeMinutes(), "clock_skew_minutes",
                (long) p.clockSkewMinutes());
    }

    static Map<String, Object> cost(PasswordCost c) {
        return map("memory_kib", (long) c.memoryKib(), "iterations", (long) c.iterations(), "parallelism", (long) c.parallelism());
    }

    static List<Object> longs(int[] a) {
        List<Object> l = new ArrayList<>();
        for (int x : a) l.add((long) x);
        return l;
    }

    static String str(Map<String, Object> i, String k) {
        return (String) i.get(k);
    }

    static long num(Map<String, Object> i, String k) {
        return (Long) i.get(k);
    }

    /** The account of a case: names and the SID (hex); built after the code is parsed, as the C calls do. */
    static Account account(Map<String, Object> i) {
        return new Account(str(i, "username"), str(i, "domain"), sid(i));
    }

    static byte[] sid(Map<String, Object> i) {
        String hex = str(i, "sid");
        if (hex == null) throw new AssertionError("case input without \"sid\": " + i.keySet());
        return Fixtures.unhex(hex);
    }

    static String seal(ServerKeyRing ring, Map<String, Object> i) {
        IdentificationCode id = IdentificationCode.parse(str(i, "identification_code"));
        return ring.sealResetCode(id, account(i), str(i, "password"), num(i, "now")).text();
    }

    static Map<String, Object> open(Machine m, ReplayLedger ledger, Map<String, Object> i) {
        ResetCode code = ResetCode.parse(str(i, "reset_code"));
        Account account = account(i);
        AcceptedReset a = ledger == null
                ? m.openResetCodeForDiagnostics(code, account, str(i, "password"), num(i, "now"))
                : m.redeemResetCode(ledger, code, account, str(i, "password"), num(i, "now"));
        return map("issued_at", a.issuedAt(), "expires_at", a.expiresAt());
    }

    static Map<String, Object> ledgerValue(ReplayLedger l) {
        return map("accounts", (long) l.accountCount(), "codes", (long) l.codeCount(), "generation", l.generation());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> run(Map<String, Object> objects, String op, Map<String, Object> i) {
        Supplier<ServerKeyRing> ring = () -> ServerKeyRing.fromBytes(Fixtures.unhex(str(objects, str(i, "ring"))), null);
        Supplier<Machine> machine = () -> Machine.fromBytes(Fixtures.unhex(str(objects, str(i, "machine"))), null);
        switch (op) {
            case "identification_code_check":
                return outcome(() -> IdentificationCode.parse(str(i, "text")).text());
            case "reset_code_check":
                return outcome(() -> ResetCode.parse(str(i, "text")).toString());
            case "account_check":
                return outcome(() -> {
                    Account.check(str(i, "username"), str(i, "domain"), sid(i));
                    return null;
                });
            case "account_normalize":
                return outcome(() -> {
                    if (i.containsKey("sid")) {
                        Account a = account(i);
                        return map("username", a.normalizedUsername(), "domain", a.normalizedOfflineDomain());
                    }
                    Account.Names n = Account.normalizeNames(str(i, "username"), str(i, "domain"));
                    return map("username", n.username(), "domain", n.offlineDomain());
                });
            case "default_offline_domain":
                return outcome(() -> OfflineReset.defaultOfflineDomain(str(i, "fqdn")));
            case "name_problem":
                return outcome(() -> (long) OfflineReset.nameProblem(str(i, "text")).number());
            case "deployment_package_check":
                return outcome(() -> {
                    DeploymentPackageInfo info = i.containsKey("package_hex")
                            ? OfflineReset.checkDeploymentPackage(Fixtures.unhex(str(i, "package_hex")))
                            : OfflineReset.checkDeploymentPackage(str(i, "package"));
                    return map("epoch", (long) info.epoch(), "policy", policy(info.policy()));
                });
            case "key_ring_generate":
                return outcome(() -> {
                    Policy p = new Policy((int) num(i, "reset_code_lifetime_minutes"), (int) num(i, "clock_skew_minutes"));
                    PasswordCost c = new PasswordCost((int) num(i, "memory_kib"), (int) num(i, "iterations"),
                            (int) num(i, "parallelism"));
                    try (ServerKeyRing r = ServerKeyRing.generate(p, c)) {
                        return map("epochs", longs(r.epochs()), "policy", policy(r.policy()), "password_cost",
                                cost(r.passwordCost()));
                    }
                });
            case "key_ring_import":
                return outcome(() -> {
                    try (ServerKeyRing r = ServerKeyRing.fromBytes(Fixtures.unhex(str(i, "bytes")),
                            Fixtures.unhex(str(i, "wrapping_key")))) {
                        return map("current_epoch", (long) r.currentEpoch(), "epochs", longs(r.epochs()),
                                "retired_grace_seconds", r.retiredGraceSeconds(), "policy", policy(r.policy()),
                                "password_cost", cost(r.passwordCost()), "deployment_package", r.deploymentPackage());
                    }
                });
            case "machine_import":
                return outcome(() -> {
                    try (Machine m = Machine.fromBytes(Fixtures.unhex(str(i, "bytes")), Fixtures.unhex(str(i, "wrapping_key")))) {
                        return map("identification_code", m.identificationCode().text(), "epoch", (long) m.epoch(), "policy",
                                policy(m.policy()), "password_cost", cost(m.passwordCost()));
                    }
                });
            case "replay_ledger_import":
                try (Machine m = machine.get()) {
                    return outcome(() -> {
                        try (ReplayLedger l = ReplayLedger.fromBytes(Fixtures.unhex(str(i, "bytes")),
                                Fixtures.unhex(str(i, "wrapping_key")), m, num(i, "minimum_generation"))) {
                            return ledgerValue(l);
                        }
                    });
                }
            case "seal":
                try (ServerKeyRing r = ring.get()) {
                    return outcome(() -> seal(r, i));
                }
            case "open":
                try (Machine m = machine.get()) {
                    return outcome(() -> open(m, null, i));
                }
            case "redeem_sequence":
                try (Machine m = machine.get(); ReplayLedger l = new ReplayLedger(m)) {
                    List<Object> steps = new ArrayList<>();
                    for (Object s : (List<Object>) i.get("steps")) {
                        steps.add(outcome(() -> open(m, l, (Map<String, Object>) s)));
                    }
                    Map<String, Object> value = ledgerValue(l);
                    // Exported plain and read back for the same machine at its own generation: the same ledger.
                    try (ReplayLedger back = ReplayLedger.fromBytes(l.exportPlain(), null, m, l.generation())) {
                        assertEquals(value, ledgerValue(back), "redeem_sequence: the ledger read back");
                        assertEquals(Status.LEDGER_ROLLED_BACK, assertThrows(OfflineResetException.class,
                                () -> ReplayLedger.fromBytes(l.exportPlain(), null, m, l.generation() + 1)).status(),
                                "redeem_sequence: a minimum generation above the ledger's");
                    }
                    Map<String, Object> v = map("steps", steps);
                    v.putAll(value);
                    return outcome(() -> v);
                }
            case "redeploy":
                try (Machine m = machine.get()) {
                    return outcome(() -> {
                        try (Machine r = m.redeploy(str(i, "package"))) {
                            return map("epoch", (long) r.epoch(), "same_identification_code",
                                    r.identificationCode().equals(m.identificationCode()));
                        }
                    });
                }
            case "deployment_package_fingerprint":
                return outcome(() -> OfflineReset.deploymentPackageFingerprint(str(i, "package")));
            case "rotate_then_seal":
                try (ServerKeyRing r = ring.get()) {
                    return outcome(() -> {
                        r.setRetiredGraceSeconds(num(i, "grace_seconds"));
                        long epoch = r.rotate(num(i, "rotate_at"));
                        return map("epoch", epoch, "epochs", longs(r.epochs()), "seal",
                                outcome(() -> seal(r, (Map<String, Object>) i.get("seal"))));
                    });
                }
            case "status_message":
                return outcome(() -> OfflineReset.statusMessage((int) num(i, "status")));
            default:
                throw new AssertionError("unknown op " + op);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void bindingsJson() throws Exception {
        String text = new String(Files.readAllBytes(Fixtures.repo().resolve("tests/vectors/bindings.json")), StandardCharsets.UTF_8);
        Map<String, Object> data = (Map<String, Object>) Json.parse(text);
        long fileAbi = (Long) data.get("abi_version");
        assertEquals(OfflineReset.ABI_VERSION >> 16, fileAbi >> 16, "tests/vectors/bindings.json is for C ABI "
                + (fileAbi >> 16) + "." + (fileAbi & 0xFFFF) + ", this binding for " + (OfflineReset.ABI_VERSION >> 16) + ".x");
        assertEquals(fileAbi >> 16, (long) (OfflineReset.abiVersion() >> 16), "the loaded library's ABI major");
        List<Object> cases = (List<Object>) data.get("cases");
        List<String> failures = new ArrayList<>();
        for (Object c : cases) {
            Map<String, Object> k = (Map<String, Object>) c;
            try {
                Map<String, Object> got = run((Map<String, Object>) data.get("objects"), (String) k.get("op"),
                        (Map<String, Object>) k.get("inputs"));
                if (!got.equals(k.get("expect"))) failures.add(k.get("name") + ": got " + got + ", expected " + k.get("expect"));
            } catch (Exception | AssertionError e) {
                failures.add(k.get("name") + " (" + k.get("op") + "): " + e);
            }
        }
        System.out.println("bindings.json (Java): " + (cases.size() - failures.size()) + " passed, " + failures.size() + " failed");
        assertTrue(cases.size() > 100, "the whole file");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}

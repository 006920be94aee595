package org.offlinereset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Java idioms of issue 19: export requires a wrapping key and exportPlain is named, Instant and
 * Duration next to unix seconds, the codes' parse factories, and the account shown as typed with the
 * normalized form on request.
 */
class IdiomsTest {
    static final ServerKeyRing RING = Fixtures.RING;
    static final Machine MACHINE = Fixtures.MACHINE;
    static final long NOW = Fixtures.NOW;

    static OfflineResetException expect(Status status, org.junit.jupiter.api.function.Executable call) {
        OfflineResetException e = assertThrows(OfflineResetException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    @Test
    void exportNeedsAKeyAndExportPlainIsNamed() {
        byte[] key = OfflineReset.generateWrappingKey();
        try (ReplayLedger ledger = new ReplayLedger(MACHINE)) {
            List<Function<byte[], byte[]>> exports = List.of(RING::export, MACHINE::export, ledger::export);
            for (Function<byte[], byte[]> export : exports) {
                NullPointerException e = assertThrows(NullPointerException.class, () -> export.apply(null));
                assertTrue(e.getMessage().contains("exportPlain()"), e.getMessage());
                expect(Status.INVALID_KEY_MATERIAL, () -> export.apply(new byte[0]));
                expect(Status.INVALID_KEY_MATERIAL, () -> export.apply(new byte[63]));
            }
            // export(key) wraps: read without a key it is WRAPPING_MISMATCH; exportPlain reads without one.
            expect(Status.WRAPPING_MISMATCH, () -> ServerKeyRing.fromBytes(RING.export(key), null));
            expect(Status.WRAPPING_MISMATCH, () -> Machine.fromBytes(MACHINE.export(key), null));
            expect(Status.WRAPPING_MISMATCH, () -> ReplayLedger.fromBytes(ledger.export(key), null, MACHINE, 0));
            try (ServerKeyRing r = ServerKeyRing.fromBytes(RING.exportPlain(), null)) {
                assertEquals(RING.deploymentPackage(), r.deploymentPackage());
            }
            try (ServerKeyRing r = ServerKeyRing.fromBytes(RING.export(key), key)) {
                assertEquals(RING.deploymentPackage(), r.deploymentPackage());
            }
            try (Machine m = Machine.fromBytes(MACHINE.exportPlain(), null)) {
                assertEquals(MACHINE.identificationCode(), m.identificationCode());
            }
            try (ReplayLedger l = ReplayLedger.fromBytes(ledger.exportPlain(), null, MACHINE, 0)) {
                assertEquals(0, l.generation());
            }
        }
        Arrays.fill(key, (byte) 0);
        // One export (with a key) and one exportPlain() per type; nothing else writes keys out.
        for (Class<?> type : List.of(ServerKeyRing.class, Machine.class, ReplayLedger.class)) {
            List<Method> methods = Arrays.stream(type.getMethods()).filter(m -> m.getName().startsWith("export")).toList();
            assertEquals(2, methods.size(), type + ": " + methods);
            for (Method m : methods) {
                assertTrue(Modifier.isPublic(m.getModifiers()));
                if (m.getName().equals("export")) assertArrayEquals(new Class<?>[] {byte[].class}, m.getParameterTypes());
                else assertEquals("exportPlain", m.getName());
            }
        }
    }

    @Test
    void timesAsInstantAndDuration() {
        Instant now = Instant.ofEpochSecond(NOW, 999_000_000); // fractions of a second dropped
        Account alice = Fixtures.account("alice", "CORP");
        IdentificationCode id = MACHINE.identificationCode();
        ResetCode code = RING.sealResetCode(id, alice, "pw", now);
        assertEquals(RING.sealResetCode(id, alice, "pw", NOW), code, "sealing is deterministic: the same time");
        assertEquals(code, RING.sealResetCode(id, alice, "pw".toCharArray(), now));
        assertEquals(code, RING.sealResetCode(id, alice, "pw".getBytes(StandardCharsets.UTF_8), now));
        assertNotEquals(code, RING.sealResetCode(id, alice, "pw", now.plusSeconds(3600)));
        assertThrows(NullPointerException.class, () -> RING.sealResetCode(id, alice, "pw", (Instant) null));

        AcceptedReset opened = MACHINE.openResetCodeForDiagnostics(code, alice, "pw", now.plusSeconds(300));
        assertEquals(opened, MACHINE.openResetCodeForDiagnostics(code, alice, "pw".toCharArray(), NOW + 300));
        assertEquals(opened, MACHINE.openResetCodeForDiagnostics(code, alice, "pw".getBytes(StandardCharsets.UTF_8), now));
        assertEquals(Instant.ofEpochSecond(opened.issuedAt()), opened.issuedAtInstant());
        assertEquals(Instant.ofEpochSecond(opened.expiresAt()), opened.expiresAtInstant());
        assertEquals(Duration.ofMinutes(1440), Duration.between(opened.issuedAtInstant(), opened.expiresAtInstant()));
        assertTrue(!opened.issuedAtInstant().isAfter(now) && now.isBefore(opened.expiresAtInstant()));
        // The Instant is the time checked.
        expect(Status.EXPIRED, () -> MACHINE.openResetCodeForDiagnostics(code, alice, "pw", now.plus(Duration.ofDays(2))));
        expect(Status.NOT_YET_VALID, () -> MACHINE.openResetCodeForDiagnostics(code, alice, "pw".toCharArray(), now.minusSeconds(3600)));
        try (ReplayLedger ledger = new ReplayLedger(MACHINE)) {
            assertEquals(opened, MACHINE.redeemResetCode(ledger, code, alice, "pw", now.plusSeconds(300)));
            expect(Status.ALREADY_USED, () -> MACHINE.redeemResetCode(ledger, code, alice, "pw".toCharArray(), now.plusSeconds(360)));
            expect(Status.ALREADY_USED, () -> MACHINE.redeemResetCode(ledger, code, alice, "pw".getBytes(StandardCharsets.UTF_8),
                    now.plusSeconds(420)));
            assertEquals(3, ledger.generation());
        }

        assertEquals(Duration.ofMinutes(1440), Policy.DEFAULT.resetCodeLifetime());
        assertEquals(Duration.ofMinutes(10), Policy.DEFAULT.clockSkew());
        assertEquals(Duration.ofMinutes(5), new Policy(60, 5).clockSkew());

        try (ServerKeyRing r = ServerKeyRing.fromBytes(RING.exportPlain(), null)) {
            r.setRetiredGracePeriod(Duration.ofHours(1));
            assertEquals(3600, r.retiredGraceSeconds());
            assertEquals(Duration.ofHours(1), r.retiredGracePeriod());
            r.setRetiredGraceSeconds(7200);
            assertEquals(Duration.ofHours(2), r.retiredGracePeriod());
            r.setRetiredGracePeriod(Duration.ofMillis(3_600_900));
            assertEquals(3600, r.retiredGraceSeconds(), "whole seconds");
            assertThrows(IllegalArgumentException.class, () -> r.setRetiredGracePeriod(Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> r.setRetiredGracePeriod(Duration.ofSeconds(1L << 32)));
            assertThrows(NullPointerException.class, () -> r.setRetiredGracePeriod(null));
            assertEquals(3600, r.retiredGraceSeconds(), "a refused setting changes nothing");

            // rotate(Instant) retires at the same second as the long form: checked with long prunes.
            assertEquals(2, r.rotate(now));
            r.prune(NOW + 3599);
            assertArrayEquals(new int[] {1, 2}, r.epochs(), "retired at now: in its grace period for an hour");
            r.prune(NOW + 3600);
            assertArrayEquals(new int[] {2}, r.epochs());
            // prune(Instant) at the same second as the long form: checked against a long rotate.
            assertEquals(3, r.rotate(NOW + 3600));
            r.prune(Instant.ofEpochSecond(NOW + 7199, 999_999_999));
            assertArrayEquals(new int[] {2, 3}, r.epochs());
            r.prune(Instant.ofEpochSecond(NOW + 7200));
            assertArrayEquals(new int[] {3}, r.epochs());
        }
    }

    @Test
    void redeemRefusesANullLedger() {
        // A null ledger must not fall through to the diagnostics open (which counts nothing).
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), Fixtures.account("nul", "CORP"), "pw", NOW);
        Account a = Fixtures.account("nul", "CORP");
        assertThrows(NullPointerException.class, () -> MACHINE.redeemResetCode(null, code, a, "pw", NOW));
        assertThrows(NullPointerException.class, () -> MACHINE.redeemResetCode(null, code, a, "pw".toCharArray(), NOW));
        assertThrows(NullPointerException.class, () -> MACHINE.redeemResetCode(null, code, a, "pw".getBytes(StandardCharsets.UTF_8), NOW));
        assertThrows(NullPointerException.class, () -> MACHINE.redeemResetCode(null, code, a, "pw", Instant.ofEpochSecond(NOW)));
    }

    @Test
    void codesHaveParseFactories() {
        String id = MACHINE.identificationCode().text();
        assertEquals(MACHINE.identificationCode(), IdentificationCode.parse(" " + id.toLowerCase().replace('0', 'o') + "\n"));
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), Fixtures.account("alice", "CORP"), "pw", NOW);
        assertEquals(code, ResetCode.parse(code.text().toLowerCase().replace("-", " ")));
        String bad = id.substring(0, id.length() - 1) + (id.endsWith("0") ? "1" : "0");
        assertEquals(8, expect(Status.MISTYPED, () -> IdentificationCode.parse(bad)).group());
        expect(Status.MALFORMED_INPUT, () -> ResetCode.parse(id));
        expect(Status.INVALID_UTF8, () -> ResetCode.parse("\ud800"));
        assertThrows(NullPointerException.class, () -> IdentificationCode.parse(null));
        // parse is the only way in: no public constructor.
        assertEquals(0, IdentificationCode.class.getConstructors().length);
        assertEquals(0, ResetCode.class.getConstructors().length);
    }

    @Test
    void accountShowsTheTypedNamesAndTheNormalizedOnRequest() {
        Account a = new Account("Jürgen", "corp", Fixtures.SID);
        assertEquals("Jürgen", a.username());
        assertEquals("corp", a.offlineDomain());
        assertEquals("JÜRGEN", a.normalizedUsername());
        assertEquals("CORP", a.normalizedOfflineDomain());
        assertEquals(new Account.Names("JÜRGEN", "CORP"), a.normalizedNames());
        assertEquals("corp\\Jürgen (S-1-5-21-1004336348-1177238915-682003330-1001)", a.toString());
        assertEquals("CORP\\JÜRGEN (S-1-5-21-1004336348-1177238915-682003330-1001)", a.toNormalizedString());
        // Equality is by the normalized names and the SID.
        Account b = new Account("JÜRGEN", "CORP", Fixtures.SID);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a.toString(), b.toString());
        assertEquals(a.toNormalizedString(), b.toNormalizedString());
        Account c = Account.withFqdn("alice", "corp.example.com", Fixtures.SID);
        assertEquals("alice", c.username());
        assertEquals(OfflineReset.defaultOfflineDomain("corp.example.com"), c.offlineDomain());
        assertEquals("ALICE", c.normalizedUsername());
    }

    @Test
    void passwordCostSaysTheCost() {
        assertEquals("Argon2id m=65536 KiB, t=3, p=1", PasswordCost.DEFAULT.toString());
        assertEquals("Argon2id m=19456 KiB, t=2, p=1", PasswordCost.MINIMUM.toString());
        assertEquals(PasswordCost.MINIMUM.toString(), RING.passwordCost().toString());
    }
}

package org.offlinereset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Java API: non-ASCII round trips, every status as its exception, secrets, handles. */
class ApiTest {
    static final ServerKeyRing RING = Fixtures.RING;
    static final Machine MACHINE = Fixtures.MACHINE;
    static final long NOW = Fixtures.NOW;
    static final Set<Status> SEEN = EnumSet.noneOf(Status.class);

    static OfflineResetException expect(Status status, Executable call) {
        OfflineResetException e = assertThrows(OfflineResetException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(status.number(), e.statusNumber());
        assertEquals(OfflineReset.statusMessage(status.number()), e.libraryMessage());
        assertTrue(e.getMessage().startsWith(e.libraryMessage()));
        SEEN.add(status);
        return e;
    }

    @ParameterizedTest
    @CsvSource({"alice,CORP,Winter-Tulip-42", "Jürgen,ÖSTERREICH,Grüße aus Wien 🏔", "İstanbul,ist,pässwörd", "山田,東京,パスワード"})
    void roundTripNonAscii(String username, String domain, String password) {
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), new Account(username, domain), password, NOW);
        assertEquals(Native.RESET_CODE_TEXT_LEN, code.text().length());
        ResetCode typed = ResetCode.parse(code.text().toLowerCase());
        assertEquals(code, typed);
        AcceptedReset a = MACHINE.openResetCode(typed, new Account(username.toUpperCase(), domain.toLowerCase()),
                password.getBytes(StandardCharsets.UTF_8), NOW + 60);
        assertTrue(a.issuedAt() <= NOW && NOW < a.expiresAt());
        assertEquals(a, MACHINE.openResetCode(code, new Account(username, domain), password.toCharArray(), NOW + 60));
        expect(Status.REJECTED, () -> MACHINE.openResetCode(code, new Account(username, domain), password + "x", NOW + 60));
    }

    @Test
    void callerPasswordBuffersAreTheCallers() {
        byte[] pw = "Grüße".getBytes(StandardCharsets.UTF_8);
        char[] chars = "Grüße".toCharArray();
        Account bob = new Account("bob", "CORP");
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), bob, pw, NOW);
        assertArrayEquals("Grüße".getBytes(StandardCharsets.UTF_8), pw, "the caller wipes its own buffer");
        MACHINE.openResetCode(code, bob, chars, NOW);
        assertArrayEquals("Grüße".toCharArray(), chars);
        Arrays.fill(chars, '\0');
        expect(Status.REJECTED, () -> MACHINE.openResetCode(code, bob, chars, NOW)); // the wiped array is another password
    }

    @Test
    void everyStatusIsItsException() {
        String idText = MACHINE.identificationCode().text();
        String bad = idText.substring(0, idText.length() - 1) + (idText.endsWith("0") ? "1" : "0");
        assertEquals(8, expect(Status.MISTYPED, () -> IdentificationCode.parse(bad)).group());
        expect(Status.MALFORMED_INPUT, () -> ResetCode.parse("12345"));
        expect(Status.INVALID_USERNAME, () -> new Account("", "CORP"));
        expect(Status.INVALID_DOMAIN, () -> new Account("a", "X/Y"));
        IdentificationCode id = MACHINE.identificationCode();
        Account ab = new Account("a", "B");
        expect(Status.INVALID_PASSWORD, () -> RING.sealResetCode(id, ab, "", NOW));
        expect(Status.TIME_OUT_OF_RANGE, () -> RING.sealResetCode(id, ab, "p", 0));
        expect(Status.INVALID_POLICY, () -> ServerKeyRing.generate(new Policy(0, 0), PasswordCost.MINIMUM));
        ResetCode code = RING.sealResetCode(id, ab, "p", NOW);
        expect(Status.EXPIRED, () -> MACHINE.openResetCode(code, ab, "p", NOW + 10 * 86400));
        expect(Status.NOT_YET_VALID, () -> MACHINE.openResetCode(code, ab, "p", NOW - 3600));
        expect(Status.REJECTED, () -> MACHINE.openResetCode(code, new Account("a", "C"), "p", NOW));
        expect(Status.WRONG_KIND, () -> Machine.fromBytes(RING.export(null), null));
        expect(Status.WRAPPING_MISMATCH, () -> Machine.fromBytes(MACHINE.export(OfflineReset.generateWrappingKey()), null));
        expect(Status.WRONG_WRAPPING_KEY, () -> Machine.fromBytes(MACHINE.export(OfflineReset.generateWrappingKey()),
                OfflineReset.generateWrappingKey()));
        expect(Status.INVALID_KEY_MATERIAL, () -> MACHINE.export("short".getBytes(StandardCharsets.US_ASCII)));
        try (ReplayLedger empty = new ReplayLedger()) {
            byte[] blob = empty.export(null);
            expect(Status.TRUNCATED, () -> ReplayLedger.fromBytes(Arrays.copyOf(blob, blob.length - 1), null));
        }
        byte[] state = MACHINE.export(null);
        state[30] ^= 1;
        expect(Status.CORRUPTED, () -> Machine.fromBytes(state, null));
        expect(Status.UTF16_TEXT, () -> OfflineReset.checkDeploymentPackage(RING.deploymentPackage().getBytes(StandardCharsets.UTF_16)));
        expect(Status.INVALID_UTF8, () -> new Account("\ud800", "CORP"));
        expect(Status.INVALID_UTF8, () -> RING.sealResetCode(id, ab, new char[] {'a', '\udc00'}, NOW));
        expect(Status.INVALID_UTF8, () -> MACHINE.openResetCode(code, ab, new byte[] {(byte) 0xff}, NOW));
        expect(Status.INVALID_LENGTH, () -> OfflineReset.nameProblem("a".repeat(70000)));
        // Rotation: on the server, and on the machine in both directions.
        try (ServerKeyRing rotated = ServerKeyRing.fromBytes(RING.export(null), null)) {
            assertEquals(RING.currentEpoch() + 1, rotated.rotate(NOW));
            OfflineResetException e = expect(Status.KEY_ROTATED, () -> rotated.sealResetCode(id, ab, "p", NOW + 1));
            assertEquals(RING.currentEpoch(), e.codeEpoch());
            assertEquals(rotated.currentEpoch(), e.currentEpoch());
            try (Machine newer = Machine.enroll(rotated.deploymentPackage())) {
                e = expect(Status.CODE_BEFORE_ROTATION, () -> newer.openResetCode(code, ab, "p", NOW));
                assertEquals(1, e.codeEpoch());
                assertEquals(2, e.currentEpoch());
                ResetCode newerCode = rotated.sealResetCode(newer.identificationCode(), ab, "p", NOW);
                e = expect(Status.REDEPLOY_NEEDED, () -> MACHINE.openResetCode(newerCode, ab, "p", NOW));
                assertEquals(2, e.codeEpoch());
                assertEquals(1, e.currentEpoch());
            }
        }
        try (ReplayLedger ledger = new ReplayLedger()) {
            ResetCode later = RING.sealResetCode(id, ab, "p", NOW + 120);
            MACHINE.redeemResetCode(ledger, later, ab, "p", NOW + 120);
            expect(Status.ALREADY_USED, () -> MACHINE.redeemResetCode(ledger, later, ab, "p", NOW + 120));
            expect(Status.SUPERSEDED, () -> MACHINE.redeemResetCode(ledger, code, ab, "p", NOW + 120));
            assertEquals(1, ledger.size());
            byte[] key = OfflineReset.generateWrappingKey();
            try (ReplayLedger back = ReplayLedger.fromBytes(ledger.export(key), key)) {
                assertEquals(1, back.size());
            }
        }
        // Statuses the binding cannot provoke (RNG failure, a full ledger of 1024 live codes, NULL pointers,
        // panics, ...) still map to their status and message; an unknown number is UNKNOWN with its number.
        for (Status s : Status.values()) {
            if (s == Status.OK || s == Status.UNKNOWN) continue;
            OfflineResetException e = OfflineReset.error(s.number(), null);
            assertEquals(s, e.status());
            assertTrue(e.getMessage().startsWith(OfflineReset.statusMessage(s.number())));
        }
        OfflineResetException unknown = OfflineReset.error(4242, null);
        assertEquals(Status.UNKNOWN, unknown.status());
        assertEquals(4242, unknown.statusNumber());
        assertTrue(SEEN.size() >= 24, "statuses provoked through the API: " + SEEN);
    }

    @Test
    void closeTwiceAndUseAfterClose() {
        ServerKeyRing r = ServerKeyRing.fromBytes(RING.export(null), null);
        try (r) {
            assertArrayEquals(RING.epochs(), r.epochs());
        }
        assertTrue(r.isClosed());
        r.close(); // twice is fine
        assertThrows(IllegalStateException.class, r::currentEpoch);
        assertThrows(IllegalStateException.class, () -> r.sealResetCode(MACHINE.identificationCode(), new Account("a", "B"), "p", NOW));
        assertThrows(IllegalStateException.class, () -> r.rotate(NOW));
        assertThrows(IllegalStateException.class, () -> r.export(null));
        Machine m = Machine.fromBytes(MACHINE.export(null), null);
        m.close();
        m.close();
        assertThrows(IllegalStateException.class, m::identificationCode);
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), new Account("a", "B"), "p", NOW);
        ReplayLedger ledger = new ReplayLedger();
        ledger.close();
        ledger.close();
        assertThrows(IllegalStateException.class, ledger::size);
        assertThrows(IllegalStateException.class, () -> MACHINE.redeemResetCode(ledger, code, new Account("a", "B"), "p", NOW));
        assertFalse(MACHINE.isClosed());
    }

    @Test
    void ringSettingsAndExports() {
        byte[] key = OfflineReset.generateWrappingKey();
        assertEquals(64, key.length);
        try (ServerKeyRing r = ServerKeyRing.fromBytes(RING.export(key), key)) {
            r.setPolicy(new Policy(60, 5));
            r.setRetiredGraceSeconds(3600);
            assertEquals(new Policy(60, 5), r.policy());
            assertEquals(3600, r.retiredGraceSeconds());
            assertEquals(PasswordCost.MINIMUM, r.passwordCost());
            r.setPasswordCost(new PasswordCost(20000, 2, 1));
            assertEquals(2, r.rotate(NOW));
            assertEquals(new PasswordCost(20000, 2, 1), r.passwordCost(2));
            r.prune(NOW + 3600);
            assertArrayEquals(new int[] {2}, r.epochs());
            DeploymentPackageInfo info = OfflineReset.checkDeploymentPackage(r.deploymentPackage());
            assertEquals(new DeploymentPackageInfo(2, new Policy(60, 5)), info);
            try (Machine m = Machine.enroll(r.deploymentPackage())) {
                assertTrue(m.isEnrolledWith(r.deploymentPackage()));
                assertFalse(m.isEnrolledWith(RING.deploymentPackage()));
                assertEquals(2, m.epoch());
                assertEquals(new PasswordCost(20000, 2, 1), m.passwordCost());
                byte[] mk = OfflineReset.generateWrappingKey();
                try (Machine back = Machine.fromBytes(m.export(mk), mk)) {
                    assertEquals(m.identificationCode(), back.identificationCode());
                }
            }
        }
    }

    @Test
    void names() {
        assertEquals("CORP", OfflineReset.defaultOfflineDomain("corp.example.com"));
        assertEquals(new Account("ALICE", "corp"), Account.withFqdn("alice", "corp.example.com"));
        assertNotEquals(new Account("alice", "CORP"), new Account("bob", "CORP"));
        assertEquals(NameProblem.QUALIFIED_NAME, OfflineReset.nameProblem("CORP\\alice"));
        assertFalse(NameProblem.QUALIFIED_NAME.hint().isEmpty());
        assertEquals(1, OfflineReset.protocolVersion());
        assertEquals(2, OfflineReset.version().chars().filter(c -> c == '.').count());
    }
}

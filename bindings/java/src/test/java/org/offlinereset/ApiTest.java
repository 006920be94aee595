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
import java.util.HashMap;
import java.util.Map;
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
    /** A code sealed at NOW is issued at the whole minute. */
    static final long ISSUED = NOW - NOW % 60;
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
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), Fixtures.account(username, domain), password, NOW);
        assertEquals(Native.RESET_CODE_TEXT_LEN, code.text().length());
        ResetCode typed = ResetCode.parse(code.text().toLowerCase());
        assertEquals(code, typed);
        AcceptedReset a = MACHINE.openResetCodeForDiagnostics(typed, Fixtures.account(username.toUpperCase(), domain.toLowerCase()),
                password.getBytes(StandardCharsets.UTF_8), NOW + 60);
        assertTrue(a.issuedAt() <= NOW && NOW < a.expiresAt());
        assertEquals(a, MACHINE.openResetCodeForDiagnostics(code, Fixtures.account(username, domain), password.toCharArray(), NOW + 60));
        expect(Status.REJECTED, () -> MACHINE.openResetCodeForDiagnostics(code, Fixtures.account(username, domain), password + "x", NOW + 60));
    }

    @Test
    void callerPasswordBuffersAreTheCallers() {
        byte[] pw = "Grüße".getBytes(StandardCharsets.UTF_8);
        char[] chars = "Grüße".toCharArray();
        Account bob = Fixtures.account("bob", "CORP");
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), bob, pw, NOW);
        assertArrayEquals("Grüße".getBytes(StandardCharsets.UTF_8), pw, "the caller wipes its own buffer");
        MACHINE.openResetCodeForDiagnostics(code, bob, chars, NOW);
        assertArrayEquals("Grüße".toCharArray(), chars);
        Arrays.fill(chars, '\0');
        expect(Status.REJECTED, () -> MACHINE.openResetCodeForDiagnostics(code, bob, chars, NOW)); // the wiped array is another password
    }

    @Test
    void everyStatusIsItsException() {
        String idText = MACHINE.identificationCode().text();
        String bad = idText.substring(0, idText.length() - 1) + (idText.endsWith("0") ? "1" : "0");
        assertEquals(8, expect(Status.MISTYPED, () -> IdentificationCode.parse(bad)).group());
        expect(Status.MALFORMED_INPUT, () -> ResetCode.parse("12345"));
        expect(Status.INVALID_USERNAME, () -> Fixtures.account("", "CORP"));
        expect(Status.INVALID_DOMAIN, () -> Fixtures.account("a", "X/Y"));
        IdentificationCode id = MACHINE.identificationCode();
        Account ab = Fixtures.account("a", "B");
        expect(Status.INVALID_PASSWORD, () -> RING.sealResetCode(id, ab, "", NOW));
        expect(Status.TIME_OUT_OF_RANGE, () -> RING.sealResetCode(id, ab, "p", 0));
        expect(Status.INVALID_POLICY, () -> ServerKeyRing.generate(new Policy(0, 0), PasswordCost.MINIMUM));
        ResetCode code = RING.sealResetCode(id, ab, "p", NOW);
        expect(Status.EXPIRED, () -> MACHINE.openResetCodeForDiagnostics(code, ab, "p", NOW + 10 * 86400));
        expect(Status.NOT_YET_VALID, () -> MACHINE.openResetCodeForDiagnostics(code, ab, "p", NOW - 3600));
        expect(Status.REJECTED, () -> MACHINE.openResetCodeForDiagnostics(code, Fixtures.account("a", "C"), "p", NOW));
        expect(Status.WRONG_KIND, () -> Machine.fromBytes(RING.exportPlain(), null));
        expect(Status.WRAPPING_MISMATCH, () -> Machine.fromBytes(MACHINE.export(OfflineReset.generateWrappingKey()), null));
        expect(Status.WRONG_WRAPPING_KEY, () -> Machine.fromBytes(MACHINE.export(OfflineReset.generateWrappingKey()),
                OfflineReset.generateWrappingKey()));
        expect(Status.INVALID_KEY_MATERIAL, () -> MACHINE.export("short".getBytes(StandardCharsets.US_ASCII)));
        try (ReplayLedger empty = new ReplayLedger(MACHINE)) {
            byte[] blob = empty.exportPlain();
            expect(Status.TRUNCATED, () -> ReplayLedger.fromBytes(Arrays.copyOf(blob, blob.length - 1), null, MACHINE, 0));
        }
        byte[] state = MACHINE.exportPlain();
        state[30] ^= 1;
        expect(Status.CORRUPTED, () -> Machine.fromBytes(state, null));
        expect(Status.UTF16_TEXT, () -> OfflineReset.checkDeploymentPackage(RING.deploymentPackage().getBytes(StandardCharsets.UTF_16)));
        expect(Status.INVALID_UTF8, () -> Fixtures.account("\ud800", "CORP"));
        expect(Status.INVALID_UTF8, () -> RING.sealResetCode(id, ab, new char[] {'a', '\udc00'}, NOW));
        expect(Status.INVALID_UTF8, () -> MACHINE.openResetCodeForDiagnostics(code, ab, new byte[] {(byte) 0xff}, NOW));
        expect(Status.INVALID_LENGTH, () -> OfflineReset.nameProblem("a".repeat(70000)));
        // Rotation: on the server, and on the machine in both directions.
        try (ServerKeyRing rotated = ServerKeyRing.fromBytes(RING.exportPlain(), null)) {
            assertEquals(RING.currentEpoch() + 1, rotated.rotate(NOW));
            OfflineResetException e = expect(Status.KEY_ROTATED, () -> rotated.sealResetCode(id, ab, "p", NOW + 1));
            assertEquals(RING.currentEpoch(), e.codeEpoch());
            assertEquals(rotated.currentEpoch(), e.currentEpoch());
            try (Machine newer = Machine.enroll(rotated.deploymentPackage())) {
                e = expect(Status.CODE_BEFORE_ROTATION, () -> newer.openResetCodeForDiagnostics(code, ab, "p", NOW));
                assertEquals(1, e.codeEpoch());
                assertEquals(2, e.currentEpoch());
                ResetCode newerCode = rotated.sealResetCode(newer.identificationCode(), ab, "p", NOW);
                e = expect(Status.REDEPLOY_NEEDED, () -> MACHINE.openResetCodeForDiagnostics(newerCode, ab, "p", NOW));
                assertEquals(2, e.codeEpoch());
                assertEquals(1, e.currentEpoch());
            }
        }
        try (ReplayLedger ledger = new ReplayLedger(MACHINE)) {
            ResetCode later = RING.sealResetCode(id, ab, "p", NOW + 120);
            MACHINE.redeemResetCode(ledger, later, ab, "p", NOW + 120);
            expect(Status.ALREADY_USED, () -> MACHINE.redeemResetCode(ledger, later, ab, "p", NOW + 120));
            expect(Status.SUPERSEDED, () -> MACHINE.redeemResetCode(ledger, code, ab, "p", NOW + 120));
            assertEquals(1, ledger.accountCount());
            assertEquals(3, ledger.generation());
            byte[] key = OfflineReset.generateWrappingKey();
            try (ReplayLedger back = ReplayLedger.fromBytes(ledger.export(key), key, MACHINE, 3)) {
                assertEquals(1, back.accountCount());
                assertEquals(3, back.generation());
                expect(Status.ALREADY_USED, () -> MACHINE.redeemResetCode(back, later, ab, "p", NOW + 120));
            }
            expect(Status.LEDGER_ROLLED_BACK, () -> ReplayLedger.fromBytes(ledger.export(key), key, MACHINE, 4));
            expect(Status.CLOCK_SET_BACK, () -> MACHINE.redeemResetCode(ledger, later, ab, "p", NOW + 120 - 601));
            assertEquals(3, ledger.generation(), "a clock set back changes nothing");
            try (ServerKeyRing other = ServerKeyRing.generate(Policy.DEFAULT, PasswordCost.MINIMUM);
                    Machine otherMachine = Machine.enroll(other.deploymentPackage())) {
                expect(Status.LEDGER_OF_ANOTHER_MACHINE, () -> otherMachine.redeemResetCode(ledger, later, ab, "p", NOW + 120));
                expect(Status.LEDGER_OF_ANOTHER_MACHINE, () -> ReplayLedger.fromBytes(ledger.exportPlain(), null, otherMachine, 0));
                expect(Status.PACKAGE_SIGNATURE_INVALID, () -> MACHINE.redeploy(other.deploymentPackage()));
            }
            assertEquals(3, ledger.generation(), "another machine's redeem changes nothing");
        }
        expect(Status.INVALID_SID, () -> new Account("a", "B", new byte[11]));
        byte[] tooManySubAuthorities = Arrays.copyOf(Fixtures.SID, 8 + 4 * 16);
        tooManySubAuthorities[1] = 16;
        expect(Status.INVALID_SID, () -> Account.check("a", "B", tooManySubAuthorities));
        byte[] revision2 = Fixtures.SID.clone();
        revision2[0] = 2;
        expect(Status.INVALID_SID, () -> new Account("a", "B", revision2));
        byte[] countMismatch = Fixtures.SID.clone();
        countMismatch[1] = 4;
        expect(Status.INVALID_SID, () -> new Account("a", "B", countMismatch));
        try (ServerKeyRing limited = ServerKeyRing.fromBytes(RING.exportPlain(), null)) {
            limited.setAttemptLimits(new AttemptLimits(1, 1000));
            try (Machine m = MACHINE.redeploy(limited.deploymentPackage()); ReplayLedger l = new ReplayLedger(m)) {
                assertEquals(MACHINE.identificationCode(), m.identificationCode(), "same epoch: same identification code");
                expect(Status.REJECTED, () -> m.redeemResetCode(l, code, ab, "wrong", NOW));
                expect(Status.TOO_MANY_ATTEMPTS, () -> m.redeemResetCode(l, code, ab, "p", NOW));
                assertEquals(2, l.generation());
            }
            limited.rotate(NOW);
            try (Machine m = MACHINE.redeploy(limited.deploymentPackage())) {
                assertEquals(2, m.epoch());
                assertNotEquals(MACHINE.identificationCode(), m.identificationCode(), "a newer epoch: a new identification code");
                expect(Status.PACKAGE_EPOCH_TOO_OLD, () -> m.redeploy(RING.deploymentPackage()));
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
        // Each known status has its own message, and none is the message of an unknown number.
        Map<String, Status> byMessage = new HashMap<>();
        String unknownMessage = OfflineReset.statusMessage(4242);
        for (Status s : Status.values()) {
            if (s == Status.UNKNOWN) continue;
            String message = OfflineReset.statusMessage(s.number());
            assertNotEquals(unknownMessage, message, s + " has the unknown-number message");
            Status other = byMessage.put(message, s);
            assertTrue(other == null, s + " and " + other + " share the message \"" + message + "\"");
        }
        for (int n : new int[] {43, 99, 106, 65535, -1}) assertEquals(unknownMessage, OfflineReset.statusMessage(n), "status " + n);
        OfflineResetException unknown = OfflineReset.error(4242, null);
        assertEquals(Status.UNKNOWN, unknown.status());
        assertEquals(4242, unknown.statusNumber());
        assertTrue(SEEN.size() >= 31, "statuses provoked through the API: " + SEEN);
    }

    @Test
    void closeTwiceAndUseAfterClose() {
        ServerKeyRing r = ServerKeyRing.fromBytes(RING.exportPlain(), null);
        try (r) {
            assertArrayEquals(RING.epochs(), r.epochs());
        }
        assertTrue(r.isClosed());
        r.close(); // twice is fine
        assertThrows(IllegalStateException.class, r::currentEpoch);
        assertThrows(IllegalStateException.class, () -> r.sealResetCode(MACHINE.identificationCode(), Fixtures.account("a", "B"), "p", NOW));
        assertThrows(IllegalStateException.class, () -> r.rotate(NOW));
        assertThrows(IllegalStateException.class, () -> r.exportPlain());
        Machine m = Machine.fromBytes(MACHINE.exportPlain(), null);
        m.close();
        m.close();
        assertThrows(IllegalStateException.class, m::identificationCode);
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), Fixtures.account("a", "B"), "p", NOW);
        ReplayLedger ledger = new ReplayLedger(MACHINE);
        ledger.close();
        ledger.close();
        assertThrows(IllegalStateException.class, ledger::generation);
        assertThrows(IllegalStateException.class, () -> MACHINE.redeemResetCode(ledger, code, Fixtures.account("a", "B"), "p", NOW));
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
    void redeemCountsAttemptsBeforeAnswering() {
        try (ServerKeyRing r = ServerKeyRing.fromBytes(RING.exportPlain(), null)) {
            r.setAttemptLimits(new AttemptLimits(2, 3));
            assertEquals(new AttemptLimits(2, 3), r.attemptLimits());
            expect(Status.INVALID_POLICY, () -> r.setAttemptLimits(new AttemptLimits(0, 5)));
            expect(Status.INVALID_POLICY, () -> r.setAttemptLimits(new AttemptLimits(5, 1001)));
            expect(Status.INVALID_POLICY, () -> r.setAttemptLimits(new AttemptLimits(65536 + 5, 20))); // not truncated to 5
            assertEquals(new AttemptLimits(2, 3), r.attemptLimits(), "a refused setting changes nothing");
            try (Machine m = Machine.enroll(r.deploymentPackage()); ReplayLedger l = new ReplayLedger(m)) {
                Account carol = new Account("carol", "CORP", Fixtures.sid(1105));
                ResetCode first = r.sealResetCode(m.identificationCode(), carol, "right", NOW);
                assertEquals(0, l.generation());
                expect(Status.REJECTED, () -> m.redeemResetCode(l, first, carol, "wrong", NOW));
                assertEquals(1, l.generation(), "a failed redeem changes the ledger");
                assertEquals(1, l.accountCount());
                assertEquals(1, l.codeCount());
                byte[] afterOneFailure = l.exportPlain();
                expect(Status.REJECTED, () -> m.redeemResetCode(l, first, carol, "wrong", NOW));
                expect(Status.TOO_MANY_ATTEMPTS, () -> m.redeemResetCode(l, first, carol, "right", NOW));
                assertEquals(3, l.generation());
                // The diagnostics open counts nothing: the code still opens there, and the ledger is as it was.
                assertEquals(ISSUED, m.openResetCodeForDiagnostics(first, carol, "right", NOW).issuedAt());
                assertEquals(3, l.generation());
                // The older copy (one failure) still accepts the right password: why every answer is persisted.
                try (ReplayLedger old = ReplayLedger.fromBytes(afterOneFailure, null, m, 1)) {
                    assertEquals(ISSUED, m.redeemResetCode(old, first, carol, "right", NOW).issuedAt());
                    assertEquals(1, old.accountCount());
                    assertEquals(0, old.codeCount(), "an accepted code's failure record is removed");
                }
                // The per-account limit (3) counts across codes: one more failure with a new code.
                ResetCode second = r.sealResetCode(m.identificationCode(), carol, "right", NOW + 60);
                expect(Status.REJECTED, () -> m.redeemResetCode(l, second, carol, "wrong", NOW + 60));
                expect(Status.TOO_MANY_ATTEMPTS, () -> m.redeemResetCode(l, second, carol, "right", NOW + 60));
                // Another account is not limited by carol's failures; a SID is part of the account.
                Account dave = new Account("dave", "CORP", Fixtures.sid(1106));
                ResetCode daves = r.sealResetCode(m.identificationCode(), dave, "right", NOW);
                expect(Status.REJECTED, () -> m.redeemResetCode(l, daves, new Account("dave", "CORP", Fixtures.sid(1107)), "right",
                        NOW));
                AcceptedReset a = m.redeemResetCode(l, daves, dave, "right".toCharArray(), NOW + 1);
                assertEquals(ISSUED, a.issuedAt());
                expect(Status.ALREADY_USED, () -> m.redeemResetCode(l, daves, dave, "right", NOW + 2));
                assertEquals(3, l.accountCount(), "carol, dave, and the failed attempt for dave's names with another SID");
            }
        }
    }

    @Test
    void redeployAndSigningKeyRotation() {
        try (ServerKeyRing r = ServerKeyRing.fromBytes(RING.exportPlain(), null); Machine m1 = Machine.enroll(r.deploymentPackage())) {
            String pkg1 = r.deploymentPackage();
            assertEquals(OfflineReset.DEPLOYMENT_PACKAGE_TEXT_LEN, pkg1.length());
            String f1 = r.deploymentPackageFingerprint();
            assertTrue(f1.matches("[0-9a-f]{" + OfflineReset.PACKAGE_FINGERPRINT_LEN + "}"), f1);
            assertEquals(f1, OfflineReset.deploymentPackageFingerprint(pkg1.getBytes(StandardCharsets.US_ASCII)));
            assertEquals(f1, OfflineReset.deploymentPackageFingerprint(pkg1.toLowerCase()), "the text as typed reads the same");
            expect(Status.UTF16_TEXT, () -> OfflineReset.deploymentPackageFingerprint(pkg1.getBytes(StandardCharsets.UTF_16LE)));
            // A damaged package fails as its check does.
            for (String bad : new String[] {pkg1.substring(1), pkg1.substring(0, 100) + (pkg1.charAt(100) == '2' ? '3' : '2')
                    + pkg1.substring(101), pkg1 + "0"}) {
                Status s = assertThrows(OfflineResetException.class, () -> OfflineReset.checkDeploymentPackage(bad)).status();
                expect(s, () -> OfflineReset.deploymentPackageFingerprint(bad));
            }
            try (Machine again = m1.redeploy(pkg1)) {
                assertEquals(m1.identificationCode(), again.identificationCode());
            }
            r.beginSigningKeyRotation();
            String pkg2 = r.deploymentPackage();
            assertNotEquals(f1, OfflineReset.deploymentPackageFingerprint(pkg2), "the package names the next signing key");
            try (Machine m2 = m1.redeploy(pkg2)) {
                assertEquals(m1.identificationCode(), m2.identificationCode());
                assertFalse(m1.isClosed(), "redeploy leaves the machine it was called on");
                r.finishSigningKeyRotation();
                String pkg3 = r.deploymentPackage();
                expect(Status.PACKAGE_SIGNATURE_INVALID, () -> m1.redeploy(pkg3)); // still pins the old key
                try (Machine m3 = m2.redeploy(pkg3); ReplayLedger l = new ReplayLedger(m3)) {
                    assertEquals(1, m3.epoch());
                    assertEquals(2, r.rotate(NOW));
                    try (Machine m4 = m3.redeploy(r.deploymentPackage())) {
                        assertEquals(2, m4.epoch());
                        assertNotEquals(m3.identificationCode(), m4.identificationCode());
                        expect(Status.PACKAGE_EPOCH_TOO_OLD, () -> m4.redeploy(pkg3));
                        expect(Status.LEDGER_OF_ANOTHER_MACHINE, () -> ReplayLedger.fromBytes(l.exportPlain(), null, m4, 0));
                        Account a = Fixtures.account("alice", "CORP");
                        ResetCode code = r.sealResetCode(m4.identificationCode(), a, "pw", NOW);
                        try (ReplayLedger l4 = new ReplayLedger(m4)) {
                            assertEquals(ISSUED, m4.redeemResetCode(l4, code, a, "pw", NOW).issuedAt());
                        }
                    }
                }
            }
        }
    }

    @Test
    void accountsCarryTheSid() {
        byte[] sid = Fixtures.sid(1001);
        Account a = new Account("alice", "CORP", sid);
        sid[27] ^= 1;
        assertArrayEquals(Fixtures.sid(1001), a.sid(), "the SID was copied in");
        a.sid()[0] = 9;
        assertArrayEquals(Fixtures.sid(1001), a.sid(), "and is copied out");
        assertEquals("S-1-5-21-1004336348-1177238915-682003330-1001", a.sidString());
        assertEquals(new Account("ALICE", "corp", Fixtures.sid(1001)), a);
        assertEquals(new Account.Names("ALICE", "CORP"), Account.normalizeNames("alice", "corp"));
        expect(Status.INVALID_USERNAME, () -> Account.normalizeNames("", "CORP"));
        assertNotEquals(new Account("alice", "CORP", Fixtures.sid(1002)), a);
        assertTrue(a.toString().contains(a.sidString()), a.toString());
        assertThrows(NullPointerException.class, () -> new Account("alice", "CORP", null));
        assertThrows(NullPointerException.class, () -> Account.check("alice", "CORP", null));
        Account.check("alice", "CORP", Fixtures.sid(1001));
        byte[] smallest = Arrays.copyOf(Fixtures.sid(1), OfflineReset.MIN_SID_LEN);
        smallest[1] = 1;
        assertEquals("S-1-5-21", new Account("a", "B", smallest).sidString());
        byte[] largest = new byte[OfflineReset.MAX_SID_LEN];
        largest[0] = 1;
        largest[1] = 15;
        largest[7] = 5;
        new Account("a", "B", largest);
        expect(Status.INVALID_SID, () -> new Account("a", "B", new byte[0]));
        expect(Status.INVALID_SID, () -> new Account("a", "B", Arrays.copyOf(largest, OfflineReset.MAX_SID_LEN + 4)));
        // A code sealed for one SID does not open for the same names with another.
        ResetCode code = RING.sealResetCode(MACHINE.identificationCode(), a, "pw", NOW);
        assertEquals(ISSUED, MACHINE.openResetCodeForDiagnostics(code, new Account("alice", "CORP", Fixtures.sid(1001)), "pw", NOW)
                .issuedAt());
        expect(Status.REJECTED, () -> MACHINE.openResetCodeForDiagnostics(code, new Account("alice", "CORP", Fixtures.sid(1002)),
                "pw", NOW));
    }

    @Test
    void names() {
        assertEquals("CORP", OfflineReset.defaultOfflineDomain("corp.example.com"));
        assertEquals(Fixtures.account("ALICE", "corp"), Account.withFqdn("alice", "corp.example.com", Fixtures.SID));
        assertNotEquals(Fixtures.account("alice", "CORP"), Fixtures.account("bob", "CORP"));
        assertEquals(NameProblem.QUALIFIED_NAME, OfflineReset.nameProblem("CORP\\alice"));
        assertFalse(NameProblem.QUALIFIED_NAME.hint().isEmpty());
        assertEquals(1, OfflineReset.protocolVersion());
        assertEquals(2, OfflineReset.version().chars().filter(c -> c == '.').count());
    }
}

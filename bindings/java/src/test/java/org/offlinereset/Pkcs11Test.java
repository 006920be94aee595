package org.offlinereset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Server keys in a PKCS#11 token (ABI 2.1). Without {@code OLR_TEST_PKCS11_MODULE} the library is
 * the default build: the three PKCS#11 calls throw PKCS11_NOT_BUILT. With {@code
 * OLR_TEST_PKCS11_MODULE} (the module's path), {@code OLR_TEST_PKCS11_TOKEN} (the token's label),
 * {@code OLR_TEST_PKCS11_PIN} and {@code OLR_TEST_PKCS11_SPARE_TOKEN} (a token no handle opens, for
 * the wrong PIN) set, the library was built with {@code OLR_CARGO_FEATURES=pkcs11} and the rings
 * are made in that token under label prefixes new to each run ("java-" and random hex); the test
 * destroys nothing in the token.
 */
class Pkcs11Test {
    static final String MODULE = System.getenv("OLR_TEST_PKCS11_MODULE");
    static final String TOKEN = System.getenv("OLR_TEST_PKCS11_TOKEN");
    static final String PIN = System.getenv("OLR_TEST_PKCS11_PIN");
    static final String SPARE = System.getenv("OLR_TEST_PKCS11_SPARE_TOKEN");
    static final long NOW = Fixtures.NOW;
    static final Account ALICE = Fixtures.account("alice", "CORP");
    static final String PASSWORD = "Winter-Tulip-42";
    private static final SecureRandom RANDOM = new SecureRandom();

    static String prefix() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return "java-" + HexFormat.of().formatHex(b);
    }

    static OfflineResetException expect(Status status, Executable call) {
        OfflineResetException e = assertThrows(OfflineResetException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(status.number(), e.statusNumber());
        assertEquals(OfflineReset.statusMessage(status.number()), e.libraryMessage());
        return e;
    }

    @Test
    void placeHidesThePinAndASoftwareRingIsNotInAToken() {
        byte[] pin = "s3cret-PIN".getBytes(StandardCharsets.UTF_8);
        Pkcs11TokenPlace place = new Pkcs11TokenPlace("/usr/lib/softhsm/libsofthsm2.so", "olr", pin, "java-x");
        String text = place.toString();
        assertTrue(!text.contains("s3cret") && text.contains("java-x") && text.contains("libsofthsm2") && text.contains("olr"), text);
        assertEquals("java-y", place.withKeyLabelPrefix("java-y").keyLabelPrefix());
        assertTrue(!place.withKeyLabelPrefix("java-y").toString().contains("s3cret"));
        assertThrows(NullPointerException.class, () -> new Pkcs11TokenPlace("/m.so", "t", null, "p"));
        assertThrows(NullPointerException.class, () -> new Pkcs11TokenPlace(null, "t", pin, "p"));
        assertFalse(Fixtures.RING.isHeldInToken());
        assertTrue(Fixtures.RING.exportPlain().length > 0, "software rings export as before");
        assertFalse(Fixtures.RING.toString().contains("token"), Fixtures.RING.toString());
    }

    @Test
    void defaultBuildHasNoPkcs11() {
        assumeTrue(MODULE == null || MODULE.isEmpty(), "OLR_TEST_PKCS11_MODULE is set: a pkcs11 build");
        byte[] pin = "1234".getBytes(StandardCharsets.UTF_8);
        Pkcs11TokenPlace place = new Pkcs11TokenPlace("/usr/lib/softhsm/libsofthsm2.so", "olr", pin, prefix());
        OfflineResetException e = expect(Status.PKCS11_NOT_BUILT,
                () -> ServerKeyRing.generatePkcs11(place, Policy.DEFAULT, PasswordCost.MINIMUM));
        assertEquals(35, e.statusNumber());
        expect(Status.PKCS11_NOT_BUILT, () -> ServerKeyRing.generatePkcs11(place));
        expect(Status.PKCS11_NOT_BUILT, () -> ServerKeyRing.openPkcs11(place));
        expect(Status.PKCS11_NOT_BUILT, () -> Fixtures.RING.copyToPkcs11(place));
        assertArrayEquals("1234".getBytes(StandardCharsets.UTF_8), pin, "the caller's PIN array is the caller's");
        // The arguments are checked first: a bad policy is INVALID_POLICY; an empty PIN is an empty input, not NULL.
        expect(Status.INVALID_POLICY, () -> ServerKeyRing.generatePkcs11(place, new Policy(0, 0), PasswordCost.MINIMUM));
        expect(Status.INVALID_POLICY, () -> ServerKeyRing.generatePkcs11(place, new Policy(70000, 5), PasswordCost.MINIMUM));
        expect(Status.PKCS11_NOT_BUILT, () -> ServerKeyRing.openPkcs11(new Pkcs11TokenPlace(place.modulePath(),
                place.tokenLabel(), new byte[0], place.keyLabelPrefix())));
    }

    @Test
    void ringsInAToken() {
        assumeTrue(MODULE != null && !MODULE.isEmpty() && TOKEN != null && PIN != null && SPARE != null,
                "OLR_TEST_PKCS11_MODULE, _TOKEN, _PIN and _SPARE_TOKEN name tokens to test against");
        byte[] pin = PIN.getBytes(StandardCharsets.UTF_8);
        Pkcs11TokenPlace place = new Pkcs11TokenPlace(MODULE, TOKEN, pin, prefix());
        PasswordCost cost = PasswordCost.MINIMUM;

        // (a) A ring generated in the token: its keys do not leave it.
        try (ServerKeyRing ring = ServerKeyRing.generatePkcs11(place, Policy.DEFAULT, cost)) {
            assertTrue(ring.isHeldInToken());
            assertArrayEquals(new int[] {1}, ring.epochs());
            assertEquals(cost, ring.passwordCost());
            assertEquals(Policy.DEFAULT, ring.policy());
            assertTrue(ring.toString().contains("PKCS#11"), ring.toString());
            expect(Status.KEYS_IN_TOKEN, () -> ring.exportPlain());
            expect(Status.KEYS_IN_TOKEN, () -> ring.export(OfflineReset.generateWrappingKey()));
            expect(Status.KEYS_IN_TOKEN, () -> ring.copyToPkcs11(place.withKeyLabelPrefix(prefix())));

            // (b) A machine enrolled from its package redeems a code it sealed.
            IdentificationCode id;
            ResetCode code;
            try (Machine machine = Machine.enroll(ring.deploymentPackage()); ReplayLedger ledger = new ReplayLedger(machine)) {
                id = machine.identificationCode();
                code = ring.sealResetCode(id, ALICE, PASSWORD, NOW);
                AcceptedReset a = machine.redeemResetCode(ledger, code, ALICE, PASSWORD, NOW + 60);
                assertTrue(a.issuedAt() <= NOW && NOW < a.expiresAt(), a.toString());
            }

            // (c) The same ring opened again seals the same code (token signatures are randomized: the
            // package is the same one, signed anew).
            try (ServerKeyRing again = ServerKeyRing.openPkcs11(place)) {
                assertTrue(again.isHeldInToken());
                assertArrayEquals(new int[] {1}, again.epochs());
                assertEquals(OfflineReset.checkDeploymentPackage(ring.deploymentPackage()),
                        OfflineReset.checkDeploymentPackage(again.deploymentPackage()));
                assertEquals(code, again.sealResetCode(id, ALICE, PASSWORD.getBytes(StandardCharsets.UTF_8), NOW));
                assertEquals(code.text(), again.sealResetCode(id, ALICE, PASSWORD.toCharArray(), NOW).text());
            }

            // (d) The token's statuses; the PIN is in no exception text.
            expect(Status.TOKEN_RING_EXISTS, () -> ServerKeyRing.generatePkcs11(place, Policy.DEFAULT, cost));
            expect(Status.TOKEN_KEY_MISSING, () -> ServerKeyRing.openPkcs11(place.withKeyLabelPrefix(prefix())));
            // A wrong PIN is refused at a process's login to a token: checked on the spare token, which
            // no handle of this process has open (an open one shares its login, unchecked).
            String wrong = "wrong-" + prefix();
            OfflineResetException e = expect(Status.TOKEN_WRONG_PIN, () -> ServerKeyRing.openPkcs11(
                    new Pkcs11TokenPlace(MODULE, SPARE, wrong.getBytes(StandardCharsets.UTF_8), place.keyLabelPrefix())));
            for (String text : new String[] {e.getMessage(), e.toString(), e.libraryMessage()}) {
                assertTrue(!text.contains(wrong) && !text.contains(PIN), text);
            }
            expect(Status.TOKEN_MODULE_NOT_FOUND, () -> ServerKeyRing.openPkcs11(
                    new Pkcs11TokenPlace("/nonexistent/libnone.so", TOKEN, pin, place.keyLabelPrefix())));
            expect(Status.TOKEN_ABSENT, () -> ServerKeyRing.openPkcs11(
                    new Pkcs11TokenPlace(MODULE, "no-such-token", pin, place.keyLabelPrefix())));
            expect(Status.MALFORMED_INPUT, () -> ServerKeyRing.openPkcs11(place.withKeyLabelPrefix("")));

            // (e) Rotation is written to the token: codes for the old identification code are refused.
            assertEquals(2, ring.rotate(NOW));
            e = expect(Status.KEY_ROTATED, () -> ring.sealResetCode(id, ALICE, PASSWORD, NOW + 1));
            assertEquals(1, e.codeEpoch());
            assertEquals(2, e.currentEpoch());
            try (ServerKeyRing reopened = ServerKeyRing.openPkcs11(place)) {
                assertEquals(2, reopened.currentEpoch(), "the rotation is in the token");
            }
        }

        // (f) A software ring copied into the token seals exactly the codes it seals.
        try (ServerKeyRing software = ServerKeyRing.generate(Policy.DEFAULT, cost)) {
            IdentificationCode id;
            try (Machine machine = Machine.enroll(software.deploymentPackage())) {
                id = machine.identificationCode();
            }
            ResetCode expected = software.sealResetCode(id, ALICE, PASSWORD, NOW);
            try (ServerKeyRing copy = software.copyToPkcs11(place.withKeyLabelPrefix(prefix()))) {
                assertTrue(copy.isHeldInToken());
                assertFalse(software.isHeldInToken());
                assertEquals(OfflineReset.checkDeploymentPackage(software.deploymentPackage()),
                        OfflineReset.checkDeploymentPackage(copy.deploymentPackage()));
                assertEquals(expected, copy.sealResetCode(id, ALICE, PASSWORD, NOW));
            }
            assertTrue(software.exportPlain().length > 0, "the original is unchanged and still exports");
        }
        assertArrayEquals(PIN.getBytes(StandardCharsets.UTF_8), pin, "the caller's PIN array is the caller's");
    }
}

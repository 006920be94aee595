package org.offlinereset;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Shared objects for the tests: one ring and one machine at the minimum password cost. */
final class Fixtures {
    static final long NOW = 1_795_000_000L;
    static final ServerKeyRing RING = ServerKeyRing.generate(Policy.DEFAULT, PasswordCost.MINIMUM);
    static final Machine MACHINE = Machine.enroll(RING.deploymentPackage());

    /** The repository root: -Doffline.reset.repo, else two levels above the working directory (bindings/java). */
    static Path repo() {
        String p = System.getProperty("offline.reset.repo");
        return p != null ? Paths.get(p) : Paths.get("../..").toAbsolutePath().normalize();
    }

    /** The binary SID S-1-5-21-1004336348-1177238915-682003330-{rid} (28 bytes). */
    static byte[] sid(int rid) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(28).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) 5).put(new byte[] {0, 0, 0, 0, 0, 5});
        for (int sub : new int[] {21, 1004336348, 1177238915, 682003330, rid}) b.putInt(sub);
        return b.array();
    }

    static final byte[] SID = sid(1001);

    /** An account with {@link #SID}. */
    static Account account(String username, String domain) {
        return new Account(username, domain, SID);
    }

    static byte[] unhex(String hex) {
        if (hex == null) return null;
        byte[] out = new byte[hex.length() / 2];
        for (int k = 0; k < out.length; k++) out[k] = (byte) Integer.parseInt(hex.substring(2 * k, 2 * k + 2), 16);
        return out;
    }

    private Fixtures() {}
}

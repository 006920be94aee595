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

    static byte[] unhex(String hex) {
        if (hex == null) return null;
        byte[] out = new byte[hex.length() / 2];
        for (int k = 0; k < out.length; k++) out[k] = (byte) Integer.parseInt(hex.substring(2 * k, 2 * k + 2), 16);
        return out;
    }

    private Fixtures() {}
}

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.offlinereset.AcceptedReset;
import org.offlinereset.Account;
import org.offlinereset.IdentificationCode;
import org.offlinereset.Machine;
import org.offlinereset.OfflineReset;
import org.offlinereset.OfflineResetException;
import org.offlinereset.PasswordCost;
import org.offlinereset.Policy;
import org.offlinereset.ReplayLedger;
import org.offlinereset.ResetCode;
import org.offlinereset.ServerKeyRing;
import org.offlinereset.Status;

/**
 * A help-desk reset server: the key ring is stored wrapped on disk; a technician types the
 * identification code the locked-out machine shows, the user's account and a new password, and
 * reads the reset code back to the user. The machine side runs here too, to show the code opens.
 * Usage: java -cp offline-reset.jar:jna.jar ResetServer.java <state directory>
 */
public class ResetServer {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "reset-server-state");
        Files.createDirectories(dir);
        Path keyFile = dir.resolve("ring.key"), ringFile = dir.resolve("ring.olr");
        long now = 1_795_000_000L; // a server uses System.currentTimeMillis() / 1000

        // First start: a wrapping key (keep it in a secret store, not beside the ring) and the ring.
        if (!Files.exists(ringFile)) {
            byte[] key = OfflineReset.generateWrappingKey();
            try (ServerKeyRing ring = ServerKeyRing.generate(Policy.DEFAULT, PasswordCost.MINIMUM)) {
                Files.write(keyFile, key);
                Files.write(ringFile, ring.export(key));
                Files.writeString(dir.resolve("deployment-package.txt"), ring.deploymentPackage());
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }

        // A machine enrolled with the deployment package shows its identification code.
        try (Machine machine = Machine.enroll(Files.readString(dir.resolve("deployment-package.txt")))) {
            String typedId = machine.identificationCode().text().toLowerCase().replace('0', 'o'); // as a person types it

            // The help desk: load the wrapped ring, check what was typed, seal.
            byte[] key = Files.readAllBytes(keyFile);
            char[] newPassword = "Winter-Tulip-42".toCharArray();
            try (ServerKeyRing ring = ServerKeyRing.fromBytes(Files.readAllBytes(ringFile), key)) {
                IdentificationCode id;
                try {
                    id = IdentificationCode.parse(typedId);
                } catch (OfflineResetException e) {
                    if (e.status() == Status.MISTYPED) System.out.println("retype group " + e.group());
                    throw e;
                }
                Account account = new Account("alice", "CORP");
                ResetCode code = ring.sealResetCode(id, account, newPassword, now);
                System.out.println("epoch " + ring.currentEpoch() + ", reset code for " + account.username() + "@"
                        + account.offlineDomain() + ": " + code);

                // A mistyped identification code is caught before sealing, naming the group.
                char[] t = id.text().toCharArray();
                t[3] = t[3] == '7' ? '8' : '7';
                try {
                    IdentificationCode.parse(new String(t));
                } catch (OfflineResetException e) {
                    System.out.println("mistyped: " + e.status() + ", group " + e.group());
                }

                // The machine opens it offline and records it in its replay ledger.
                try (ReplayLedger ledger = new ReplayLedger()) {
                    AcceptedReset ok = machine.redeemResetCode(ledger, ResetCode.parse(code.text()), new Account("ALICE", "corp"),
                            "Winter-Tulip-42".getBytes(StandardCharsets.UTF_8), now + 60);
                    System.out.println("machine accepted: issued " + ok.issuedAt() + ", expires " + ok.expiresAt());
                    try {
                        machine.redeemResetCode(ledger, code, account, "Winter-Tulip-42", now + 120);
                    } catch (OfflineResetException e) {
                        System.out.println("second use: " + e.status());
                    }
                }
                Files.write(ringFile, ring.export(key)); // stored wrapped again (after any rotation)
            } finally {
                Arrays.fill(key, (byte) 0);
                Arrays.fill(newPassword, '\0');
            }
        }
        System.out.println("native library: " + OfflineReset.libraryPath());
    }
}

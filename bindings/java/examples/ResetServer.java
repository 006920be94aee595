import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
        Instant now = Instant.ofEpochSecond(1_795_000_000L); // a server uses Instant.now()

        // First start: a wrapping key (keep it in a secret store, not beside the ring) and the ring.
        if (!Files.exists(ringFile)) {
            byte[] key = OfflineReset.generateWrappingKey();
            try (ServerKeyRing ring = ServerKeyRing.generate(Policy.DEFAULT, PasswordCost.MINIMUM)) {
                Files.write(keyFile, key);
                Files.write(ringFile, ring.export(key));
                Files.writeString(dir.resolve("deployment-package.txt"), ring.deploymentPackage());
                // Whoever deploys compares this with the package's before the first enrollment.
                System.out.println("deployment package fingerprint: " + ring.deploymentPackageFingerprint());
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }

        // The account's objectSid, as the directory returns it (bytes): S-1-5-21-1004336348-1177238915-682003330-1001.
        byte[] sid = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, (byte) 0xdc, (byte) 0xf4, (byte) 0xdc, 0x3b, (byte) 0x83, 0x3d, 0x2b,
            0x46, (byte) 0x82, (byte) 0x8b, (byte) 0xa6, 0x28, (byte) 0xe9, 0x03, 0, 0};

        // A machine enrolled with the deployment package shows its identification code.
        String packageText = Files.readString(dir.resolve("deployment-package.txt"));
        System.out.println("package received, fingerprint: " + OfflineReset.deploymentPackageFingerprint(packageText));
        byte[] machineKey = OfflineReset.generateWrappingKey(); // the machine's own (DPAPI-protected on Windows)
        try (Machine machine = Machine.enroll(packageText)) {
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
                Account account = new Account("alice", "CORP", sid); // canonical names and objectSid from the directory
                ResetCode code = ring.sealResetCode(id, account, newPassword, now);
                // The account as typed (CORP\alice), and as the library compares it (CORP\ALICE).
                System.out.println("epoch " + ring.currentEpoch() + ", reset code for " + account + ": " + code);
                System.out.println("(compared as " + account.toNormalizedString() + ")");

                // A mistyped identification code is caught before sealing, naming the group.
                char[] t = id.text().toCharArray();
                t[3] = t[3] == '7' ? '8' : '7';
                try {
                    IdentificationCode.parse(new String(t));
                } catch (OfflineResetException e) {
                    System.out.println("mistyped: " + e.status() + ", group " + e.group());
                }

                // The machine redeems it offline for the cached account (its names and SID) with its replay
                // ledger, and persists the ledger after every redeem, whatever the answer, before acting on it.
                Path ledgerFile = dir.resolve("ledger.olr");
                Account cached = new Account("ALICE", "corp", sid);
                try (ReplayLedger ledger = new ReplayLedger(machine)) {
                    AcceptedReset ok;
                    try {
                        ok = machine.redeemResetCode(ledger, ResetCode.parse(code.text()), cached,
                                "Winter-Tulip-42".getBytes(StandardCharsets.UTF_8), now.plusSeconds(60));
                    } finally {
                        persist(ledger, ledgerFile, machineKey);
                    }
                    System.out.println("machine accepted: issued " + ok.issuedAtInstant() + ", expires " + ok.expiresAtInstant());
                    long generation = ledger.generation(); // a real integration keeps it where it cannot be rolled back
                    // Next time: read the ledger back for this machine, refusing an older copy.
                    try (ReplayLedger again = ReplayLedger.fromBytes(Files.readAllBytes(ledgerFile), machineKey, machine, generation)) {
                        try {
                            machine.redeemResetCode(again, code, cached, "Winter-Tulip-42", now.plusSeconds(120));
                        } catch (OfflineResetException e) {
                            System.out.println("second use: " + e.status());
                        } finally {
                            persist(again, ledgerFile, machineKey);
                        }
                        System.out.println("ledger: generation " + again.generation() + ", " + again.accountCount() + " account(s)");
                    }
                }
                Files.write(ringFile, ring.export(key)); // stored wrapped again (after any rotation)
            } finally {
                Arrays.fill(key, (byte) 0);
                Arrays.fill(newPassword, '\0');
                Arrays.fill(machineKey, (byte) 0);
            }
        }
        System.out.println("native library: " + OfflineReset.libraryPath());
    }

    /** Writes the ledger wrapped: a temporary file, then replaced (a crash leaves the old or the new one). */
    static void persist(ReplayLedger ledger, Path file, byte[] key) throws java.io.IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, ledger.export(key));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}

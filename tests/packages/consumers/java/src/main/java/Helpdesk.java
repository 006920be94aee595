import org.offlinereset.Account;
import org.offlinereset.IdentificationCode;
import org.offlinereset.Machine;
import org.offlinereset.OfflineResetException;
import org.offlinereset.ReplayLedger;
import org.offlinereset.ResetCode;
import org.offlinereset.ServerKeyRing;
import org.offlinereset.Status;

/**
 * A help-desk session through the installed Java package (org.offlinereset:offline-reset from a
 * Maven repository), as tests/packages/run.sh builds it outside the repository. Prints the same
 * lines as every consumer program (tests/packages/consumers/c/helpdesk.c says what they mean).
 */
public class Helpdesk {
    static final byte[] SID = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x51, 4, 0, 0};
    static final long NOW = 1_795_000_000L;

    static String mistype(String code, int group) {
        String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        char[] t = code.toCharArray();
        int at = (group - 1) * 9 + 3;
        t[at] = alphabet.charAt((alphabet.indexOf(t[at]) + 1) % 32);
        return new String(t);
    }

    public static void main(String[] args) {
        Account alice = new Account("alice", "CORP", SID);
        try (ServerKeyRing ring = ServerKeyRing.generate();
             Machine machine = Machine.enroll(ring.deploymentPackage());
             ReplayLedger ledger = new ReplayLedger(machine)) {
            String id = machine.identificationCode().text();
            try {
                ring.sealResetCode(IdentificationCode.parse(mistype(id, 3)), alice, "Winter-Tulip-42", NOW);
            } catch (OfflineResetException e) {
                System.out.println("mistyped: group " + e.group());
            }
            ResetCode code = ring.sealResetCode(IdentificationCode.parse(id), alice, "Winter-Tulip-42", NOW);
            machine.redeemResetCode(ledger, code, alice, "Winter-Tulip-42", NOW + 60);
            System.out.println("redeemed: OK");
            try {
                machine.redeemResetCode(ledger, code, alice, "Winter-Tulip-42", NOW + 120);
            } catch (OfflineResetException e) {
                System.out.println("replay: " + e.status());
            }
            ring.rotate(NOW + 180);
            try {
                ring.sealResetCode(IdentificationCode.parse(id), alice, "Winter-Tulip-42", NOW + 240);
            } catch (OfflineResetException e) {
                if (e.status() == Status.KEY_ROTATED) {
                    System.out.println("rotation: KEY_ROTATED " + e.codeEpoch() + " " + e.currentEpoch());
                }
            }
        }
        System.out.println("done");
    }
}

import org.offlinereset.Account;
import org.offlinereset.IdentificationCode;
import org.offlinereset.Machine;
import org.offlinereset.PasswordCost;
import org.offlinereset.Policy;
import org.offlinereset.ResetCode;
import org.offlinereset.ServerKeyRing;

/** Per-call cost through the Java binding (docs/PERFORMANCE.md); bindings/python/bench/c_baseline.c times the same calls in C. */
public class Bench {
    public static void main(String[] args) {
        long now = 1_795_000_000L;
        try (ServerKeyRing ring = ServerKeyRing.generate(Policy.DEFAULT, PasswordCost.MINIMUM);
                Machine m = Machine.enroll(ring.deploymentPackage())) {
            String id = m.identificationCode().text();
            for (int i = 0; i < 300_000; i++) IdentificationCode.parse(id); // JIT warm-up
            int n = 1_000_000;
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) IdentificationCode.parse(id);
            System.out.printf("check %.3f us%n", (System.nanoTime() - t) / 1e3 / n);
            Account account = new Account("alice", "CORP", new byte[] {1, 1, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0});
            IdentificationCode ic = IdentificationCode.parse(id);
            int seals = 30;
            ResetCode code = ring.sealResetCode(ic, account, "Winter-Tulip-42", now);
            t = System.nanoTime();
            for (int i = 0; i < seals; i++) code = ring.sealResetCode(ic, account, "Winter-Tulip-42", now);
            System.out.printf("seal %.3f ms%n", (System.nanoTime() - t) / 1e6 / seals);
            t = System.nanoTime();
            for (int i = 0; i < seals; i++) m.openResetCodeForDiagnostics(code, account, "Winter-Tulip-42", now);
            System.out.printf("open %.3f ms%n", (System.nanoTime() - t) / 1e6 / seals);
        }
    }
}

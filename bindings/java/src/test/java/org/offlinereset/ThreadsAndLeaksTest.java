package org.offlinereset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Threads sharing one key ring, close racing with calls, and no leak over 100,000 calls. */
class ThreadsAndLeaksTest {
    static final long NOW = Fixtures.NOW;

    @Test
    void threadsShareARing() throws Exception {
        try (ServerKeyRing ring = ServerKeyRing.fromBytes(Fixtures.RING.exportPlain(), null)) {
            IdentificationCode id = Fixtures.MACHINE.identificationCode();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            Map<Integer, ResetCode> codes = new ConcurrentHashMap<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] threads = new Thread[9];
            for (int n = 0; n < 8; n++) {
                int k = n;
                threads[n] = new Thread(() -> {
                    try {
                        start.await();
                        codes.put(k, ring.sealResetCode(id, new Account("user" + k, "CORP", Fixtures.sid(1000 + k)), "pw" + k, NOW));
                        for (int j = 0; j < 200; j++) {
                            IdentificationCode.parse(id.text());
                            ring.epochs();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
            }
            threads[8] = new Thread(() -> { // a writer: setters wait for the seals (and they for it)
                try {
                    start.await();
                    for (int j = 0; j < 100; j++) ring.setRetiredGraceSeconds(ring.retiredGraceSeconds());
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            for (Thread t : threads) t.start();
            start.countDown();
            for (Thread t : threads) t.join();
            assertTrue(errors.isEmpty(), errors.toString());
            assertEquals(8, codes.size());
            for (Map.Entry<Integer, ResetCode> e : codes.entrySet()) {
                Fixtures.MACHINE.openResetCodeForDiagnostics(e.getValue(), new Account("user" + e.getKey(), "CORP", Fixtures.sid(1000 + e.getKey())), "pw" + e.getKey(), NOW);
            }
        }
    }

    @Test
    void closeRacingWithCallsNeverCrashes() throws Exception {
        for (int round = 0; round < 20; round++) {
            Machine m = Machine.fromBytes(Fixtures.MACHINE.exportPlain(), null);
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            Thread[] readers = new Thread[4];
            for (int n = 0; n < readers.length; n++) {
                readers[n] = new Thread(() -> {
                    for (int j = 0; j < 2000; j++) {
                        try {
                            m.identificationCode();
                        } catch (IllegalStateException closed) {
                            return; // closed under us: the expected outcome
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                });
                readers[n].start();
            }
            m.close();
            for (Thread t : readers) t.join();
            assertTrue(unexpected.isEmpty(), unexpected.toString());
            assertThrows(IllegalStateException.class, m::epoch);
        }
    }

    static long rssKib() throws Exception {
        String statm = new String(Files.readAllBytes(Paths.get("/proc/self/statm")));
        return Long.parseLong(statm.split(" ")[1]) * 4;
    }

    static int calls;

    static void round(int n, String idText, String pkg, byte[] blob) {
        String bad = idText.substring(0, idText.length() - 1) + "X";
        for (int k = 0; k < n; k++) {
            IdentificationCode.parse(idText);
            try {
                IdentificationCode.parse(bad);
            } catch (OfflineResetException expected) {
                // MALFORMED_INPUT or MISTYPED: a failure path with details and a message
            }
            new Account("Jürgen", "CORP", Fixtures.SID);
            calls += 3 + 1 + 1; // + the status message of the failure, + the account's SID check
        }
        for (int k = 0; k < n / 2; k++) {
            try (Machine m = Machine.fromBytes(blob, null)) {
                m.identificationCode();
            }
            new ReplayLedger(Fixtures.MACHINE).close();
            OfflineReset.checkDeploymentPackage(pkg);
            calls += 6;
        }
    }

    @Test
    void noLeakIn100000Calls() throws Exception {
        if (!Files.exists(Paths.get("/proc/self/statm"))) return;
        String idText = Fixtures.MACHINE.identificationCode().text();
        String pkg = Fixtures.RING.deploymentPackage();
        byte[] blob = Fixtures.MACHINE.exportPlain();
        round(20_000, idText, pkg, blob); // warm up: JIT, heap at its size (run with -Xms = -Xmx and AlwaysPreTouch)
        System.gc();
        long before = rssKib();
        calls = 0;
        round(22_000, idText, pkg, blob);
        System.gc();
        long grown = rssKib() - before;
        System.out.println("RSS grew " + grown + " KiB over " + calls + " calls");
        assertTrue(calls >= 100_000, "calls: " + calls);
        assertTrue(grown < 512, "RSS grew " + grown + " KiB");
    }
}

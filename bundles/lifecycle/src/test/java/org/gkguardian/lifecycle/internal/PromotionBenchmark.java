package org.gkguardian.lifecycle.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.gkguardian.api.GatekeeperState;

/**
 * Not a test: run by testbed/bench-lifecycle-promotion.sh. Measures, for the sample Kamailio
 * registrar run by the foreground driver on loopback, how long prepareMaster takes until the
 * gatekeeper answers its SIP OPTIONS probe, in cold and in warm standby, and how long a cold
 * stand-down takes. Prints min / median / max over the rounds.
 */
public final class PromotionBenchmark {

    private PromotionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 15070;
        Path runtime = Files.createTempDirectory("gkg-bench");
        List<Long> coldReady = new ArrayList<>();
        List<Long> coldStandDown = new ArrayList<>();
        GatekeeperLifecycle cold = new GatekeeperLifecycle();
        cold.activate(KamailioLifecycleTest.kamailio("cold", port, runtime).with("probe.timeout.ms", 200L).build(), java.util.Map.of());
        try {
            for (int i = 1; i <= rounds; i++) {
                long t0 = System.nanoTime();
                cold.prepareMaster(KamailioLifecycleTest.master(i));
                long t1 = System.nanoTime();
                cold.standDown(KamailioLifecycleTest.master(i));
                long t2 = System.nanoTime();
                coldReady.add((t1 - t0) / 1_000);
                coldStandDown.add((t2 - t1) / 1_000);
            }
        } finally {
            cold.deactivate();
        }
        List<Long> warmReady = new ArrayList<>();
        GatekeeperLifecycle warm = new GatekeeperLifecycle();
        warm.activate(KamailioLifecycleTest.kamailio("warm", port + 1, runtime).build(), java.util.Map.of());
        try {
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (warm.state() != GatekeeperState.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            for (int i = 1; i <= rounds; i++) {
                long t0 = System.nanoTime();
                warm.prepareMaster(KamailioLifecycleTest.master(i));
                long t1 = System.nanoTime();
                warm.standDown(KamailioLifecycleTest.master(i));
                warmReady.add((t1 - t0) / 1_000);
            }
        } finally {
            warm.deactivate();
        }
        System.out.printf("Kamailio %s, %d rounds, loopback, foreground driver, SIP OPTIONS probe%n",
                "5.6 sample registrar", rounds);
        print("cold: prepareMaster -> ready (start + first OPTIONS answer)", coldReady);
        print("cold: standDown (SIGTERM -> exited)", coldStandDown);
        print("warm: prepareMaster -> ready (one OPTIONS answer)", warmReady);
    }

    private static void print(String what, List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        System.out.printf("%-62s min %7.1f ms  median %7.1f ms  max %7.1f ms%n", what, sorted.get(0) / 1000.0,
                sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
    }
}

package org.gkguardian.guardian.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Life lines between guardians on loopback addresses (127.0.0.0/8 is all on lo). */
class LifeLineTest {

    private static final int PORT = 17_902;

    @Test
    void aPeerWhoseSocketsCloseIsReportedDeadOnceAndAStrangerIsNot() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.21");
        InetAddress b = InetAddress.getByName("127.0.0.22");
        List<InetAddress> members = List.of(a, b);
        List<InetAddress> deathsSeenByA = new CopyOnWriteArrayList<>();
        List<InetAddress> deathsSeenByB = new CopyOnWriteArrayList<>();
        List<InetAddress> strangersRefusedByA = new CopyOnWriteArrayList<>();
        try (LifeLine lineA = new LifeLine(a, PORT, members, deathsSeenByA::add,
                (h, why) -> strangersRefusedByA.add(h))) {
            LifeLine lineB = new LifeLine(b, PORT, members, deathsSeenByB::add, (h, why) -> { });
            lineA.start();
            lineB.start();
            // A stranger's connection is closed and is nobody's death.
            try (Socket stranger = new Socket()) {
                stranger.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.23"), 0));
                stranger.connect(new InetSocketAddress(a, PORT), 1000);
                await().atMost(Duration.ofSeconds(5)).until(() -> stranger.getInputStream().read() == -1);
            }
            Thread.sleep(1500); // both connections settled
            assertTrue(deathsSeenByA.isEmpty(), deathsSeenByA.toString());
            // Reported as a refusal (RefusalLog: a WARN per source and the intrusion alarm).
            assertEquals(List.of(InetAddress.getByName("127.0.0.23")), strangersRefusedByA);
            lineB.close(); // as the kernel does when b's process dies
            await().atMost(Duration.ofSeconds(5)).until(() -> !deathsSeenByA.isEmpty());
            Thread.sleep(500);
            assertEquals(List.of(b), deathsSeenByA, "one death per life, though two connections closed");
        }
    }

    /**
     * The line is tried again while a member does not listen yet (its guardian starting), and once every connection is
     * up it waits for nothing but the peers: each life of the member still ends in one reported death.
     */
    @Test
    void aMemberNotListeningYetIsConnectedOnceItListensAndEachOfItsLivesEndsInADeath() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.31");
        InetAddress b = InetAddress.getByName("127.0.0.32");
        List<InetAddress> deathsSeenByA = new CopyOnWriteArrayList<>();
        try (LifeLine lineA = new LifeLine(a, PORT, List.of(a, b), deathsSeenByA::add, (h, why) -> { })) {
            lineA.start();
            Thread.sleep(700); // a few refused attempts: b's guardian is not there yet
            try (ServerSocket guardianB = new ServerSocket()) {
                guardianB.bind(new InetSocketAddress(b, PORT));
                guardianB.setSoTimeout(5000);
                for (int life = 1; life <= 2; life++) {
                    try (Socket fromA = guardianB.accept()) {
                        assertEquals(a, fromA.getInetAddress());
                        Thread.sleep(1500); // settled: from now on its end is a death
                        assertEquals(life - 1, deathsSeenByA.size(), deathsSeenByA.toString());
                    } // b's process dies: its kernel closes the connection
                    int deaths = life;
                    await().atMost(Duration.ofSeconds(5)).until(() -> deathsSeenByA.size() == deaths);
                }
            }
            assertEquals(List.of(b, b), deathsSeenByA);
        }
    }
}

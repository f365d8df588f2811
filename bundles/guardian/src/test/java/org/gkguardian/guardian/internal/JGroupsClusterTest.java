package org.gkguardian.guardian.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.gkguardian.api.Cause;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;
import org.jgroups.protocols.DISCARD;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real guardians (JGroups channels) in one JVM on 127.0.0.1-3, each with its own epoch file: election,
 * failover, partition and healing, and a guardian with the wrong secret. Ports 7810-7835 (this helper's range).
 */
class JGroupsClusterTest {

    private static final String MEMBERS = "127.0.0.1,127.0.0.2,127.0.0.3";
    private static final String SECRET = "correct horse battery staple";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private final Fakes.Ops ops = new Fakes.Ops();

    private final class Node {
        final String name;
        final GuardianComponent guardian;
        final DISCARD discard = new DISCARD();
        final Fakes.Vip vip;
        final Fakes.Listener listener = new Fakes.Listener();
        final List<String> refused = new CopyOnWriteArrayList<>();
        boolean stopped;

        Node(int i, int port, String secret) {
            name = "n" + i;
            vip = new Fakes.Vip(ops, name);
            GuardianConfig config = TestConfig.defaults().with("node.name", name)
                    .with("internal.address", "127.0.0." + i).with("members", MEMBERS).with("port", port)
                    .with("cluster.secret", secret).with("heartbeat.interval.ms", 100L)
                    .with("failure.timeout.ms", 600L).with("verify.timeout.ms", 300L)
                    .with("epoch.file", dir.resolve(name + "/epoch").toString()).build();
            guardian = new GuardianComponent(new org.gkguardian.election.internal.PatentElectionRule(), new Fakes.Gatekeeper(ops, name), vip, null,
                    config, refused::add, protocols -> protocols.add(1, discard));
            guardian.addListener(listener);
            guardian.cutDatagramsWhile(discard::discardAll);
        }

        Role role() {
            return guardian.status().role();
        }

        void stop() {
            if (!stopped) {
                stopped = true;
                guardian.deactivate();
            }
        }
    }

    private void start(int port, String... secrets) {
        for (int i = 0; i < secrets.length; i++) {
            nodes.add(new Node(i + 1, port, secrets[i]));
        }
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(Node::stop);
    }

    private List<String> masters() {
        return nodes.stream().filter(n -> !n.stopped && n.role() == Role.MASTER).map(n -> n.name)
                .collect(Collectors.toList());
    }

    private List<String> vipHolders() {
        return nodes.stream().filter(n -> n.vip.bound).map(n -> n.name).collect(Collectors.toList());
    }

    @Test
    void highestAddressIsElectedAndTheNextTakesOverWhenItLeaves() {
        start(7810, SECRET, SECRET, SECRET);
        await().atMost(WAIT).until(() -> masters().equals(List.of("n3"))
                && nodes.get(0).role() == Role.BACKUP && nodes.get(1).role() == Role.BACKUP);
        assertEquals(List.of("n3"), vipHolders());
        long firstEpoch = nodes.get(2).guardian.status().epoch();
        assertTrue(firstEpoch >= 1);
        await().atMost(WAIT).until(() -> nodes.get(0).guardian.status().master().orElse("").equals("n3"));

        nodes.get(2).stop();

        await().atMost(WAIT).until(() -> masters().equals(List.of("n2")));
        assertEquals(List.of("n2"), vipHolders());
        long secondEpoch = nodes.get(1).guardian.status().epoch();
        assertTrue(secondEpoch > firstEpoch, secondEpoch + " > " + firstEpoch);
        assertEquals(Role.BACKUP, nodes.get(0).role());
        RoleTransition last = nodes.get(1).guardian.history().get(nodes.get(1).guardian.history().size() - 1);
        assertEquals(Role.MASTER, last.to());
        assertEquals(Cause.FAILURE, last.cause());
    }

    @Test
    void isolatedMasterLetsGoAndOneMasterRemainsAfterHealing() {
        start(7814, SECRET, SECRET, SECRET);
        await().atMost(WAIT).until(() -> masters().equals(List.of("n3")));

        nodes.get(2).discard.discardAll(true);

        await().atMost(WAIT).until(() -> masters().equals(List.of("n2")) && !nodes.get(2).vip.bound);
        assertEquals(Role.BACKUP, nodes.get(2).role());
        assertTrue(nodes.get(2).guardian.history().stream().anyMatch(t -> t.from() == Role.MASTER
                && (t.cause() == Cause.QUORUM || t.cause() == Cause.LEASE_EXPIRED)));

        nodes.get(2).discard.discardAll(false);

        await().atMost(WAIT).until(() -> nodes.get(2).guardian.status().master().orElse("").equals("n2")
                && nodes.get(0).guardian.members().stream().allMatch(m -> m.reachable()));
        assertEquals(List.of("n2"), masters());
        assertEquals(List.of("n2"), vipHolders());
    }

    @Test
    void guardianWithAnotherSecretNeverJoinsAndIsNamedInTheRefusal() {
        start(7818, SECRET, SECRET, "another secret, not ours");
        await().atMost(WAIT).until(() -> masters().equals(List.of("n2")));
        await().atMost(WAIT).until(() -> nodes.get(1).refused.contains("127.0.0.3")
                || nodes.get(0).refused.contains("127.0.0.3"));
        assertNotEquals(Role.MASTER, nodes.get(2).role());
        assertTrue(nodes.get(0).guardian.members().stream()
                .filter(m -> m.internalAddress().getHostAddress().equals("127.0.0.3")).noneMatch(m -> m.reachable()));
        assertTrue(nodes.get(2).guardian.members().stream().filter(m -> !m.name().equals("n3"))
                .noneMatch(m -> m.reachable()));
    }

    /**
     * A stranger floods the crash-detection port (port + 1, plain NIO: FD_SOCK2 cannot carry TLS) with garbage. Each
     * connection is dropped; the stranger is reported once (JGroups used to write a WARN with a stack trace per
     * connection and report nobody), and the roles stay as they were.
     */
    @Test
    void garbageAtTheCrashDetectionPortIsReportedOncePerSourceAndChangesNothing() throws Exception {
        start(7822, SECRET, SECRET);
        await().atMost(WAIT).until(() -> masters().equals(List.of("n2")) && nodes.get(0).role() == Role.BACKUP);
        byte[] junk = new byte[512];
        new java.util.Random(12).nextBytes(junk);
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.9"), 0));
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 7823), 2000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write(junk);
                out.flush();
                s.getInputStream().read(); // until the guardian hangs up
            } catch (IOException hungUp) {
                // the guardian closed it: on to the next
            }
        }
        await().atMost(WAIT).until(() -> nodes.get(1).refused.contains("127.0.0.9"));
        assertEquals(1, nodes.get(1).refused.stream().filter("127.0.0.9"::equals).count(), "" + nodes.get(1).refused);
        assertEquals(List.of("n2"), masters());
        assertEquals(Role.BACKUP, nodes.get(0).role());
    }
}

package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.Role;

/**
 * Guardians on a simulated network with a manual monotonic clock: every node's role machine, the real wire format
 * and echoes, and a network that the test cuts, heals and pauses. Views change only when the test says so, as
 * JGroups would after its failure detection.
 */
final class SimCluster {

    final Fakes.Ops ops = new Fakes.Ops();
    final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Path dir;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Set<Set<String>> cuts = new HashSet<>();
    private final ElectionRule rule = new org.gkguardian.election.internal.PatentElectionRule();
    long nowNanos = 1_000_000_000L;
    final String members;
    final UnaryOperator<TestConfig> common;

    final class Node implements Membership {
        final String name;
        final InetAddress address;
        final Fakes.Gatekeeper gatekeeper;
        final Fakes.Vip vip;
        final Fakes.DirectPublisher publisher = new Fakes.DirectPublisher();
        final Journal journal;
        final Settings settings;
        RoleMachine machine;
        boolean paused;
        boolean down;
        final List<Runnable> held = new ArrayList<>();
        boolean lanUp = true;
        boolean witness = true;
        /** The role thread hangs (a deadlock): the channel's and the heartbeat thread's parts still run. */
        boolean roleThreadStuck;

        Node(String name, String address, UnaryOperator<TestConfig> extra) throws Exception {
            this.name = name;
            this.address = InetAddress.getByName(address);
            this.gatekeeper = new Fakes.Gatekeeper(ops, name);
            this.vip = new Fakes.Vip(ops, name);
            TestConfig c = TestConfig.defaults().with("node.name", name).with("internal.address", address)
                    .with("members", members).with("cluster.secret", "a secret of our own, 4Ux9-Qm2z")
                    .with("profile", "fast").with("epoch.file", dir.resolve(name + "/epoch").toString());
            this.settings = SettingsValidator.validate(extra.apply(common.apply(c)).build());
            this.journal = new Journal(settings.historySize());
        }

        /** When the role machine asked to be woken (its next deadline), as the component's one-shot; MAX when not. */
        long wakeAtNanos = Long.MAX_VALUE;
        Runnable wakeTask;
        /** Wake-ups the node had, counted for the tests. */
        int wakeUps;

        void start() {
            RoleAlarm alarm = new RoleAlarm(() -> nowNanos, (delayNanos, task) -> {
                wakeAtNanos = nowNanos + delayNanos;
                wakeTask = task;
                return () -> wakeAtNanos = Long.MAX_VALUE;
            });
            machine = new RoleMachine(settings, rule, gatekeeper, vip, new EpochStore(settings.epochFile().get()),
                    this, publisher, journal, () -> nowNanos, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                    a -> lanUp, alarm);
            alarm.wakes(machine::wake);
            wakeAtNanos = Long.MAX_VALUE;
            down = false;
            machine.start();
        }

        private boolean wakes() {
            return !down && !paused && machine != null && !roleThreadStuck;
        }

        Role role() {
            return machine.role();
        }

        /** Applied to every message this node sends, when set (a tap, or a member that lies). */
        UnaryOperator<Wire.Message> rewrite;

        /**
         * The channel to and from this node stalls (a TCP stream waiting for a lost segment's retransmission): what is
         * sent on it meanwhile arrives when the stall ends, datagrams are not affected.
         */
        boolean channelStalled;
        final List<Runnable> stalled = new ArrayList<>();
        /** Every n-th datagram to or from this node is lost (0: none). */
        int loseEveryNthDatagram;
        private int datagrams;
        /** Datagrams this node sent (each copy). */
        int datagramsSent;
        /** A filter drops the datagrams this node sends, or those sent to it (one direction of a firewall). */
        boolean datagramsOutFiltered;
        boolean datagramsInFiltered;
        /** The messages that reached this node on the channel, by type. */
        final Map<Class<?>, Integer> onChannel = new HashMap<>();

        int receivedOnChannel(Class<? extends Wire.Message> type) {
            return onChannel.getOrDefault(type, 0);
        }

        @Override
        public void send(byte[] payload) {
            sendOnChannel(null, payload);
        }

        /** To one member, as JGroups' unicast (the channel's urgent messages included). */
        @Override
        public void send(InetAddress to, byte[] payload) {
            sendOnChannel(to, payload);
        }

        @Override
        public void sendUrgent(InetAddress to, byte[] payload) {
            sendOnChannel(to, payload);
        }

        private void sendOnChannel(InetAddress only, byte[] payload) {
            if (down) {
                return;
            }
            byte[] sent = rewrite == null ? payload
                    : Wire.encode(rewrite.apply(Wire.decode(payload, 0, payload.length)));
            for (Node other : nodes.values()) {
                if (other != this && connected(this, other) && (only == null || only.equals(other.address))) {
                    if (channelStalled || other.channelStalled) {
                        (channelStalled ? this : other).stalled.add(() -> other.deliver(sent));
                    } else {
                        queue.add(() -> other.deliver(sent));
                    }
                }
            }
        }

        @Override
        public void sendDatagram(InetAddress to, byte[] payload) {
            if (down) {
                return;
            }
            datagramsSent++;
            for (Node other : nodes.values()) {
                if (other != this && other.address.equals(to) && connected(this, other)
                        && !datagramsOutFiltered && !other.datagramsInFiltered && !lost(this) && !lost(other)) {
                    queue.add(() -> other.deliver(payload, true));
                }
            }
        }

        private boolean lost(Node n) {
            return n.loseEveryNthDatagram > 0 && n.datagrams++ % n.loseEveryNthDatagram == 0;
        }

        /** The stall ends: what waited on the channel arrives. */
        void unstall() {
            channelStalled = false;
            List<Runnable> waiting = new ArrayList<>(stalled);
            stalled.clear();
            waiting.forEach(queue::add);
            flush();
        }

        private void deliver(byte[] payload) {
            deliver(payload, false);
        }

        private void deliver(byte[] payload, boolean byDatagram) {
            if (down || machine == null) {
                return;
            }
            if (paused) {
                held.add(() -> deliver(payload, byDatagram));
                return;
            }
            Wire.Message m = Wire.decode(payload, 0, payload.length);
            if (!byDatagram) {
                onChannel.merge(m.getClass(), 1, Integer::sum);
            }
            if (machine.received(m, byDatagram, nowNanos) && !roleThreadStuck) {
                machine.onMessage(m, byDatagram, nowNanos);
            }
        }

        @Override
        public void close() {
        }
    }

    SimCluster(Path dir, String members, UnaryOperator<TestConfig> common) {
        this.dir = dir;
        this.members = members;
        this.common = common;
    }

    /**
     * Three members n1-n3 on 10.0.0.1-3 (fast profile), started and left a second to settle: n3, the highest address,
     * is master.
     */
    static SimCluster threeSettled(Path dir) throws Exception {
        SimCluster sim = new SimCluster(dir, "10.0.0.1,10.0.0.2,10.0.0.3", c -> c);
        sim.add("n1", "10.0.0.1");
        sim.add("n2", "10.0.0.2");
        sim.add("n3", "10.0.0.3");
        sim.startAll();
        sim.advance(1000);
        org.junit.jupiter.api.Assertions.assertEquals(List.of("n3"), sim.masters(), "n3 is master after a second");
        return sim;
    }

    Node add(String name, String address) throws Exception {
        return add(name, address, c -> c);
    }

    Node add(String name, String address, UnaryOperator<TestConfig> extra) throws Exception {
        Node n = new Node(name, address, extra);
        nodes.put(name, n);
        return n;
    }

    /** Hands a message to a node as if it had come over the channel now (a copy replayed, say). */
    void inject(String to, Wire.Message message) {
        byte[] bytes = Wire.encode(message);
        queue.add(() -> node(to).deliver(bytes));
        flush();
    }

    Node node(String name) {
        return nodes.get(name);
    }

    /** Start every node and give all of them the full view. */
    void startAll() {
        nodes.values().forEach(Node::start);
        viewsFromLinks();
        flush();
    }

    private boolean connected(Node a, Node b) {
        return !a.down && !b.down && cuts.stream().noneMatch(c -> c.contains(a.name) != c.contains(b.name));
    }

    /** Cut the given nodes off from the rest (messages only; views change with {@link #viewsFromLinks}). */
    void isolate(String... names) {
        cuts.add(Set.of(names));
    }

    void healAll() {
        cuts.clear();
    }

    /** Every running node gets the view JGroups would give it: the nodes it can talk to. */
    void viewsFromLinks() {
        for (Node n : nodes.values()) {
            if (n.down || n.paused) {
                continue;
            }
            Set<InetAddress> view = nodes.values().stream().filter(o -> o == n || (connected(n, o) && !o.paused))
                    .map(o -> o.address).collect(Collectors.toSet());
            queue.add(() -> n.machine.onView(view));
        }
        flush();
    }

    /** The node's JVM dies: no more messages, the others see its connections close, then it leaves the view. */
    void crash(String name) {
        crashSeenBeforeTheView(name);
        viewsFromLinks();
    }

    /**
     * As {@link #crash}, but the others keep it in their views, as JGroups does until its failure detection and
     * VERIFY_SUSPECT have confirmed the death (verify timeout: 1.5 s on the default profile).
     */
    void crashSeenBeforeTheView(String name) {
        Node n = node(name);
        n.down = true;
        for (Node other : nodes.values()) {
            if (!other.down && !other.paused && !cuts.stream().anyMatch(c -> c.contains(n.name) != c.contains(other.name))) {
                queue.add(() -> other.machine.onCrash(n.address));
            }
        }
        flush();
    }

    /**
     * The node's JVM dies, and only the given nodes see its connection close now (each sees it when its own socket
     * closes: {@link #lifeLineEnds}); all keep it in their views.
     */
    void crashSeenBy(String name, String... seenBy) {
        node(name).down = true;
        for (String other : seenBy) {
            lifeLineEnds(other, name);
        }
    }

    /** {@code at}'s connection to {@code of} closes now. */
    void lifeLineEnds(String at, String of) {
        Node n = node(at);
        queue.add(() -> n.machine.onCrash(node(of).address));
        flush();
    }

    /**
     * The launcher of {@code of} sends the obituary of the node's run (after its JVM died and the VIP was released;
     * {@code heldVip}: it removed the VIP, still bound): the given nodes receive it now.
     */
    void obituary(String of, boolean heldVip, String... to) {
        obituaryOfRun(of, node(of).machine.incarnation(), heldVip, to);
    }

    /** An obituary of {@code of} naming the run {@code incarnation} (a recorded one sent again, in a test). */
    void obituaryOfRun(String of, long incarnation, boolean heldVip, String... to) {
        InetAddress member = node(of).address;
        for (String name : to) {
            Node n = node(name);
            queue.add(() -> n.machine.onObituary(member, incarnation, heldVip, nowNanos));
        }
        flush();
    }

    void flush() {
        int guard = 0;
        while (!queue.isEmpty()) {
            if (++guard > 100_000) {
                throw new IllegalStateException("the simulated network does not settle");
            }
            queue.poll().run();
        }
    }

    /**
     * Let time pass with the role threads' wake-ups only, each at its node's deadline and no periodic tick, renewal
     * or heartbeat: what a node does there it does at the exact moment it is due.
     */
    void advanceByWakeUpsOnly(long millis) {
        wakeUpsUntil(nowNanos + millis * 1_000_000L);
    }

    /** Runs every wake-up due up to {@code end}, in order, each at its own time; then the clock stands at the end. */
    private void wakeUpsUntil(long end) {
        for (int guard = 0; ; guard++) {
            if (guard > 100_000) {
                throw new IllegalStateException("the role machines' deadlines do not settle");
            }
            Node next = null;
            for (Node n : nodes.values()) {
                if (n.wakes() && n.wakeAtNanos <= end && (next == null || n.wakeAtNanos < next.wakeAtNanos)) {
                    next = n;
                }
            }
            if (next == null) {
                break;
            }
            nowNanos = Math.max(nowNanos, next.wakeAtNanos);
            next.wakeAtNanos = Long.MAX_VALUE;
            next.wakeUps++;
            next.wakeTask.run();
            flush();
        }
        nowNanos = Math.max(nowNanos, end);
    }

    /** The fast profile's renewal interval (25 ms): the step of {@link #advance}. */
    private static final long STEP_MS = Timings.FAST_PROFILE.renewMs();
    /** Steps per tick of the fast profile's role machine (50 ms). */
    private static final long STEPS_PER_TICK = Timings.FAST_PROFILE.tickMs() / STEP_MS;
    private long steps;

    /**
     * Let time pass in steps of the fast profile's renewal interval, with the role threads' wake-ups at their
     * deadlines in between; the role machines tick as often as the fast profile's do.
     */
    void advance(long millis) {
        long end = nowNanos + millis * 1_000_000L;
        while (nowNanos < end) {
            wakeUpsUntil(nowNanos + STEP_MS * 1_000_000L);
            boolean tick = ++steps % STEPS_PER_TICK == 0;
            for (Node n : nodes.values()) {
                if (!n.down && !n.paused && n.machine != null && n.roleThreadStuck) {
                    n.machine.heartbeat();
                } else if (!n.down && !n.paused && n.machine != null) {
                    if (tick) {
                        n.machine.witnessAnswered(n.witness, nowNanos);
                        n.machine.tick();
                    }
                    n.machine.renew();
                    n.machine.heartbeat();
                }
            }
            flush();
        }
    }

    void resume(String name) {
        Node n = node(name);
        n.paused = false;
        List<Runnable> held = new ArrayList<>(n.held);
        n.held.clear();
        held.forEach(queue::add);
        flush();
    }

    /**
     * Every node's bind runs the duplicate-address check on a public side that the internal cuts leave whole: it
     * fails while another node that is not crashed holds the VIP (a paused host's kernel still answers for it).
     */
    void checkTheVipOnThePublicSide() {
        for (Node n : nodes.values()) {
            n.vip.answeredElsewhere = () -> nodes.values().stream().anyMatch(o -> o != n && !o.down && o.vip.bound);
        }
    }

    List<String> masters() {
        return nodes.values().stream().filter(n -> !n.down && n.machine.role() == Role.MASTER).map(n -> n.name)
                .toList();
    }

    List<String> vipHolders() {
        return nodes.values().stream().filter(n -> n.vip.bound).map(n -> n.name).toList();
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

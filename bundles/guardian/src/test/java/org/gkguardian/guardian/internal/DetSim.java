package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipControl;
import org.gkguardian.api.VipStatus;
import org.gkguardian.election.internal.PatentElectionRule;

/**
 * A deterministic simulation of a cluster of guardians: the real role machines, agreement, wire format and election
 * rule, on a virtual clock and a virtual network, under a seeded random schedule of crashes, pauses, partitions,
 * loss, delay and restarts. Everything that would be a thread, a timer, a socket or a disk is an event in one queue,
 * so a seed replays exactly.
 *
 * <p>What the product relies on outside the guardian is modelled as the product ships it: the launcher kills a JVM
 * that stopped sending keep-alives for {@link Params#watchdogMs}, or for the tighter limit a master asks for in
 * its keep-alives, and releases a dead JVM's VIP within
 * {@link Params#releaseMs}, then sends the dead run's obituary (lost like any datagram, and in one kill of four
 * recorded and sent again seconds later, to whichever run is up then); the life line tells the others when a process
 * died. Each node's monotonic clock runs at
 * its own rate (drift up to 100 ppm).
 *
 * <p>Checked at every instant: at most one host holds the VIP (a dead or stopped host's address counts until it is
 * released), no epoch has two masters, and split-brain-healed is never published while two hosts hold the VIP. After
 * the last fault is healed: one master, holding the VIP, within {@link Params#settleMs}.
 */
final class DetSim {

    /** The launcher's keep-alive interval (bin/gkg-node's default). */
    private static final long KEEPALIVE_MS = 200;

    /**
     * @param nodes        members (internal addresses 10.0.0.1 ..)
     * @param witness      a pair with a witness (policy witness) instead of a majority
     * @param profile      the guardians' timing profile
     * @param faultsMs     how long faults are injected
     * @param settleMs     how long after the final heal one master must hold the VIP
     * @param watchdogMs   the launcher's own keep-alive timeout (its --watchdog-timeout)
     * @param launcherFollowsLimit whether the launcher takes the tighter limit a master's keep-alives ask for (the
     *                     shipped bin/gkg-node does; systemd's WatchdogSec does not)
     * @param releaseMs    the launcher's release of a dead JVM's VIP, at most
     * @param dad          the duplicate-address check refuses a bind while another host holds the VIP
     * @param calmMs       how long a calm cluster (every node running, linked, no loss or delay) may stay without one
     *                     master holding the VIP, counted from when it became calm or last had one
     */
    record Params(int nodes, boolean witness, String profile, long faultsMs, long settleMs, long watchdogMs,
            boolean launcherFollowsLimit, long releaseMs, boolean dad, long calmMs) {
    }

    /**
     * What a run found.
     *
     * @param longestCalmWithoutMasterMs the longest a calm cluster went without one master holding the VIP
     * @param switchovers                operator switchovers the guardians accepted
     */
    record Outcome(long seed, String violation, long msToOneMaster, int masters, int faults, long events,
            long longestCalmWithoutMasterMs, int switchovers) {
        boolean ok() {
            return violation.isEmpty();
        }
    }

    private static final long MS = 1_000_000L;
    /** One master for this long after the heal ends a run: the checks have seen it settle. */
    private static final long STABLE_NANOS = 2000 * MS;
    private static final ElectionRule RULE = new PatentElectionRule();
    private static final VipAddress VIP;

    static {
        try {
            VIP = new VipAddress(InetAddress.getByName("203.0.113.10"), 24, "eth1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Params p;
    private final long seed;
    private final Random rnd;
    private final PriorityQueue<Ev> queue = new PriorityQueue<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final Set<Long> cuts = new HashSet<>();
    private final Map<Long, String> masterOfEpoch = new HashMap<>();
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final boolean tracing;
    private long now;
    private long seq;
    private long events;
    private double loss;
    private long spikeMs;
    private int faults;
    private int switchovers;
    private String violation = "";
    /** Since when every node runs, linked to every other, without loss or delay spikes; -1 while not. */
    private long calmSince = -1;
    /** When one master last held the VIP alone. */
    private long lastSingleMaster = -1;
    private long longestCalmWithoutMaster;

    private record Ev(long at, long seq, Runnable action) implements Comparable<Ev> {
        @Override
        public int compareTo(Ev o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    DetSim(Params p, long seed, boolean tracing) {
        this.p = p;
        this.seed = seed;
        this.rnd = new Random(seed);
        this.tracing = tracing;
    }

    // ---------------------------------------------------------------- the run

    Outcome run() {
        StringBuilder members = new StringBuilder();
        for (int i = 1; i <= p.nodes(); i++) {
            members.append(i > 1 ? "," : "").append("10.0.0.").append(i);
        }
        for (int i = 1; i <= p.nodes(); i++) {
            nodes.add(new SimNode("n" + i, "10.0.0." + i, members.toString()));
        }
        // Starts at random moments within half a second: three JVMs starting at once.
        for (SimNode n : nodes) {
            at(rnd.nextInt(500) * MS, n::start);
        }
        at(0, this::viewDaemon);
        long t = 1000 * MS + rnd.nextInt(1000) * MS;
        while (t < p.faultsMs() * MS) {
            long when = t;
            at(when, this::fault);
            t += (100 + rnd.nextInt(1200)) * MS;
        }
        long healAt = p.faultsMs() * MS;
        at(healAt, this::healEverything);
        long end = healAt + p.settleMs() * MS;
        long oneMasterSince = -1;
        while (!queue.isEmpty() && violation.isEmpty()) {
            Ev e = queue.poll();
            if (e.at() > end) {
                break;
            }
            now = e.at();
            e.action().run();
            events++;
            check();
            if (now >= healAt) {
                boolean one = singleMasterHolding();
                if (one && oneMasterSince < 0) {
                    oneMasterSince = now;
                } else if (!one) {
                    oneMasterSince = -1;
                } else if (now - oneMasterSince >= STABLE_NANOS) {
                    break;
                }
            }
        }
        int masters = (int) nodes.stream().filter(n -> n.up && n.machine.role() == Role.MASTER).count();
        if (violation.isEmpty() && oneMasterSince < 0) {
            violation = "no single master holding the VIP " + p.settleMs() + " ms after the final heal: "
                    + describe();
        }
        return new Outcome(seed, violation, oneMasterSince < 0 ? -1 : (oneMasterSince - healAt) / MS, masters,
                faults, events, longestCalmWithoutMaster / MS, switchovers);
    }

    String trace() {
        return String.join("\n", trace);
    }

    private void at(long when, Runnable action) {
        queue.add(new Ev(when, seq++, action));
    }

    private void note(String what) {
        if (tracing) {
            trace.addLast(String.format("%9.3f ms  %s", now / 1e6, what));
            if (trace.size() > 4000) {
                trace.removeFirst();
            }
        }
    }

    // ---------------------------------------------------------------- faults

    private void fault() {
        faults++;
        int kind = rnd.nextInt(12);
        SimNode n = nodes.get(rnd.nextInt(nodes.size()));
        switch (kind) {
            case 10, 11 -> operatorSwitchover(n);
            case 0, 1 -> {
                if (n.up) {
                    note(n.name + " kill -9");
                    kill(n);
                    long back = (300 + rnd.nextInt(3000)) * MS;
                    at(now + back, () -> restart(n));
                }
            }
            case 2, 3, 4 -> {
                if (n.up && !n.paused) {
                    // Up to several promises long: GC, a starved CPU, SIGSTOP.
                    long lease = n.settings.timings().leaseMs();
                    long ms = rnd.nextBoolean() ? 1 + rnd.nextInt((int) lease * 2) : 1 + rnd.nextInt((int) lease * 8);
                    pause(n, ms * MS);
                }
            }
            case 5, 6 -> {
                List<SimNode> side = new ArrayList<>();
                for (SimNode o : nodes) {
                    if (rnd.nextBoolean()) {
                        side.add(o);
                    }
                }
                if (!side.isEmpty() && side.size() < nodes.size()) {
                    note("partition " + side.stream().map(o -> o.name).toList());
                    for (SimNode a : side) {
                        for (SimNode b : nodes) {
                            if (!side.contains(b)) {
                                cuts.add(link(a, b));
                            }
                        }
                    }
                }
            }
            case 7 -> {
                note("heal links");
                cuts.clear();
            }
            case 8 -> {
                loss = new double[] {0, 0.05, 0.25, 0.5}[rnd.nextInt(4)];
                note("loss " + loss);
            }
            default -> {
                spikeMs = new long[] {0, 0, 20, 100}[rnd.nextInt(4)];
                note("delay spikes up to " + spikeMs + " ms");
            }
        }
    }

    /**
     * An operator asks the guardian on {@code at} for a switchover, to a named member or to the best other. Sometimes
     * the operator's wait runs out and the request is cancelled where it was made; sometimes the named member crashes,
     * stops or is cut off right after.
     */
    private void operatorSwitchover(SimNode at) {
        if (!at.up || at.paused) {
            return;
        }
        SimNode target = nodes.get(rnd.nextInt(nodes.size()));
        Optional<String> named = rnd.nextInt(3) == 0 ? Optional.empty() : Optional.of(target.name);
        int g = at.gen;
        at.run(g, () -> {
            OperatorResult r = at.machine.switchover(named);
            note(at.name + " operator: switchover to " + named.orElse("the best other") + ": " + r.outcome() + " "
                    + r.message());
            if (r.outcome() == OperatorResult.Outcome.ACCEPTED) {
                switchovers++;
            }
        });
        int then = rnd.nextInt(6);
        if (then == 0) {
            at(now + rnd.nextInt(3000) * MS, () -> at.run(g, () -> {
                note(at.name + " operator: the wait ran out, switchover cancelled");
                at.machine.cancelSwitchover(named);
            }));
        } else if (then == 1 && named.isPresent()) {
            at(now + rnd.nextInt(400) * MS, () -> {
                int how = rnd.nextInt(3);
                if (how == 0 && target.up) {
                    note(target.name + " kill -9 (switchover target)");
                    kill(target);
                    at(now + (300 + rnd.nextInt(3000)) * MS, () -> restart(target));
                } else if (how == 1 && target.up && !target.paused) {
                    pause(target, (1 + rnd.nextInt((int) target.settings.timings().leaseMs() * 8)) * MS);
                } else if (how == 2) {
                    note("partition [" + target.name + "] (switchover target)");
                    for (SimNode o : nodes) {
                        if (o != target) {
                            cuts.add(link(target, o));
                        }
                    }
                }
            });
        }
    }

    private void healEverything() {
        note("final heal");
        cuts.clear();
        loss = 0;
        spikeMs = 0;
        for (SimNode n : nodes) {
            if (n.paused) {
                resume(n, n.gen);
            } else if (!n.up && !n.restartPending) {
                restart(n);
            }
        }
    }

    private void kill(SimNode n) {
        n.up = false;
        n.paused = false;
        n.gen++;
        n.held.clear();
        long release = (long) (rnd.nextDouble() * p.releaseMs() * MS);
        n.launcherReleasing = true;
        long run = n.machine.incarnation();
        at(now + release, () -> {
            n.launcherReleasing = false;
            boolean held = n.vip.bound;
            if (held) {
                note(n.name + " launcher releases the VIP");
                n.vip.bound = false;
            }
            sendObituary(n, run, held, false);
            if (rnd.nextInt(4) == 0) {
                // Someone on the LAN recorded it and sends it again later, to whichever run of the node is up then.
                at(now + (300 + rnd.nextInt(4000)) * MS, () -> sendObituary(n, run, held, true));
            }
        });
        // The life line: the others see the dead process's connections close, if they can reach it.
        for (SimNode o : nodes) {
            if (o != n && o.up && !cuts.contains(link(n, o))) {
                long d = (long) ((0.2 + rnd.nextDouble() * 5) * MS);
                int g = o.gen;
                at(now + d, () -> o.run(g, () -> o.machine.onCrash(n.address)));
            }
        }
    }

    /** The dead run's obituary, one datagram to each other node (see {@link LauncherObituary}). */
    private void sendObituary(SimNode n, long run, boolean heldVip, boolean replay) {
        if (replay) {
            note(n.name + "'s obituary of an earlier run sent again");
        }
        for (SimNode o : nodes) {
            if (o == n || cuts.contains(link(n, o)) || (loss > 0 && rnd.nextDouble() < loss)) {
                continue;
            }
            int g = o.gen;
            at(now + (long) ((0.1 + rnd.nextDouble() * 2) * MS), () -> {
                if (!cuts.contains(link(n, o))) {
                    o.run(g, () -> o.machine.onObituary(n.address, run, heldVip, o.local()));
                }
            });
        }
    }

    private void restart(SimNode n) {
        n.restartPending = false;
        if (n.up) {
            return;
        }
        if (n.launcherReleasing) {
            // The node's lock is held until its old launcher has released the VIP and exited: start after that.
            n.restartPending = true;
            at(now + p.releaseMs() * MS, () -> restart(n));
            return;
        }
        note(n.name + " starts");
        n.start();
    }

    private void pause(SimNode n, long nanos) {
        note(n.name + " paused for " + nanos / MS + " ms");
        n.paused = true;
        int g = n.gen;
        // The launcher counts from the last keep-alive it read, with the limit that keep-alive asked for.
        long killAt = Math.max(now, n.lastBeatNanos + n.launcherLimitMs * MS);
        if (now + nanos > killAt) {
            at(killAt, () -> {
                if (n.gen == g && n.paused) {
                    note(n.name + " killed by its launcher's watchdog");
                    kill(n);
                    n.restartPending = true;
                    at(now + (300 + rnd.nextInt(2000)) * MS, () -> restart(n));
                }
            });
        } else {
            at(now + nanos, () -> resume(n, g));
        }
    }

    private void resume(SimNode n, int g) {
        if (n.gen != g || !n.paused) {
            return;
        }
        note(n.name + " resumes");
        n.paused = false;
        List<Runnable> held = new ArrayList<>(n.held);
        n.held.clear();
        for (Runnable r : held) {
            r.run();
        }
        n.catchUp();
    }

    private static long link(SimNode a, SimNode b) {
        int x = Math.min(a.index, b.index);
        int y = Math.max(a.index, b.index);
        return ((long) x << 32) | y;
    }

    private boolean reachable(SimNode a, SimNode b) {
        return a.up && b.up && !cuts.contains(link(a, b));
    }

    /** JGroups' view as each node would get it: members reachable and not stopped, after detection or merge. */
    private void viewDaemon() {
        for (SimNode n : nodes) {
            for (SimNode o : nodes) {
                if (o == n) {
                    continue;
                }
                boolean contact = reachable(n, o) && !o.paused;
                if (contact) {
                    n.lastContact.put(o.index, now);
                    n.reachableSince.putIfAbsent(o.index, now);
                } else {
                    n.reachableSince.remove(o.index);
                }
            }
            if (!n.up || n.paused) {
                continue;
            }
            Timings t = n.settings.timings();
            long drop = (t.failureTimeoutMs() + t.verifyTimeoutMs()) * MS;
            long merge = t.mergeMinMs() * MS;
            Set<InetAddress> view = new HashSet<>();
            view.add(n.address);
            for (SimNode o : nodes) {
                if (o == n) {
                    continue;
                }
                Long last = n.lastContact.get(o.index);
                Long since = n.reachableSince.get(o.index);
                boolean was = n.view.contains(o.address);
                boolean in = was ? last != null && now - last <= drop : since != null && now - since >= merge;
                if (in) {
                    view.add(o.address);
                }
            }
            if (!view.equals(n.view)) {
                n.view = view;
                Set<InetAddress> copy = Set.copyOf(view);
                int g = n.gen;
                n.run(g, () -> n.machine.onView(copy));
            }
        }
        at(now + 50 * MS, this::viewDaemon);
    }

    // ---------------------------------------------------------------- invariants

    private void check() {
        if (!violation.isEmpty()) {
            return;
        }
        List<String> holders = holders();
        if (holders.size() > 1) {
            violation = "two hosts hold the VIP: " + holders + "; " + describe();
            return;
        }
        checkCalmHasMaster();
    }

    /**
     * Liveness: a cluster in which every node runs and reaches every other without loss (quorate and healed) has one
     * master holding the VIP within {@link Params#calmMs} of becoming calm or of losing its master; whatever an
     * operator asked for meanwhile.
     */
    private void checkCalmHasMaster() {
        if (singleMasterHolding()) {
            lastSingleMaster = now;
        }
        boolean calm = cuts.isEmpty() && loss == 0 && spikeMs == 0
                && nodes.stream().allMatch(n -> n.up && !n.paused);
        if (!calm) {
            calmSince = -1;
            return;
        }
        if (calmSince < 0) {
            calmSince = now;
        }
        long without = now - Math.max(calmSince, lastSingleMaster);
        longestCalmWithoutMaster = Math.max(longestCalmWithoutMaster, without);
        if (without > p.calmMs() * MS) {
            violation = "calm for " + (now - calmSince) / MS + " ms, and no single master holding the VIP for "
                    + without / MS + " ms; " + describe();
        }
    }

    private List<String> holders() {
        List<String> out = new ArrayList<>();
        for (SimNode n : nodes) {
            if (n.vip.bound) {
                out.add(n.name);
            }
        }
        return out;
    }

    private boolean singleMasterHolding() {
        List<SimNode> masters = nodes.stream().filter(n -> n.up && n.machine.role() == Role.MASTER).toList();
        return masters.size() == 1 && masters.get(0).vip.bound && holders().size() == 1;
    }

    private String describe() {
        StringBuilder b = new StringBuilder("at " + now / MS + " ms:");
        for (SimNode n : nodes) {
            b.append(' ').append(n.name).append('=')
                    .append(n.machine == null ? "-" : n.machine.role().label())
                    .append(n.up ? "" : "(dead)").append(n.paused ? "(stopped)" : "")
                    .append(n.vip.bound ? "+VIP" : "")
                    .append("/e").append(n.machine == null ? 0 : n.machine.status().epoch())
                    .append(n.machine != null && n.machine.role() == Role.FAULT ? " (" + n.machine.status().problem()
                            + ")" : "");
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- a node

    /** Epoch and votes as the disk keeps them: they survive the node's restarts. */
    private static final class MemEpochs implements Epochs {
        long epoch;
        Agreement.Ballot ballot = Agreement.Ballot.NONE;

        @Override
        public long current() {
            return epoch;
        }

        @Override
        public long raiseTo(long e) {
            epoch = Math.max(epoch, e);
            return epoch;
        }

        @Override
        public Agreement.Ballot ballot() {
            return ballot;
        }

        @Override
        public void vote(Agreement.Ballot b) {
            if (b.epoch() < ballot.epoch()) {
                throw new IllegalStateException("vote went backwards");
            }
            ballot = b;
        }
    }

    private final class SimVip implements VipControl {
        final SimNode node;
        boolean bound;

        SimVip(SimNode node) {
            this.node = node;
        }

        @Override
        public List<VipAddress> configured() {
            return List.of(VIP);
        }

        @Override
        public void bind(RoleContext context) throws VipException {
            // As ipbinding does: a keep-alive, with the limit the candidate asks for, before anything is bound.
            node.keepAliveNow();
            if (p.dad()) {
                for (SimNode o : nodes) {
                    if (o != node && o.vip.bound) {
                        note(node.name + " DAD: " + o.name + " answers for the VIP");
                        throw new VipException("203.0.113.10 answered by " + o.name, true);
                    }
                }
            }
            note(node.name + " binds the VIP (epoch " + context.epoch() + ")");
            bound = true;
        }

        @Override
        public void bindHandedOver(RoleContext context) {
            // As ipbinding does: no duplicate address check after a resignation; the agreement alone must keep
            // every other node off the VIP.
            node.keepAliveNow();
            note(node.name + " binds the VIP handed over (epoch " + context.epoch() + ")");
            bound = true;
        }

        @Override
        public void release() {
            if (bound) {
                note(node.name + " releases the VIP");
            }
            bound = false;
        }

        @Override
        public void announce() {
        }

        @Override
        public List<VipStatus> status() {
            return List.of(new VipStatus(VIP, bound, ""));
        }
    }

    private final class SimNode implements Membership, Publisher {
        final String name;
        final int index;
        final InetAddress address;
        final Settings settings;
        final MemEpochs epochs = new MemEpochs();
        final SimVip vip = new SimVip(this);
        final Fakes.Gatekeeper gatekeeper = new Fakes.Gatekeeper(new Fakes.Ops(), "gk");
        final double rate;
        final long offset;
        final Map<Integer, Long> lastContact = new HashMap<>();
        final Map<Integer, Long> reachableSince = new HashMap<>();
        final Map<Integer, Long> lastDelivery = new HashMap<>();
        final List<Runnable> held = new ArrayList<>();
        Set<InetAddress> view = Set.of();
        RoleMachine machine;
        boolean up;
        boolean paused;
        boolean restartPending;
        /** Its launcher is still releasing a dead JVM's VIP (and holds the node's lock meanwhile). */
        boolean launcherReleasing;
        int gen;
        /** The watchdog timeout the launcher applies now: its own, or the tighter one the last keep-alive asked. */
        long launcherLimitMs;
        long lastBeatNanos;

        SimNode(String name, String address, String members) {
            this.name = name;
            this.index = nodes.size();
            this.address = SimCluster.ip(address);
            TestConfig c = TestConfig.defaults().with("node.name", name).with("internal.address", address)
                    .with("members", members).with("cluster.secret", "a secret of our own, long enough")
                    .with("profile", p.profile()).with("epoch.file", "/nonexistent/" + name);
            if (p.witness()) {
                c.with("witness.address", "10.0.0.254");
            }
            try {
                this.settings = SettingsValidator.validate(c.build());
            } catch (InvalidConfigurationException e) {
                throw new IllegalStateException(e);
            }
            this.rate = 1 + (rnd.nextDouble() * 2 - 1) * 1e-4;
            this.offset = rnd.nextLong() >>> 8;
        }

        long local() {
            return offset + (long) (now * rate);
        }

        void start() {
            gen++;
            up = true;
            paused = false;
            view = Set.of(address);
            lastDelivery.clear();
            int g = gen;
            // The role thread's wake-ups at the machine's deadlines, as GuardianComponent schedules them.
            RoleAlarm alarm = new RoleAlarm(this::local, (delayNanos, task) -> oneShot(g, delayNanos, task));
            machine = new RoleMachine(settings, RULE, gatekeeper, vip, epochs, this, this,
                    new Journal(settings.historySize()), this::local, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                    a -> true, alarm, rnd.nextLong());
            alarm.wakes(machine::wake);
            machine.start();
            Timings t = settings.timings();
            every(g, t.tickMs(), () -> {
                if (p.witness()) {
                    machine.witnessAnswered(true, local());
                }
                machine.tick();
            });
            every(g, t.renewMs(), machine::renew);
            every(g, t.renewMs(), machine::heartbeat);
            launcherLimitMs = p.watchdogMs();
            lastBeatNanos = now;
            keepAlives(g);
        }

        /** One keep-alive as the launcher reads it: the limit the guardian asks for, if its launcher follows it. */
        Optional<Duration> keepAliveNow() {
            Optional<Duration> limit = machine.watchdogLimit();
            lastBeatNanos = now;
            launcherLimitMs = p.launcherFollowsLimit() ? limit.map(Duration::toMillis)
                    .filter(l -> l < p.watchdogMs()).orElse(p.watchdogMs()) : p.watchdogMs();
            return limit;
        }

        /**
         * The keep-alive thread as ipbinding's WatchdogKeepAlive runs it: every 200 ms (the launcher's interval), five
         * times within the limit while the guardian asks for one, and once more right before a bind.
         */
        private void keepAlives(int g) {
            repeat(g, KEEPALIVE_MS, () -> keepAliveNow()
                    .map(l -> Math.max(4, Math.min(KEEPALIVE_MS, l.toMillis() / 5))).orElse(KEEPALIVE_MS));
        }

        /**
         * A one-shot task of this JVM after {@code delayNanos} of its own clock: late while it is stopped, run when it
         * resumes. Returns what cancels it.
         */
        private Runnable oneShot(int g, long delayNanos, Runnable task) {
            boolean[] cancelled = {false};
            at(now + (long) Math.ceil(delayNanos / rate) + 1, new Runnable() {
                @Override
                public void run() {
                    if (cancelled[0] || gen != g || !up) {
                        return;
                    }
                    if (paused) {
                        missed.add(this);
                        return;
                    }
                    task.run();
                }
            });
            return () -> cancelled[0] = true;
        }

        /** A periodic job of this JVM: late while it is stopped, run once when it resumes. */
        private void every(int g, long periodMs, Runnable job) {
            repeat(g, periodMs, () -> {
                job.run();
                return periodMs;
            });
        }

        /** As {@link #every}, for a job that says after each run how long until the next (ms). */
        private void repeat(int g, long firstWithinMs, LongSupplier jobThenNextMs) {
            long first = (long) (rnd.nextDouble() * firstWithinMs * MS);
            at(now + first, new Runnable() {
                @Override
                public void run() {
                    if (gen != g || !up) {
                        return;
                    }
                    if (paused) {
                        missed.add(this);
                        return;
                    }
                    long next = jobThenNextMs.getAsLong();
                    at(now + (long) (next * MS / rate), this);
                }
            });
        }

        final List<Runnable> missed = new ArrayList<>();

        void catchUp() {
            List<Runnable> jobs = new ArrayList<>(missed);
            missed.clear();
            jobs.forEach(Runnable::run);
        }

        /** Runs on this node's JVM, unless it is dead; held while it is stopped. */
        void run(int g, Runnable r) {
            if (gen != g || !up) {
                return;
            }
            if (paused) {
                held.add(() -> run(g, r));
                return;
            }
            r.run();
        }

        @Override
        public void send(byte[] payload) {
            deliver(payload, true);
        }

        /**
         * The channel's urgent messages are out of band and not retransmitted by JGroups, but they share the TCP
         * connection with everything else: a lost segment is retransmitted by TCP and holds back what follows, as
         * for any message on the channel.
         */
        @Override
        public void sendUrgent(byte[] payload) {
            deliver(payload, true, null, true);
        }

        @Override
        public void sendUrgent(InetAddress to, byte[] payload) {
            deliver(payload, true, to, true);
        }

        /** A datagram: lost or delivered on its own, to a member in the view or not. */
        @Override
        public void sendDatagram(InetAddress to, byte[] payload) {
            deliver(payload, false, to, false);
        }

        private void deliver(byte[] payload, boolean reliable) {
            deliver(payload, reliable, null, true);
        }

        private void deliver(byte[] payload, boolean reliable, InetAddress only, boolean inViewOnly) {
            if (!up) {
                return;
            }
            for (SimNode o : nodes) {
                if (o == this || !reachable(this, o) || (inViewOnly && !view.contains(o.address))
                        || (only != null && !only.equals(o.address))) {
                    continue;
                }
                long d = (long) ((0.1 + rnd.nextDouble() * 2) * MS);
                if (spikeMs > 0 && rnd.nextInt(10) == 0) {
                    d += (long) (rnd.nextDouble() * spikeMs * MS);
                }
                if (loss > 0 && rnd.nextDouble() < loss) {
                    if (!reliable) {
                        continue;
                    }
                    d += 200 * MS; // TCP retransmits it
                }
                long when = now + d;
                if (reliable) {
                    when = Math.max(when, lastDelivery.getOrDefault(o.index, 0L));
                    lastDelivery.put(o.index, when);
                }
                int g = o.gen;
                SimNode from = this;
                at(when, () -> {
                    if (cuts.contains(link(from, o))) {
                        return;
                    }
                    o.run(g, () -> {
                        Wire.Message m = Wire.decode(payload, 0, payload.length);
                        long t = o.local();
                        if (o.machine.received(m, !reliable, t)) {
                            o.machine.onMessage(m, !reliable, t);
                        }
                    });
                });
            }
        }

        @Override
        public void close() {
        }

        @Override
        public void transition(RoleTransition t) {
            note(name + " " + t.from().label() + " -> " + t.to().label() + " epoch " + t.epoch() + " ("
                    + t.cause().label() + ") " + t.detail());
            if (t.to() == Role.MASTER) {
                String before = masterOfEpoch.putIfAbsent(t.epoch(), name);
                if (before != null && !before.equals(name) && violation.isEmpty()) {
                    violation = "epoch " + t.epoch() + " has two masters: " + before + " and " + name;
                }
            }
        }

        @Override
        public void event(GuardianEvent e) {
            if (e.type() == EventType.SPLIT_BRAIN_HEALED && holders().size() > 1 && violation.isEmpty()) {
                violation = name + " published split-brain-healed while " + holders() + " hold the VIP";
            }
        }
    }
}

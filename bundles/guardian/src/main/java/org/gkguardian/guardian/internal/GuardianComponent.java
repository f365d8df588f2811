package org.gkguardian.guardian.internal;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ConfigMirror;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperControl;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.GuardianListener;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.MirrorControl;
import org.gkguardian.api.MirrorMemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.Severity;
import org.gkguardian.api.VipControl;
import org.gkguardian.config.RawValues;
import org.jgroups.stack.Protocol;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardian of this node: joins the other guardians, keeps the role machine fed and offers the operator API.
 *
 * <p>Threads: one role thread carries out every transition in order (channel callbacks, ticks and operator
 * commands are queued onto it); one heartbeat thread re-sends the last state while the role thread is busy (a
 * gatekeeper start or a VIP bind may take seconds, and the others must keep hearing us); one publisher thread
 * calls the listeners and EventAdmin; one prober asks the witness (only under the witness policy), because a
 * probe may block for its whole timeout.
 */
@Component(service = { Guardian.class, MirrorControl.class }, configurationPid = GuardianConfig.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = GuardianConfig.class)
public final class GuardianComponent implements Guardian, MirrorControl {

    private static final Logger LOG = LoggerFactory.getLogger(GuardianComponent.class);
    private static final long OPERATOR_TIMEOUT_S = 10;
    private static final String NO_ANSWER = "the guardian did not answer in time: ";
    /**
     * How often the mirror thread looks for changed files and members: a few volatile reads when nothing changed, but
     * at 100 ms they cost 0.1-0.2 % of a core on a node at rest and at 250 ms 0.05-0.12 % (measured); backups must
     * converge within 2 s of a change: the lifecycle's file check (digest.interval.ms, 250) and this poll leave more
     * than a second for the push and the reload.
     */
    private static final long MIRROR_POLL_MS = 500;
    /** Fault injection for the testbed: the first N pushes of this JVM carry one altered byte. */
    static final String CORRUPT_PUSHES_PROPERTY = "gkg.fault.mirror.corrupt";

    private final ElectionRule rule;
    private final GatekeeperControl gatekeeper;
    private final VipControl vip;
    private final BundleContext context;
    private final List<ListenerHandle> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService roleThread;
    private final ExecutorService publishThread;
    private final ScheduledExecutorService witnessThread;
    private final ScheduledExecutorService heartbeatThread;
    private final ScheduledExecutorService mirrorThread;
    private volatile ConfigMirror configMirror;
    private final Journal journal;
    private final Publisher publisher;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private volatile Cluster cluster;
    private volatile String problem = "";
    private volatile Instant problemSince;
    private final String configuredName;
    private final Consumer<String> onRefusal;
    private final Consumer<List<Protocol>> stackHook;
    /** Tests: the lease's datagrams are cut while this says so (see {@link #cutDatagramsWhile}). */
    private volatile java.util.function.BooleanSupplier datagramsCut = () -> false;
    /** Where this node's launcher takes the obituary it sends when this JVM dies (see {@link LauncherObituary}). */
    private final Optional<Path> obituaryFile = LauncherObituary.file(System.getenv());

    /** One run of the membership and role machine with one configuration. */
    private record Cluster(Settings settings, RoleMachine machine, JGroupsMembership membership, Mirroring mirroring,
            List<ScheduledFuture<?>> jobs) {
    }

    @Activate
    public GuardianComponent(@Reference(name = "electionRule") ElectionRule rule,
            @Reference(name = "gatekeeperControl") GatekeeperControl gatekeeper,
            @Reference(name = "vipControl") VipControl vip, BundleContext context, GuardianConfig config,
            Map<String, Object> properties) {
        // SCR turns a value that is not a number into the default before we see it: refuse it before any use.
        this(rule, gatekeeper, vip, context, config, rawProblem(properties), peer -> { }, protocols -> { });
    }

    /** Outside OSGi (tests): hear refusals, adjust the JGroups stack. */
    GuardianComponent(ElectionRule rule, GatekeeperControl gatekeeper, VipControl vip, BundleContext context,
            GuardianConfig config, Consumer<String> onRefusal, Consumer<List<Protocol>> stackHook) {
        this(rule, gatekeeper, vip, context, config, Optional.empty(), onRefusal, stackHook);
    }

    private GuardianComponent(ElectionRule rule, GatekeeperControl gatekeeper, VipControl vip, BundleContext context,
            GuardianConfig config, Optional<String> rawProblem, Consumer<String> onRefusal,
            Consumer<List<Protocol>> stackHook) {
        this.stackHook = stackHook;
        this.rule = rule;
        this.gatekeeper = gatekeeper;
        this.vip = vip;
        this.context = context;
        this.configuredName = config.node_name();
        this.roleThread = Executors.newSingleThreadScheduledExecutor(named("gkguardian-role"));
        this.publishThread = Executors.newSingleThreadExecutor(named("gkguardian-publish"));
        this.witnessThread = Executors.newSingleThreadScheduledExecutor(named("gkguardian-witness"));
        this.heartbeatThread = Executors.newSingleThreadScheduledExecutor(named("gkguardian-heartbeat"));
        this.mirrorThread = Executors.newSingleThreadScheduledExecutor(named("gkguardian-mirror"));
        this.journal = new Journal(Math.max(1, Math.min(10000, config.history_size())));
        IntrusionAlarm intrusion = new IntrusionAlarm(journal, witnessThread, Clock.systemUTC());
        this.onRefusal = peer -> {
            intrusion.accept(peer);
            onRefusal.accept(peer);
        };
        this.publisher = new WhiteboardPublisher(publishThread,
                () -> listeners.stream().map(ListenerHandle::listener).filter(Objects::nonNull).toList(),
                () -> eventAdmin);
        gatekeeper.setHealthListener(() -> {
            Cluster c = cluster;
            if (c != null) {
                roleThread.execute(c.machine()::gatekeeperHealthChanged);
            }
        });
        rawProblem.ifPresentOrElse(this::refuse, () -> apply(config));
    }

    @Modified
    void modified(GuardianConfig config, Map<String, Object> properties) {
        Optional<String> raw = rawProblem(properties);
        if (raw.isPresent()) {
            refuse(raw.get());
        } else {
            apply(config);
        }
    }

    /** A numeric or boolean key whose configured text is not one, named with its value (the shared check). */
    static Optional<String> rawProblem(Map<String, ?> properties) {
        List<String> problems = RawValues.problems(GuardianConfig.class, properties);
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    private synchronized void refuse(String reason) {
        problem = "configuration refused: " + reason;
        problemSince = Instant.now();
        if (cluster == null) {
            LOG.error("Configuration {} refused: {}; the guardian stays out of the election until it is fixed",
                    GuardianConfig.PID, reason);
        } else {
            LOG.error("Configuration {} refused: {}; keeping the last good configuration", GuardianConfig.PID, reason);
        }
    }

    @Deactivate
    void deactivate() {
        stopCluster(Cause.SHUTDOWN);
        roleThread.shutdownNow();
        witnessThread.shutdownNow();
        heartbeatThread.shutdownNow();
        mirrorThread.shutdownNow();
        publishThread.shutdown();
        try {
            // Let the listeners hear the last transition (stopped) before we go.
            publishThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publishThread.shutdownNow();
    }

    /**
     * Listeners are bound as service objects and got only when the first event is published: the SNMP
     * agent is a listener that needs this Guardian, and getting it while this component activates is a
     * circular reference.
     */
    @Reference(name = "listener", service = GuardianListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addListener(ComponentServiceObjects<GuardianListener> objects) {
        listeners.add(new ListenerHandle(objects, null));
    }

    void removeListener(ComponentServiceObjects<GuardianListener> objects) {
        for (ListenerHandle handle : listeners) {
            if (handle.objects == objects) {
                listeners.remove(handle);
                handle.release();
            }
        }
    }

    /** The lifecycle's mirrored files; without it this node neither pushes nor applies, and says so. */
    @Reference(name = "configMirror", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetConfigMirror")
    void setConfigMirror(ConfigMirror mirror) {
        configMirror = mirror;
    }

    void unsetConfigMirror(ConfigMirror mirror) {
        if (configMirror == mirror) {
            configMirror = null;
        }
    }

    /**
     * Tests that cut this node off the channel (JGroups' DISCARD in the stack hook) cut its datagrams too: the lease's
     * renewals and answers travel outside the channel.
     */
    void cutDatagramsWhile(java.util.function.BooleanSupplier cut) {
        datagramsCut = cut;
    }

    /** A listener handed in directly, outside OSGi (tests). */
    void addListener(GuardianListener listener) {
        listeners.add(new ListenerHandle(null, listener));
    }

    /** One bound listener, got from its service objects on first use. */
    private static final class ListenerHandle {
        private final ComponentServiceObjects<GuardianListener> objects;
        private volatile GuardianListener listener;

        ListenerHandle(ComponentServiceObjects<GuardianListener> objects, GuardianListener listener) {
            this.objects = objects;
            this.listener = listener;
        }

        synchronized GuardianListener listener() {
            if (listener == null) {
                listener = objects.getService();
            }
            return listener;
        }

        synchronized void release() {
            if (objects != null && listener != null) {
                objects.ungetService(listener);
                listener = null;
            }
        }
    }

    private synchronized void apply(GuardianConfig config) {
        Settings next;
        try {
            next = SettingsValidator.validate(config);
        } catch (InvalidConfigurationException e) {
            refuse(e.getMessage());
            return;
        }
        problem = "";
        Cluster running = cluster;
        if (running != null && sameCluster(running.settings(), next)) {
            journal.historySize(next.historySize());
            return;
        }
        if (running != null && sameMembership(running.settings(), next)) {
            journal.historySize(next.historySize());
            cluster = new Cluster(next, running.machine(), running.membership(), running.mirroring(), running.jobs());
            roleThread.execute(() -> running.machine().updateLiveSettings(next));
            return;
        }
        if (running != null) {
            LOG.info("Configuration {} changed: restarting the membership", GuardianConfig.PID);
            stopCluster(Cause.CONFIGURATION);
        }
        journal.historySize(next.historySize());
        startCluster(next);
    }

    /** Equal but for the settings a running member may change live (priority, preemption, history size). */
    static boolean sameMembership(Settings a, Settings b) {
        Settings liveOfA = new Settings(a.nodeName(), a.internalAddress(), a.members(), a.port(), a.clusterName(),
                a.secret(), a.secretGenerated(), b.priority(), a.quorumPolicy(), a.witnessAddress(), a.witnessPort(),
                a.profile(), a.timings(), b.preempt(), b.preemptDelayMs(), b.historySize(), a.epochFile(),
                a.startupGraceMs());
        return sameCluster(liveOfA, b);
    }

    private static boolean sameCluster(Settings a, Settings b) {
        boolean sameSecret = (a.secretGenerated() && b.secretGenerated()) || a.secret().equals(b.secret());
        return sameSecret && a.toString().equals(b.toString()) && a.epochFile().equals(b.epochFile());
    }

    private void startCluster(Settings settings) {
        EpochStore epochs;
        try {
            epochs = new EpochStore(epochPath(settings));
        } catch (RuntimeException e) {
            problem = "epoch store unusable: " + e.getMessage();
            problemSince = Instant.now();
            LOG.error("The guardian stays out of the election: {}", problem);
            return;
        }
        Path membersFile = epochPath(settings).resolveSibling("members");
        try {
            MembersFile.write(membersFile, settings.members(), settings.internalAddress());
        } catch (IOException e) {
            // Only scripts beside the guardian read it (the DMQ peers of a warm Kamailio): not worth staying out for.
            LOG.warn("Cannot write the member list to {}: {}", membersFile, e.toString());
        }
        MembershipAdapter adapter = new MembershipAdapter();
        JGroupsMembership membership = new JGroupsMembership(settings, adapter, onRefusal, stackHook);
        membership.datagramsCut(() -> datagramsCut.getAsBoolean());
        RoleAlarm alarm = new RoleAlarm(System::nanoTime, this::onRoleThreadAfter);
        RoleMachine machine = new RoleMachine(settings, rule, gatekeeper, vip, epochs, membership, publisher, journal,
                System::nanoTime, Clock.systemUTC(), LanCheck.NETWORK, alarm);
        alarm.wakes(guarded(machine::wake));
        adapter.machine = machine;
        Notices mirrorNotices = new Notices(settings.nodeName(), journal, publisher, Clock.systemUTC(),
                () -> machine.status().epoch());
        Mirroring mirroring = new Mirroring(() -> configMirror, membership, machine::status, machine::members,
                mirrorNotices, Clock.systemUTC(), corruptPushes());
        adapter.mirroring = mirroring;
        List<ScheduledFuture<?>> jobs = new ArrayList<>();
        Cluster c = new Cluster(settings, machine, membership, mirroring, jobs);
        cluster = c;
        roleThread.execute(() -> connect(c));
        long tick = settings.timings().tickMs();
        long renew = settings.timings().renewMs();
        jobs.add(roleThread.scheduleWithFixedDelay(guarded(machine::tick), tick, tick, TimeUnit.MILLISECONDS));
        jobs.add(roleThread.scheduleWithFixedDelay(guarded(machine::renew), renew, renew, TimeUnit.MILLISECONDS));
        // The heartbeat runs when a renewal or the state is due, not every renewal period: it ends when this
        // machine's cluster is stopped or replaced by a new machine.
        HeartbeatPacer heartbeat = new HeartbeatPacer(heartbeatThread, machine::heartbeat, () -> {
            Cluster now = cluster;
            return now != null && now.machine() == machine;
        }, renew * 1_000_000L);
        machine.onRenewingStarted(heartbeat::wakeNow);
        heartbeat.start(renew * 1_000_000L);
        jobs.add(mirrorThread.scheduleWithFixedDelay(guarded(mirroring::poll), MIRROR_POLL_MS, MIRROR_POLL_MS,
                TimeUnit.MILLISECONDS));
        settings.witnessAddress().ifPresent(witness -> {
            if (settings.quorumPolicy() == QuorumPolicy.WITNESS) {
                long hb = settings.timings().heartbeatMs();
                int timeout = (int) Math.max(50, Math.min(hb, 1000));
                jobs.add(witnessThread.scheduleWithFixedDelay(() -> {
                    boolean ok = WitnessProbe.NETWORK.answers(witness, settings.witnessPort(), timeout);
                    long at = System.nanoTime();
                    roleThread.execute(() -> machine.witnessAnswered(ok, at));
                }, 0, hb, TimeUnit.MILLISECONDS));
            }
        });
    }

    private static int corruptPushes() {
        int n = Integer.getInteger(CORRUPT_PUSHES_PROPERTY, 0);
        if (n > 0) {
            LOG.warn("Fault injection on ({}={}): the first {} configuration pushes of this node are corrupted",
                    CORRUPT_PUSHES_PROPERTY, n, n);
        }
        return Math.max(0, n);
    }

    /** Joins the group, then starts the machine; retried while the address or port is not available. */
    private void connect(Cluster c) {
        if (cluster != c) {
            return;
        }
        try {
            c.membership().connect();
            c.machine().start();
            leaveObituary(c);
        } catch (Exception e) {
            problem = "cannot join the guardians on " + c.settings().internalAddress().getHostAddress() + ":"
                    + c.settings().port() + ": " + e.getMessage();
            problemSince = Instant.now();
            LOG.error("{}; retrying in 5 s", problem);
            c.membership().close();
            try {
                roleThread.schedule(() -> connect(c), 5, TimeUnit.SECONDS);
            } catch (RuntimeException rejected) {
                // shutting down
            }
            return;
        }
        problem = "";
    }

    /**
     * Seals this run's obituary for the launcher. Without it the launcher sends nothing and the others believe a
     * crash after the release allowance, as with any launcher; so a failure is a warning, not a reason to stay out.
     */
    private void leaveObituary(Cluster c) {
        if (obituaryFile.isEmpty()) {
            return;
        }
        Settings s = c.settings();
        List<InetAddress> peers = s.members().stream().filter(m -> !m.equals(s.internalAddress())).toList();
        long run = c.machine().incarnation();
        Optional<byte[]> held = LauncherObituary.datagram(run, true, c.membership()::sealDatagram);
        Optional<byte[]> notHeld = LauncherObituary.datagram(run, false, c.membership()::sealDatagram);
        if (peers.isEmpty() || held.isEmpty() || notHeld.isEmpty()) {
            return;
        }
        try {
            LauncherObituary.write(obituaryFile.get(), LauncherObituary.line(s.port(), held.get(), notHeld.get(),
                    peers));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot leave the launcher this run's obituary in {}: {}; the others will believe a crash of this "
                    + "JVM after the release allowance", obituaryFile.get(), e.toString());
        }
    }

    /** A run that stopped on purpose has resigned: its launcher has nothing to tell about it. */
    private void withdrawObituary() {
        obituaryFile.ifPresent(f -> {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("Cannot remove {}: {}", f, e.toString());
            }
        });
    }

    private void stopCluster(Cause cause) {
        Cluster c = cluster;
        if (c == null) {
            return;
        }
        cluster = null;
        c.jobs().forEach(j -> j.cancel(false));
        try {
            roleThread.submit(() -> {
                c.machine().stop(cause);
                withdrawObituary();
                c.membership().close();
            }).get(OPERATOR_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("The guardian did not stop cleanly; releasing the VIP anyway", e);
            vip.release();
            c.membership().close();
        }
    }

    private Path epochPath(Settings s) {
        if (s.epochFile().isPresent()) {
            return s.epochFile().get();
        }
        String karafData = System.getProperty("karaf.data");
        if (karafData != null && !karafData.isBlank()) {
            return Path.of(karafData, "gkguardian", "epoch");
        }
        File data = context == null ? null : context.getDataFile("epoch");
        return data != null ? data.toPath() : Path.of("gkguardian-epoch");
    }

    /** A one-shot task of the role thread (the role machine's wake-up at its next deadline); cancelled by the result. */
    private Runnable onRoleThreadAfter(long delayNanos, Runnable task) {
        try {
            ScheduledFuture<?> f = roleThread.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RuntimeException rejected) {
            // shutting down: nothing is due any more
            return () -> {
            };
        }
    }

    private Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                // A periodic task that throws is never run again: log and carry on.
                LOG.error("Guardian tick failed", e);
            }
        };
    }

    private static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Channel callbacks: stamp the time of hearing at once, handle the rest on the role thread. */
    private final class MembershipAdapter implements Membership.Listener {
        volatile RoleMachine machine;
        volatile Mirroring mirroring;

        @Override
        public void viewChanged(Set<InetAddress> members) {
            RoleMachine m = machine;
            submit(() -> m.onView(members));
        }

        @Override
        public void crashed(InetAddress member) {
            RoleMachine m = machine;
            submit(() -> m.onCrash(member));
        }

        @Override
        public void received(byte[] buf, int offset, int length) {
            long at = System.nanoTime();
            Wire.Message message;
            try {
                message = Wire.decode(buf, offset, length);
            } catch (IllegalArgumentException e) {
                if (Wire.isMirrorPush(buf, offset, length)) {
                    Mirroring mi = mirroring;
                    onMirrorThread(() -> mi.malformed(e.getMessage()));
                } else {
                    LOG.warn("Malformed guardian message dropped: {}", e.getMessage());
                }
                return;
            }
            if (message instanceof Wire.MirrorPush push) {
                // Files are written and the gatekeeper reloaded off the role thread, which must never wait for disks.
                Mirroring mi = mirroring;
                onMirrorThread(() -> mi.onPush(push));
                return;
            }
            RoleMachine m = machine;
            if (m.received(message, at)) {
                submit(() -> m.onMessage(message, at));
            }
        }

        /**
         * A datagram that verified (see {@link DatagramLine}): only a lease renewal from its master or an answer from
         * its voter travels this way; anything else is dropped.
         */
        @Override
        public void receivedDatagram(InetAddress from, byte[] payload) {
            long at = System.nanoTime();
            Wire.Message message;
            try {
                message = Wire.decode(payload, 0, payload.length);
            } catch (IllegalArgumentException e) {
                LOG.warn("Malformed guardian datagram from {} dropped: {}", from.getHostAddress(), e.getMessage());
                return;
            }
            if (message instanceof Wire.Obituary o) {
                RoleMachine m = machine;
                submit(() -> m.onObituary(from, o.incarnation(), o.heldVip(), at));
                return;
            }
            boolean fromItsSender = (message instanceof Wire.LeaseRenew r && r.master().equals(from))
                    || (message instanceof Wire.LeaseAck a && a.voter().equals(from));
            if (!fromItsSender) {
                LOG.debug("datagram from {} dropped: {} does not travel by datagram from it", from, message);
                return;
            }
            RoleMachine m = machine;
            if (m.received(message, true, at)) {
                submit(() -> m.onMessage(message, true, at));
            }
        }

        private void onMirrorThread(Runnable r) {
            try {
                mirrorThread.execute(guarded(r));
            } catch (RuntimeException rejected) {
                // shutting down
            }
        }

        private void submit(Runnable r) {
            try {
                roleThread.execute(r);
            } catch (RuntimeException rejected) {
                // shutting down
            }
        }
    }

    // ---------------------------------------------------------------- Guardian

    @Override
    public NodeStatus status() {
        Cluster c = cluster;
        if (c == null) {
            return new NodeStatus(configuredName == null ? "" : configuredName, InetAddress.getLoopbackAddress(), 0,
                    Role.INITIALIZING, problemSince == null ? Instant.now() : problemSince, 0, Optional.empty(),
                    Optional.empty(), List.of(), QuorumState.UNKNOWN, null, GatekeeperState.UNKNOWN, "", 0,
                    Optional.empty(), Optional.empty(), false, problem);
        }
        NodeStatus s = c.machine().status();
        if (problem.isEmpty()) {
            return s;
        }
        return new NodeStatus(s.name(), s.internalAddress(), s.priority(), s.role(), s.roleSince(), s.epoch(),
                s.master(), s.masterAddress(), s.vips(), s.quorum(), s.lease(), s.gatekeeper(), s.configDigest(),
                s.failoverCount(), s.lastFailover(), s.lastFailoverCause(), s.configured(), problem);
    }

    @Override
    public List<MemberStatus> members() {
        Cluster c = cluster;
        return c == null ? List.of() : c.machine().members();
    }

    @Override
    public List<RoleTransition> history() {
        return journal.history();
    }

    @Override
    public List<Alarm> activeAlarms() {
        List<Alarm> alarms = new ArrayList<>(journal.alarms());
        if (!problem.isEmpty()) {
            alarms.add(new Alarm("configuration", Severity.MAJOR, EventType.CONFIG_MISMATCH,
                    problemSince == null ? Instant.now() : problemSince, problem));
        }
        return List.copyOf(alarms);
    }

    @Override
    public OperatorResult switchover(Optional<String> target) {
        Optional<String> wanted = target == null ? Optional.empty() : target;
        OperatorResult result = onRoleThread(m -> m.switchover(wanted));
        if (result.outcome() == Outcome.REFUSED && result.message().startsWith(NO_ANSWER)) {
            // The operator was told it was refused: it must not happen later behind their back.
            Cluster c = cluster;
            if (c != null) {
                roleThread.execute(() -> c.machine().cancelSwitchover(wanted));
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- MirrorControl

    @Override
    public List<MirrorMemberStatus> mirrorStatus() {
        Cluster c = cluster;
        return c == null ? List.of() : c.mirroring().status();
    }

    @Override
    public OperatorResult push() {
        Cluster c = cluster;
        if (c == null) {
            return OperatorResult.refused(Outcome.REFUSED,
                    "the guardian has no valid configuration" + (problem.isEmpty() ? "" : ": " + problem));
        }
        try {
            return mirrorThread.submit(c.mirroring()::push).get(OPERATOR_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OperatorResult.refused(Outcome.REFUSED, "interrupted");
        } catch (Exception e) {
            return OperatorResult.refused(Outcome.REFUSED, NO_ANSWER + e);
        }
    }

    @Override
    public boolean progressing() {
        Cluster c = cluster;
        return c == null || c.machine().progressing();
    }

    @Override
    public Optional<Duration> watchdogLimit() {
        Cluster c = cluster;
        return c == null ? Optional.empty() : c.machine().watchdogLimit();
    }

    @Override
    public OperatorResult maintenance(boolean on) {
        return onRoleThread(m -> m.maintenance(on));
    }

    private OperatorResult onRoleThread(java.util.function.Function<RoleMachine, OperatorResult> command) {
        Cluster c = cluster;
        if (c == null) {
            return OperatorResult.refused(Outcome.REFUSED,
                    "the guardian has no valid configuration" + (problem.isEmpty() ? "" : ": " + problem));
        }
        Callable<OperatorResult> task = () -> command.apply(c.machine());
        java.util.concurrent.Future<OperatorResult> future;
        try {
            future = roleThread.submit(task);
        } catch (RuntimeException e) {
            return OperatorResult.refused(Outcome.REFUSED, "the guardian is stopping");
        }
        try {
            return future.get(OPERATOR_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            return OperatorResult.refused(Outcome.REFUSED, "interrupted");
        } catch (Exception e) {
            // Not run yet: it never will be. Already running: the caller undoes what it must.
            future.cancel(false);
            return OperatorResult.refused(Outcome.REFUSED, NO_ANSWER + e);
        }
    }
}

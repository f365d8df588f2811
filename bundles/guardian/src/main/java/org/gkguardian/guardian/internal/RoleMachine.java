package org.gkguardian.guardian.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ElectionInput;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperControl;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.MemberStatus;
import org.gkguardian.api.NodeStatus;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.Severity;
import org.gkguardian.api.VipControl;
import org.gkguardian.api.VipStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role state machine of one node. Every method except {@link #heard} and the snapshot readers runs on the
 * guardian's single role thread, so transitions are serialized without locks.
 *
 * <p>Safety rules carried out here: a master lets the VIP go first, before anything else, when its lease runs out
 * (it has not heard a quorum within the lease), when its JVM was paused (a gap of the monotonic clock between two
 * runs of this thread longer than the lease), or when the election names someone else. After a pause it forgets
 * everything it knew and ignores what it hears for a while, so it never acts on the view it had before the pause.
 * A node promotes itself only when nobody it hears still claims the master role.
 */
final class RoleMachine {

    private static final Logger LOG = LoggerFactory.getLogger(RoleMachine.class);

    private volatile Settings settings;
    private final ElectionRule rule;
    private final GatekeeperControl gatekeeper;
    private final VipControl vip;
    private final EpochStore epochs;
    private final Membership membership;
    private final Publisher publisher;
    private final Journal journal;
    private final LongSupplier nanos;
    private final Clock clock;
    private final LanCheck lanCheck;
    private final long leaseNanos;
    private final long presenceNanos;

    /** Last time each configured peer was heard, written by the channel's threads. */
    private final Map<InetAddress, Long> heardNanos = new ConcurrentHashMap<>();
    /** The newest clock reading of each member, to echo back to it. */
    private final Map<InetAddress, Wire.Echo> echoOf = new ConcurrentHashMap<>();
    private final Map<InetAddress, Wire.Echo> newestState = new HashMap<>();
    private final long incarnation = new java.security.SecureRandom().nextLong();
    private final Map<InetAddress, Peer> peers = new HashMap<>();
    private final Map<InetAddress, Long> inViewSince = new HashMap<>();
    private final Map<InetAddress, Instant> lastHeardAt = new ConcurrentHashMap<>();
    private final Map<InetAddress, MemberState> lastKnown = new ConcurrentHashMap<>();
    private final Set<InetAddress> warnedStrangers = new HashSet<>();

    private volatile long distrustUntil = Long.MIN_VALUE;
    private Role role = Role.INITIALIZING;
    private Instant roleSince;
    private long epoch;
    private boolean maintenance;
    private boolean gatekeeperHealthy = true;
    private boolean lanUp = true;
    private long vipConflictUntil = Long.MIN_VALUE;
    private long pausedUntil = Long.MIN_VALUE;
    private long gatekeeperFailedUntil = Long.MIN_VALUE;
    private long startedNanos;
    private long lastAliveNanos;
    private volatile long lastBroadcastNanos = Long.MIN_VALUE;
    private final Object sendLock = new Object();
    private volatile Outgoing outgoing;
    private long lastLanCheckNanos = Long.MIN_VALUE;
    private long eligibleSinceNanos = Long.MIN_VALUE;
    private long witnessAnsweredNanos = Long.MIN_VALUE;
    private volatile boolean started;
    private volatile boolean stopped;
    private boolean settledOnce;
    private QuorumState quorum = QuorumState.UNKNOWN;
    private boolean splitBrain;
    private String observedMaster = "";
    private String configDigest = "";
    private Pending switchover;
    private volatile NodeStatus snapshot;
    private volatile List<MemberStatus> memberSnapshot = List.of();

    private record Peer(MemberState state, GatekeeperState gatekeeper, String follows) {
    }

    private record Pending(String target, String requestedBy, long expiresNanos) {
    }

    private record Outgoing(MemberState state, GatekeeperState gatekeeper, String follows, Set<InetAddress> view) {
    }

    /**
     * Settings that are safe to change on a running member (priority, preemption, history size): the next
     * state this node shares carries them, and no new election or membership restart is needed. Run on the
     * role thread.
     */
    void updateLiveSettings(Settings next) {
        LOG.info("Guardian {} applies live settings: priority {} -> {}, preempt {} -> {}", settings.nodeName(),
                settings.priority(), next.priority(), settings.preempt(), next.preempt());
        settings = next;
    }

    RoleMachine(Settings settings, ElectionRule rule, GatekeeperControl gatekeeper, VipControl vip, EpochStore epochs,
            Membership membership, Publisher publisher, Journal journal, LongSupplier nanos, Clock clock,
            LanCheck lanCheck) {
        this.settings = settings;
        this.rule = rule;
        this.gatekeeper = gatekeeper;
        this.vip = vip;
        this.epochs = epochs;
        this.membership = membership;
        this.publisher = publisher;
        this.journal = journal;
        this.nanos = nanos;
        this.clock = clock;
        this.lanCheck = lanCheck;
        this.leaseNanos = settings.timings().leaseMs() * 1_000_000L;
        this.presenceNanos = (settings.timings().failureTimeoutMs() + settings.timings().verifyTimeoutMs()) * 1_000_000L;
        this.epoch = epochs.current();
        this.roleSince = clock.instant();
        this.snapshot = buildStatus();
    }

    // ---------------------------------------------------------------- inputs

    void start() {
        startedNanos = nanos.getAsLong();
        lastAliveNanos = startedNanos;
        lastLanCheckNanos = startedNanos - settings.timings().heartbeatMs() * 1_000_000L;
        lastBroadcastNanos = lastLanCheckNanos;
        lanUp = lanCheck.up(settings.internalAddress());
        started = true;
        configDigest = safeDigest();
        LOG.info("Guardian {} starting: {}, epoch {}", settings.nodeName(), settings, epoch);
        evaluate();
        leave();
    }

    /**
     * The channel brought a member's state; called on the channel's thread, before the message is handled. The
     * member counts as heard at the moment we sent the state it echoes, never later: a message that was delayed,
     * buffered or retransmitted shows its age.
     */
    void heard(Wire.StateMessage s, long atNanos) {
        InetAddress from = s.state().internalAddress();
        if (atNanos < distrustUntil || !settings.members().contains(from)
                || from.equals(settings.internalAddress())) {
            return;
        }
        echoOf.merge(from, new Wire.Echo(s.incarnation(), s.sentNanos()),
                (old, neu) -> old.incarnation() != neu.incarnation() || neu.sentNanos() > old.sentNanos() ? neu : old);
        Wire.Echo echo = s.echoes().get(settings.internalAddress());
        if (echo == null || echo.incarnation() != incarnation) {
            return;
        }
        heardNanos.merge(from, Math.min(echo.sentNanos(), atNanos), Math::max);
    }

    void onView(Set<InetAddress> members) {
        if (!enter()) {
            return;
        }
        long now = nanos.getAsLong();
        Set<InetAddress> others = new HashSet<>(members);
        others.remove(settings.internalAddress());
        for (InetAddress gone : new ArrayList<>(inViewSince.keySet())) {
            if (!others.contains(gone)) {
                inViewSince.remove(gone);
                peers.remove(gone);
                heardNanos.remove(gone);
                if (settings.members().contains(gone)) {
                    String who = nameOf(gone);
                    raise(EventType.MEMBER_DOWN, Cause.FAILURE, Map.of(GuardianEvent.MEMBER, who),
                            "member-down:" + gone.getHostAddress(), Severity.MAJOR, "member " + who + " left the view");
                }
            }
        }
        for (InetAddress a : others) {
            if (!inViewSince.containsKey(a) && settings.members().contains(a)) {
                inViewSince.put(a, now);
                String who = nameOf(a);
                clear("member-down:" + a.getHostAddress());
                event(EventType.MEMBER_UP, Cause.ELECTION, Map.of(GuardianEvent.MEMBER, who));
            }
        }
        LOG.debug("view: {}", members);
        broadcast();
        evaluate();
        leave();
    }

    void onMessage(Wire.Message message, long receivedNanos) {
        if (!enter()) {
            return;
        }
        if (receivedNanos >= distrustUntil) {
            if (message instanceof Wire.StateMessage s) {
                onState(s);
            } else if (message instanceof Wire.SwitchoverRequest r) {
                long timeout = 2 * settings.timings().startupGraceMs() + 5000;
                switchover = new Pending(r.target(), r.requestedBy(), nanos.getAsLong() + timeout * 1_000_000L);
                LOG.info("Switchover to {} requested by {}", r.target(), r.requestedBy());
            }
            evaluate();
        }
        leave();
    }

    private void onState(Wire.StateMessage s) {
        MemberState m = s.state();
        InetAddress from = m.internalAddress();
        if (from.equals(settings.internalAddress()) || !settings.members().contains(from)) {
            if (warnedStrangers.add(from)) {
                LOG.warn("Ignoring state from {} ({}): it is {} the configured members", m.name(),
                        from.getHostAddress(), from.equals(settings.internalAddress()) ? "using my address among"
                                : "not one of");
            }
            return;
        }
        Wire.Echo stamp = new Wire.Echo(s.incarnation(), s.sentNanos());
        Wire.Echo newest = newestState.get(from);
        if (newest != null && newest.incarnation() == stamp.incarnation() && newest.sentNanos() >= stamp.sentNanos()) {
            return; // an older state overtaken by a newer one (retransmission)
        }
        newestState.put(from, stamp);
        if (!fresh(from, nanos.getAsLong())) {
            return; // no proof of a round trip: it may be from before a partition or a pause
        }
        peers.put(from, new Peer(m, s.gatekeeper(), s.master()));
        lastKnown.put(from, m);
        lastHeardAt.put(from, clock.instant());
        if (m.epoch() > epoch) {
            epoch = epochs.raiseTo(m.epoch());
        }
        String mismatch = "config-mismatch:" + from.getHostAddress();
        if (!configDigest.isEmpty() && !m.configDigest().isEmpty() && !configDigest.equals(m.configDigest())) {
            raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()), mismatch,
                    Severity.WARNING, "gatekeeper configuration of " + m.name() + " differs from ours");
        } else {
            journal.clear(mismatch);
        }
    }

    void tick() {
        if (!enter()) {
            return;
        }
        long now = nanos.getAsLong();
        long hb = settings.timings().heartbeatMs() * 1_000_000L;
        if (now - lastLanCheckNanos >= hb) {
            lastLanCheckNanos = now;
            lanUp = lanCheck.up(settings.internalAddress());
            configDigest = safeDigest();
        }
        if (switchover != null && now > switchover.expiresNanos()) {
            if (switchover.requestedBy().equals(settings.nodeName())) {
                event(EventType.SWITCHOVER_FAILED, Cause.SWITCHOVER, Map.of(GuardianEvent.MEMBER, switchover.target(),
                        GuardianEvent.TEXT, "the target did not become master in time"));
            }
            LOG.warn("Switchover to {} did not complete in time; dropped", switchover.target());
            switchover = null;
        }
        evaluate();
        if (now - lastBroadcastNanos >= hb) {
            broadcast();
        }
        leave();
    }

    void gatekeeperHealthChanged() {
        if (!enter()) {
            return;
        }
        evaluate();
        leave();
    }

    void witnessAnswered(boolean answered, long atNanos) {
        if (answered) {
            witnessAnsweredNanos = atNanos;
        }
    }

    OperatorResult switchover(Optional<String> requested) {
        if (!enter()) {
            return OperatorResult.refused(Outcome.REFUSED, "the guardian is stopped");
        }
        try {
            long now = nanos.getAsLong();
            QuorumState q = quorum(now);
            if (!q.allowsMaster()) {
                return OperatorResult.refused(Outcome.REFUSED, "this partition is not quorate (" + q.label() + ")");
            }
            List<MemberState> visible = visibleStates(now);
            Optional<MemberState> master = visible.stream().filter(m -> m.role() == Role.MASTER).findFirst();
            MemberState target;
            if (requested.isEmpty() || requested.get().isBlank()) {
                Optional<MemberState> best = visible.stream()
                        .filter(m -> master.map(x -> !x.name().equals(m.name())).orElse(true))
                        .filter(MemberState::eligible)
                        .max(Comparator.comparingInt(MemberState::priority)
                                .thenComparing(m -> new BigInteger(1, m.internalAddress().getAddress())));
                if (best.isEmpty()) {
                    return OperatorResult.refused(Outcome.TARGET_NOT_ELIGIBLE,
                            "no other eligible member is reachable");
                }
                target = best.get();
            } else {
                String wanted = requested.get().trim();
                Optional<MemberState> found = visible.stream().filter(m -> matches(m, wanted)).findFirst();
                if (found.isEmpty()) {
                    boolean configured = settings.members().stream().anyMatch(a -> a.getHostAddress().equals(wanted))
                            || lastKnown.values().stream().anyMatch(m -> m.name().equals(wanted));
                    return configured
                            ? OperatorResult.refused(Outcome.TARGET_NOT_ELIGIBLE, wanted + " is unreachable")
                            : OperatorResult.refused(Outcome.UNKNOWN_TARGET, wanted + " is not a configured member");
                }
                target = found.get();
                if (master.isPresent() && master.get().name().equals(target.name())) {
                    return new OperatorResult(Outcome.ALREADY_DONE, target.name() + " is already master");
                }
                if (target.maintenance() || target.role() == Role.MAINTENANCE) {
                    return OperatorResult.refused(Outcome.TARGET_NOT_ELIGIBLE, target.name() + " is in maintenance");
                }
                if (!target.eligible()) {
                    return OperatorResult.refused(Outcome.TARGET_NOT_ELIGIBLE, target.name() + " is unhealthy ("
                            + target.role().label() + ")");
                }
            }
            long timeout = 2 * settings.timings().startupGraceMs() + 5000;
            switchover = new Pending(target.name(), settings.nodeName(), now + timeout * 1_000_000L);
            membership.send(Wire.encode(new Wire.SwitchoverRequest(target.name(), settings.nodeName())));
            LOG.info("Switchover to {} requested by the operator on {}", target.name(), settings.nodeName());
            evaluate();
            return OperatorResult.accepted("switchover to " + target.name() + " requested");
        } finally {
            leave();
        }
    }

    OperatorResult maintenance(boolean on) {
        if (!enter()) {
            return OperatorResult.refused(Outcome.REFUSED, "the guardian is stopped");
        }
        try {
            if (maintenance == on) {
                return new OperatorResult(Outcome.ALREADY_DONE, "maintenance is already " + (on ? "on" : "off"));
            }
            if (on && role == Role.MASTER) {
                boolean successor = visibleStates(nanos.getAsLong()).stream()
                        .anyMatch(m -> !m.name().equals(settings.nodeName()) && m.eligible());
                if (!successor) {
                    return OperatorResult.refused(Outcome.REFUSED,
                            "no other eligible member could take the master role over");
                }
            }
            maintenance = on;
            LOG.info("Maintenance {} on {} by the operator", on ? "on" : "off", settings.nodeName());
            evaluate();
            return OperatorResult.accepted("maintenance " + (on ? "on" : "off"));
        } finally {
            leave();
        }
    }

    /** Lets the VIP go, stands the gatekeeper down, tells the others and stops. */
    void stop(Cause cause) {
        if (stopped) {
            return;
        }
        if (role == Role.MASTER) {
            demote(Role.STOPPED, cause, "guardian stopping");
        } else {
            setRole(Role.STOPPED, cause, "guardian stopping", 0);
        }
        broadcast();
        stopped = true;
        refreshSnapshots();
    }

    // ---------------------------------------------------------------- the heart

    /**
     * Runs first in every task of the role thread. A gap since the last task longer than the lease means this JVM
     * was stopped: the VIP goes first, then everything known is forgotten.
     */
    private boolean enter() {
        if (!started || stopped) {
            return false;
        }
        long now = nanos.getAsLong();
        long gap = now - lastAliveNanos;
        if (gap > leaseNanos) {
            long gapMs = gap / 1_000_000L;
            if (role == Role.MASTER) {
                vip.release();
                LOG.warn("Pause of {} ms detected while master: VIP released", gapMs);
                demote(Role.BACKUP, Cause.LEASE_EXPIRED, "JVM paused for " + gapMs + " ms");
            } else {
                LOG.warn("Pause of {} ms detected on {}", gapMs, settings.nodeName());
            }
            distrustUntil = now + settings.timings().distrustMs() * 1_000_000L;
            // A node whose JVM stood still stays out of the elections long enough for the others to take over,
            // including their wait after seeing the VIP still answer from this host while it was stopped.
            pausedUntil = now + 4 * settings.timings().distrustMs() * 1_000_000L;
            peers.clear();
            heardNanos.clear();
            echoOf.clear();
        }
        lastAliveNanos = now;
        return true;
    }

    /** Runs last in every task: remember when this thread was last alive, tell the others if we changed. */
    private void leave() {
        lastAliveNanos = nanos.getAsLong();
        // What it follows counts too: a backup that stops following a vanished master must say so at once, since
        // an elected backup waits for every member it hears to stop following another master.
        Outgoing last = outgoing;
        if (last == null || !myState(lastAliveNanos).equals(last.state()) || !followsNow().equals(last.follows())
                || !safeGatekeeperState().equals(last.gatekeeper())) {
            broadcast();
        }
        refreshSnapshots();
    }

    private void evaluate() {
        long now = nanos.getAsLong();
        peers.keySet().removeIf(a -> !fresh(a, now));
        GatekeeperState gk = safeGatekeeperState();
        boolean gkHealthy = gk.healthy() && now >= gatekeeperFailedUntil;
        if (gkHealthy != gatekeeperHealthy) {
            gatekeeperHealthy = gkHealthy;
            if (gkHealthy) {
                clear("gatekeeper-fault");
                event(EventType.GATEKEEPER_RECOVERED, Cause.HEALTH, Map.of());
            } else {
                raise(EventType.GATEKEEPER_FAULT, Cause.HEALTH, Map.of(), "gatekeeper-fault", Severity.CRITICAL,
                        "the local gatekeeper is " + gk.label());
            }
        }
        if (now >= vipConflictUntil && journal.active("vip-conflict") && role != Role.MASTER) {
            journal.clear("vip-conflict");
        }
        boolean healthy = healthyNow(now);
        if (healthy && !maintenance && role != Role.FAULT) {
            if (eligibleSinceNanos == Long.MIN_VALUE) {
                eligibleSinceNanos = now;
            }
        } else {
            eligibleSinceNanos = Long.MIN_VALUE;
        }

        QuorumState q = quorum(now);
        boolean settled = settled(now);
        updateQuorum(q, settled);
        List<MemberState> visible = visibleStates(now);
        watchMasters(visible, now);

        // 1. What makes a master let go at once.
        if (role == Role.MASTER) {
            if (!q.allowsMaster()) {
                boolean viewHasQuorum = 1 + inViewSince.size() >= settings.quorumSize();
                demote(maintenance ? Role.MAINTENANCE : Role.BACKUP,
                        viewHasQuorum ? Cause.LEASE_EXPIRED : Cause.QUORUM,
                        viewHasQuorum ? "no quorum heard within the lease of " + settings.timings().leaseMs() + " ms"
                                : "this partition lost quorum");
                return;
            }
            if (!healthy) {
                demote(Role.FAULT, Cause.HEALTH, unhealthyReason(now));
                return;
            }
        }

        // 2. Where a node that is not master rests (a starting node rests only once it knows it is not elected).
        Role resting = maintenance ? Role.MAINTENANCE : healthy ? Role.BACKUP : Role.FAULT;
        if (role != Role.MASTER && role != resting && (role != Role.INITIALIZING || resting != Role.BACKUP)) {
            Cause cause = resting == Role.MAINTENANCE || role == Role.MAINTENANCE ? Cause.MAINTENANCE
                    : role == Role.INITIALIZING ? Cause.STARTUP : Cause.HEALTH;
            setRole(resting, cause, resting == Role.FAULT ? unhealthyReason(now) : "", 0);
        }

        // 3. The election.
        if (settled) {
            elect(now, q, healthy, visible);
            if (role == Role.INITIALIZING) {
                setRole(Role.BACKUP, Cause.STARTUP, "", 0);
            }
        }
    }

    private void elect(long now, QuorumState q, boolean healthy, List<MemberState> visible) {
        ElectionResult result;
        try {
            result = rule.decide(new ElectionInput(visible, q.allowsMaster(), settings.preempt(),
                    Optional.ofNullable(switchover).map(Pending::target)));
        } catch (RuntimeException e) {
            LOG.error("The election rule failed; keeping the current roles", e);
            return;
        }
        boolean chosen = result.master().filter(settings.nodeName()::equals).isPresent();
        if (role == Role.MASTER && !chosen) {
            demote(maintenance ? Role.MAINTENANCE : Role.BACKUP, demotionCause(visible, result),
                    result.reason().isEmpty() ? "the election chose " + result.master().orElse("nobody")
                            : result.reason());
        } else if (role != Role.MASTER && chosen) {
            if (!q.allowsMaster() || !healthy || maintenance || now < distrustUntil) {
                return;
            }
            Optional<MemberState> holder = visible.stream()
                    .filter(m -> m.role() == Role.MASTER && !m.name().equals(settings.nodeName())).findFirst();
            if (holder.isPresent()) {
                LOG.debug("elected, waiting for {} to let the master role go", holder.get().name());
                return;
            }
            // A member I hear still follows a master I do not hear (yet): it knows something I do not.
            Set<String> heardNames = new HashSet<>();
            visible.forEach(m -> heardNames.add(m.name()));
            Optional<Peer> follower = peers.values().stream().filter(p -> fresh(p.state().internalAddress(), now))
                    .filter(p -> !p.follows().isEmpty() && !heardNames.contains(p.follows())).findFirst();
            if (follower.isPresent()) {
                LOG.debug("elected, but {} still follows {}", follower.get().state().name(), follower.get().follows());
                return;
            }
            promote(promotionCause(result), result.reason());
        }
    }

    /**
     * Whether this node knows enough to take part in an election: not right after a pause, past the startup grace
     * (or it has heard every configured member), and it holds a current state of every member it hears. A state is
     * dropped as soon as its member falls silent for the lease, so an old state is never combined with a new sign
     * of life; a member heard again counts only once its new state has been handled.
     */
    private boolean settled(long now) {
        if (now < distrustUntil) {
            return false;
        }
        long grace = settings.timings().startupGraceMs() * 1_000_000L;
        for (Map.Entry<InetAddress, Long> e : inViewSince.entrySet()) {
            InetAddress a = e.getKey();
            if (peers.containsKey(a)) {
                continue;
            }
            if (fresh(a, now) || now - e.getValue() < grace) {
                return false;
            }
        }
        if (settledOnce) {
            return true;
        }
        boolean heardAll = settings.members().stream()
                .filter(a -> !a.equals(settings.internalAddress()))
                .allMatch(a -> peers.containsKey(a) && fresh(a, now));
        if (heardAll || now - startedNanos >= settings.startupGraceMs() * 1_000_000L) {
            settledOnce = true;
            return true;
        }
        return false;
    }

    private void promote(Cause cause, String reason) {
        long t0 = nanos.getAsLong();
        long known = epoch;
        for (Peer p : peers.values()) {
            known = Math.max(known, p.state().epoch());
        }
        epoch = epochs.raiseTo(known + 1);
        RoleContext context = new RoleContext(settings.nodeName(), Role.MASTER, epoch, vip.configured());
        try {
            gatekeeper.prepareMaster(context);
        } catch (GatekeeperControl.GatekeeperException | RuntimeException e) {
            LOG.error("Promotion of {} aborted: the gatekeeper could not be made ready: {}", settings.nodeName(),
                    e.getMessage());
            gatekeeperFailedUntil = nanos.getAsLong() + settings.timings().distrustMs() * 1_000_000L;
            safeStandDown(context);
            setRole(Role.FAULT, Cause.HEALTH, "gatekeeper could not be made ready: " + e.getMessage(), 0);
            return;
        }
        // Starting the gatekeeper may take seconds: still allowed to take the VIP?
        long now = nanos.getAsLong();
        if (!quorum(now).allowsMaster() || now < distrustUntil) {
            LOG.warn("Promotion of {} aborted: quorum was lost while the gatekeeper got ready", settings.nodeName());
            safeStandDown(context);
            return;
        }
        try {
            vip.bind(context);
        } catch (VipControl.VipException | RuntimeException e) {
            vip.release();
            safeStandDown(context);
            boolean conflict = e instanceof VipControl.VipException v && v.conflict();
            if (conflict) {
                vipConflictUntil = nanos.getAsLong() + 3 * settings.timings().distrustMs() * 1_000_000L;
                raise(EventType.VIP_CONFLICT, Cause.VIP_CONFLICT, Map.of(GuardianEvent.TEXT, e.getMessage()),
                        "vip-conflict", Severity.CRITICAL, "another host answers for the VIP: " + e.getMessage());
            }
            LOG.error("Promotion of {} aborted: the VIP could not be bound: {}", settings.nodeName(), e.getMessage());
            setRole(Role.FAULT, conflict ? Cause.VIP_CONFLICT : Cause.HEALTH, "VIP bind failed: " + e.getMessage(), 0);
            return;
        }
        String old = observedMaster;
        long took = nanos.getAsLong() - t0;
        setRole(Role.MASTER, cause, reason, took);
        Map<String, String> details = new HashMap<>();
        details.put(GuardianEvent.OLD_MASTER, old);
        details.put(GuardianEvent.NEW_MASTER, settings.nodeName());
        event(EventType.MASTER_CHANGED, cause, details);
        if (switchover != null && switchover.target().equals(settings.nodeName())) {
            switchover = null;
        }
        broadcast();
    }

    private void demote(Role to, Cause cause, String detail) {
        long t0 = nanos.getAsLong();
        if (role == Role.MASTER) {
            vip.release();
            safeStandDown(new RoleContext(settings.nodeName(), to, epoch, vip.configured()));
        }
        setRole(to, cause, detail, nanos.getAsLong() - t0);
        broadcast();
    }

    private void setRole(Role to, Cause cause, String detail, long tookNanos) {
        Role from = role;
        if (from == to) {
            return;
        }
        role = to;
        roleSince = clock.instant();
        String master = to == Role.MASTER ? settings.nodeName() : from == Role.MASTER ? "" : observedMaster;
        RoleTransition t = new RoleTransition(settings.nodeName(), from, to, epoch, cause, roleSince,
                Duration.ofNanos(tookNanos), master, detail);
        journal.record(t);
        LOG.info("Role {} -> {} on {} (epoch {}, cause {}, took {} ms, master '{}'){}", from.label(), to.label(),
                settings.nodeName(), epoch, cause.label(), tookNanos / 1_000_000L, master,
                detail.isEmpty() ? "" : ": " + detail);
        publisher.transition(t);
        if (to == Role.MASTER) {
            watchMasters(visibleStates(nanos.getAsLong()), nanos.getAsLong());
        }
    }

    // ---------------------------------------------------------------- observations

    /**
     * Heard within the presence window: failure timeout plus verify time, as long as JGroups takes to drop a silent
     * member. It is longer than the lease on purpose: a master cut off from the others gives up at the end of its
     * lease, before any backup can have stopped seeing it.
     */
    private boolean fresh(InetAddress a, long now) {
        return heardWithin(a, now, presenceNanos);
    }

    private boolean heardWithin(InetAddress a, long now, long window) {
        Long at = heardNanos.get(a);
        return at != null && now - at <= window && inViewSince.containsKey(a);
    }

    private QuorumState quorum(long now) {
        int heard = 1;
        for (InetAddress a : settings.members()) {
            if (!a.equals(settings.internalAddress()) && heardWithin(a, now, leaseNanos)) {
                heard++;
            }
        }
        return switch (settings.quorumPolicy()) {
            case NONE -> QuorumState.NOT_REQUIRED;
            case MAJORITY -> heard >= settings.quorumSize() ? QuorumState.QUORATE : QuorumState.LOST;
            case WITNESS -> heard == settings.members().size()
                    || (witnessAnsweredNanos != Long.MIN_VALUE && now - witnessAnsweredNanos <= leaseNanos)
                            ? QuorumState.QUORATE : QuorumState.LOST;
        };
    }

    private void updateQuorum(QuorumState q, boolean settled) {
        if (q == quorum || (!settled && q == QuorumState.LOST)) {
            return;
        }
        QuorumState before = quorum;
        quorum = q;
        if (q == QuorumState.LOST) {
            raise(EventType.QUORUM_LOST, Cause.QUORUM, Map.of(), "quorum-lost", Severity.CRITICAL,
                    "this partition does not hold quorum (" + settings.quorumPolicy().label() + ")");
        } else if (before == QuorumState.LOST) {
            clear("quorum-lost");
            event(EventType.QUORUM_REGAINED, Cause.QUORUM, Map.of());
        }
    }

    /** This node and every member heard within the lease. */
    private List<MemberState> visibleStates(long now) {
        List<MemberState> out = new ArrayList<>();
        out.add(myState(now));
        for (Map.Entry<InetAddress, Peer> e : peers.entrySet()) {
            if (fresh(e.getKey(), now)) {
                out.add(e.getValue().state());
            }
        }
        return out;
    }

    private void watchMasters(List<MemberState> visible, long now) {
        List<MemberState> masters = visible.stream().filter(m -> m.role() == Role.MASTER).toList();
        if (masters.size() > 1 && !splitBrain) {
            splitBrain = true;
            String names = String.join(",", masters.stream().map(MemberState::name).toList());
            raise(EventType.SPLIT_BRAIN_DETECTED, Cause.SPLIT_BRAIN, Map.of(GuardianEvent.TEXT, names),
                    "split-brain", Severity.CRITICAL, "more than one master: " + names);
        } else if (masters.size() <= 1 && splitBrain) {
            splitBrain = false;
            clear("split-brain");
            event(EventType.SPLIT_BRAIN_HEALED, Cause.SPLIT_BRAIN, Map.of());
        }
        if (masters.size() == 1) {
            String now1 = masters.get(0).name();
            if (!now1.equals(observedMaster)) {
                if (!observedMaster.isEmpty() || journal.failoverCount() > 0 || masterSeenBefore) {
                    Cause cause = switchover != null && switchover.target().equals(now1) ? Cause.SWITCHOVER
                            : Cause.FAILURE;
                    journal.failover(clock.instant(), cause);
                }
                masterSeenBefore = true;
                observedMaster = now1;
            }
        } else if (masters.isEmpty() && !observedMaster.isEmpty()) {
            observedMaster = "";
        }
    }

    private boolean masterSeenBefore;

    private Cause promotionCause(ElectionResult result) {
        if (switchover != null && switchover.target().equals(settings.nodeName())) {
            return Cause.SWITCHOVER;
        }
        if (masterSeenBefore) {
            return result.cause() == Cause.PREEMPTION ? Cause.PREEMPTION : Cause.FAILURE;
        }
        return Cause.ELECTION;
    }

    private Cause demotionCause(List<MemberState> visible, ElectionResult result) {
        if (maintenance) {
            return Cause.MAINTENANCE;
        }
        if (switchover != null) {
            return Cause.SWITCHOVER;
        }
        boolean otherMaster = visible.stream()
                .anyMatch(m -> m.role() == Role.MASTER && !m.name().equals(settings.nodeName()));
        if (otherMaster) {
            return Cause.SPLIT_BRAIN;
        }
        if (visible.stream().anyMatch(MemberState::preemptRequested)) {
            return Cause.PREEMPTION;
        }
        return result.cause();
    }

    private boolean healthyNow(long now) {
        return gatekeeperHealthy && lanUp && now >= vipConflictUntil && now >= pausedUntil;
    }

    private String unhealthyReason(long now) {
        if (!lanUp) {
            return "internal LAN lost (" + settings.internalAddress().getHostAddress() + " is not on an interface "
                    + "that is up)";
        }
        if (now < vipConflictUntil) {
            return "VIP conflict";
        }
        if (now < pausedUntil) {
            return "recovering from a pause of this JVM";
        }
        return "gatekeeper unhealthy";
    }

    private MemberState myState(long now) {
        boolean preemptRequested = settings.preempt() && role == Role.BACKUP && eligibleSinceNanos != Long.MIN_VALUE
                && now - eligibleSinceNanos >= settings.preemptDelayMs() * 1_000_000L;
        return new MemberState(settings.nodeName(), settings.internalAddress(), settings.priority(),
                healthyNow(now), role, epoch, maintenance, configDigest, preemptRequested);
    }

    private String followsNow() {
        return role == Role.MASTER ? settings.nodeName() : observedMaster;
    }

    /** Publishes this node's state (role thread only), then sends it. */
    private void broadcast() {
        long now = nanos.getAsLong();
        MemberState me = myState(now);
        outgoing = new Outgoing(me, safeGatekeeperState(), followsNow(), Set.copyOf(inViewSince.keySet()));
        send();
    }

    /**
     * Sends the last published state, if nothing was sent for a heartbeat interval. Safe from any thread: the
     * component calls it from a thread of its own too, so that others keep hearing this node (and echoing its
     * clock) while the role thread is busy starting the gatekeeper or binding the VIP.
     */
    void heartbeat() {
        if (started && !stopped
                && nanos.getAsLong() - lastBroadcastNanos >= settings.timings().heartbeatMs() * 1_000_000L) {
            send();
        }
    }

    private void send() {
        synchronized (sendLock) {
            Outgoing o = outgoing;
            if (o == null) {
                return;
            }
            // Stamped under the lock, so that a later stamp always carries the later state.
            long now = nanos.getAsLong();
            lastBroadcastNanos = now;
            Map<InetAddress, Wire.Echo> echoes = new HashMap<>();
            for (InetAddress a : o.view()) {
                Wire.Echo e = echoOf.get(a);
                if (e != null) {
                    echoes.put(a, e);
                }
            }
            membership.send(Wire.encode(new Wire.StateMessage(o.state(), o.gatekeeper(), incarnation, now, echoes,
                    o.follows())));
        }
    }

    // ---------------------------------------------------------------- events

    private void raise(EventType type, Cause cause, Map<String, String> details, String alarmId, Severity severity,
            String text) {
        Instant at = clock.instant();
        if (journal.raise(new Alarm(alarmId, severity, type, at, text))) {
            LOG.warn("{} on {}: {}", type.label(), settings.nodeName(), text);
            Map<String, String> d = new HashMap<>(details);
            d.putIfAbsent(GuardianEvent.TEXT, text);
            publisher.event(new GuardianEvent(type, settings.nodeName(), epoch, cause, at, d));
        }
    }

    private void clear(String alarmId) {
        journal.clear(alarmId);
    }

    private void event(EventType type, Cause cause, Map<String, String> details) {
        LOG.info("{} on {} {}", type.label(), settings.nodeName(), details);
        publisher.event(new GuardianEvent(type, settings.nodeName(), epoch, cause, clock.instant(), details));
    }

    // ---------------------------------------------------------------- edges that must not throw into the machine

    private GatekeeperState safeGatekeeperState() {
        try {
            return Objects.requireNonNullElse(gatekeeper.state(), GatekeeperState.UNKNOWN);
        } catch (RuntimeException e) {
            LOG.warn("Gatekeeper state unavailable: {}", e.toString());
            return GatekeeperState.FAILED;
        }
    }

    private String safeDigest() {
        try {
            return Objects.requireNonNullElse(gatekeeper.configDigest(), "");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private void safeStandDown(RoleContext context) {
        try {
            gatekeeper.standDown(context);
        } catch (RuntimeException e) {
            LOG.error("Gatekeeper stand-down failed: {}", e.toString());
        }
    }

    private boolean matches(MemberState m, String wanted) {
        return m.name().equals(wanted) || m.internalAddress().getHostAddress().equals(wanted);
    }

    private String nameOf(InetAddress a) {
        MemberState m = lastKnown.get(a);
        return m != null ? m.name() : a.getHostAddress();
    }

    // ---------------------------------------------------------------- snapshots for other threads

    private void refreshSnapshots() {
        snapshot = buildStatus();
        long now = nanos.getAsLong();
        List<MemberStatus> rows = new ArrayList<>();
        int index = 1;
        for (InetAddress a : settings.members()) {
            if (a.equals(settings.internalAddress())) {
                rows.add(new MemberStatus(index++, settings.nodeName(), a, true, Optional.of(clock.instant()),
                        Optional.of(myState(now)), safeGatekeeperState()));
            } else {
                Peer p = peers.get(a);
                boolean reachable = fresh(a, now) && p != null;
                rows.add(new MemberStatus(index++, nameOf(a), a, reachable, Optional.ofNullable(lastHeardAt.get(a)),
                        Optional.ofNullable(lastKnown.get(a)), p == null ? GatekeeperState.UNKNOWN : p.gatekeeper()));
            }
        }
        memberSnapshot = List.copyOf(rows);
    }

    private NodeStatus buildStatus() {
        long now = started ? nanos.getAsLong() : 0;
        Optional<InetAddress> masterAddress = Optional.empty();
        if (role == Role.MASTER) {
            masterAddress = Optional.of(settings.internalAddress());
        } else if (!observedMaster.isEmpty()) {
            masterAddress = peers.values().stream().map(Peer::state).filter(m -> m.name().equals(observedMaster))
                    .map(MemberState::internalAddress).findFirst();
        }
        Duration lease = Duration.ZERO;
        if (role == Role.MASTER) {
            lease = Duration.ofNanos(Math.max(0, leaseRemaining(now)));
        }
        List<VipStatus> vips;
        try {
            vips = vip.status();
        } catch (RuntimeException e) {
            vips = List.of();
        }
        return new NodeStatus(settings.nodeName(), settings.internalAddress(), settings.priority(), role, roleSince,
                epoch, observedMaster.isEmpty() ? Optional.empty() : Optional.of(observedMaster), masterAddress, vips,
                quorum, lease, safeGatekeeperState(), configDigest, journal.failoverCount(), journal.lastFailover(),
                journal.lastFailoverCause(), true, role == Role.FAULT ? unhealthyReason(now) : "");
    }

    /** How long this master may still hold the role without hearing anyone again. */
    private long leaseRemaining(long now) {
        if (settings.quorumPolicy() == QuorumPolicy.NONE) {
            return leaseNanos;
        }
        List<Long> times = new ArrayList<>();
        for (InetAddress a : settings.members()) {
            if (!a.equals(settings.internalAddress()) && heardWithin(a, now, leaseNanos)) {
                times.add(heardNanos.get(a));
            }
        }
        times.sort(Comparator.reverseOrder());
        long best = Long.MIN_VALUE;
        int needed = settings.quorumSize() - 1;
        if (needed == 0) {
            return leaseNanos;
        }
        if (times.size() >= needed) {
            best = times.get(needed - 1);
        }
        if (settings.quorumPolicy() == QuorumPolicy.WITNESS) {
            best = Math.max(best, witnessAnsweredNanos);
        }
        return best == Long.MIN_VALUE ? 0 : leaseNanos - (now - best);
    }

    NodeStatus status() {
        return snapshot;
    }

    List<MemberStatus> members() {
        return memberSnapshot;
    }

    Role role() {
        return role;
    }
}

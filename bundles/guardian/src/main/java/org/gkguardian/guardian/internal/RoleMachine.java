package org.gkguardian.guardian.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
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
 * The role state machine of one node. Every method except {@link #heard}, {@link #heartbeat} and the snapshot
 * readers runs on the guardian's single role thread, so transitions are serialized without locks.
 *
 * <p>Who may be master is decided by {@link Agreement} (votes and leases); which member should be is decided by the
 * election rule over what {@link PeerTracker} knows; this class carries the decisions out. A master lets the VIP go
 * first, before anything else, when its lease runs out, when its JVM was paused for longer than the voters' promise,
 * or when the election names someone else; only then does it tell its voters that it resigned. A candidate binds the
 * VIP only once a majority granted it the epoch and its lease still has room for the bind.
 */
final class RoleMachine {

    private static final Logger LOG = LoggerFactory.getLogger(RoleMachine.class);
    /** An epoch this far ahead of ours is not a real cluster's: ignored rather than adopted. */
    private static final long MAX_EPOCH_JUMP = 1_000_000L;

    private volatile Settings settings;
    private final ElectionRule rule;
    private final GatekeeperControl gatekeeper;
    private final VipControl vip;
    private final Epochs epochs;
    private final Membership membership;
    private final Publisher publisher;
    private final Journal journal;
    private final LongSupplier nanos;
    private final Clock clock;
    private final LanCheck lanCheck;
    private final long pauseNanos;
    private final long leaseNanos;
    private final long renewNanos;
    private final long bindGuardNanos;
    private final long incarnation;
    private final PeerTracker peers;
    private final Agreement agreement;
    private final Notices notices;

    private volatile long distrustUntil = Long.MIN_VALUE;
    private volatile Role role = Role.INITIALIZING;
    private Instant roleSince;
    private volatile long epoch;
    private boolean maintenance;
    private boolean gatekeeperHealthy = true;
    private boolean lanUp = true;
    private long vipConflictUntil = Long.MIN_VALUE;
    private long pausedUntil = Long.MIN_VALUE;
    private long gatekeeperFailedUntil = Long.MIN_VALUE;
    private long startedNanos;
    private volatile long lastAliveNanos;
    private volatile long lastBroadcastNanos = Long.MIN_VALUE;
    private volatile long lastRenewalNanos = Long.MIN_VALUE;
    private final Object sendLock = new Object();
    private volatile Outgoing outgoing;
    /** The renewal the heartbeat thread sends while this node is master; null otherwise. */
    private volatile Wire.LeaseRenew renewing;
    private long lastLanCheckNanos = Long.MIN_VALUE;
    private long eligibleSinceNanos = Long.MIN_VALUE;
    private volatile boolean started;
    private volatile boolean stopped;
    private boolean settledOnce;
    private QuorumState quorum = QuorumState.UNKNOWN;
    private boolean splitBrain;
    private boolean masterSeenBefore;
    /** Members last heard claiming the master role, and when (role thread). */
    private final Map<InetAddress, Long> claimedAt = new HashMap<>();
    private String observedMaster = "";
    private String configDigest = "";
    private Pending switchover;
    private Candidacy candidacy;
    private volatile NodeStatus snapshot;
    /** Something the status shows changed since it was last built. */
    private boolean statusChanged;
    private volatile List<MemberStatus> memberSnapshot = List.of();

    private record Pending(String target, String requestedBy, long expiresNanos) {
    }

    private record Outgoing(MemberState state, GatekeeperState gatekeeper, String follows, Set<InetAddress> view) {
    }

    /**
     * A campaign in progress: why this node stands, and when each phase began, for the promotion's log line.
     *
     * @param faultNanos when the master was last heard from, or this node started (first election)
     */
    private record Candidacy(Cause cause, String reason, RoleContext context, long faultNanos, long suspectedNanos,
            long preparedNanos, long askedNanos) {
    }

    RoleMachine(Settings settings, ElectionRule rule, GatekeeperControl gatekeeper, VipControl vip, Epochs epochs,
            Membership membership, Publisher publisher, Journal journal, LongSupplier nanos, Clock clock,
            LanCheck lanCheck) {
        this(settings, rule, gatekeeper, vip, epochs, membership, publisher, journal, nanos, clock, lanCheck,
                new java.security.SecureRandom().nextLong());
    }

    /** @param incarnation random number of this run, so that peers never match our clock readings with another's */
    RoleMachine(Settings settings, ElectionRule rule, GatekeeperControl gatekeeper, VipControl vip, Epochs epochs,
            Membership membership, Publisher publisher, Journal journal, LongSupplier nanos, Clock clock,
            LanCheck lanCheck, long incarnation) {
        this.incarnation = incarnation;
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
        Timings t = settings.timings();
        this.leaseNanos = t.leaseMs() * 1_000_000L;
        this.pauseNanos = t.promiseMs() * 1_000_000L;
        this.renewNanos = t.renewMs() * 1_000_000L;
        this.bindGuardNanos = leaseNanos / 2;
        long presenceNanos = (t.failureTimeoutMs() + t.verifyTimeoutMs()) * 1_000_000L;
        this.peers = new PeerTracker(settings.internalAddress(), settings.members(), incarnation, presenceNanos);
        boolean single = settings.members().size() == 1;
        boolean witness = settings.quorumPolicy() == QuorumPolicy.WITNESS;
        int needed = switch (settings.quorumPolicy()) {
            case NONE -> 1;
            case WITNESS -> settings.members().size();
            case MAJORITY -> settings.quorumSize();
        };
        // The witness's tie-break: the highest configured address (the patent's order) may count it at once.
        InetAddress best = settings.members().stream()
                .max(Comparator.comparing(a -> new BigInteger(1, a.getAddress()))).orElseThrow();
        long witnessDelay = best.equals(settings.internalAddress()) ? 0 : t.promiseMs() * 1_000_000L;
        boolean exclusive = settings.quorumPolicy() == QuorumPolicy.MAJORITY;
        this.agreement = new Agreement(settings.internalAddress(), settings.nodeName(), incarnation, epochs, needed,
                witness, !single && settings.quorumPolicy() != QuorumPolicy.NONE, leaseNanos, pauseNanos,
                t.releaseAllowanceMs() * 1_000_000L, witnessDelay, exclusive ? 1 : settings.members().size(),
                settings.members().indexOf(settings.internalAddress()));
        this.epoch = epochs.current();
        this.notices = new Notices(settings.nodeName(), journal, publisher, clock, () -> epoch);
        this.roleSince = clock.instant();
        this.snapshot = buildStatus();
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

    // ---------------------------------------------------------------- inputs

    void start() {
        startedNanos = nanos.getAsLong();
        lastAliveNanos = startedNanos;
        lastLanCheckNanos = startedNanos - settings.timings().heartbeatMs() * 1_000_000L;
        lastBroadcastNanos = lastLanCheckNanos;
        lanUp = lanCheck.up(settings.internalAddress());
        started = true;
        configDigest = safeDigest();
        LOG.info("Guardian {} starting: {}, epoch {}, last vote in epoch {}", settings.nodeName(), settings, epoch,
                epochs.ballot().epoch());
        evaluate();
        leave();
    }

    /** Channel thread: a member's state arrived at {@code atNanos}; see {@link PeerTracker#heard}. */
    void heard(Wire.StateMessage s, long atNanos) {
        if (atNanos >= distrustUntil) {
            peers.heard(s, atNanos);
        }
    }

    void onView(Set<InetAddress> members) {
        if (!enter()) {
            return;
        }
        PeerTracker.ViewChange change = peers.onView(members, nanos.getAsLong());
        for (InetAddress gone : change.gone()) {
            if (settings.members().contains(gone)) {
                String who = peers.nameOf(gone);
                notices.raise(EventType.MEMBER_DOWN, Cause.FAILURE, Map.of(GuardianEvent.MEMBER, who),
                        "member-down:" + gone.getHostAddress(), Severity.MAJOR, "member " + who + " left the view");
            }
        }
        for (InetAddress came : change.came()) {
            notices.clear("member-down:" + came.getHostAddress());
            notices.event(EventType.MEMBER_UP, Cause.ELECTION, Map.of(GuardianEvent.MEMBER, peers.nameOf(came)));
        }
        LOG.debug("view: {}", members);
        broadcast();
        evaluate();
        leave();
    }

    /** The member's process was seen to die (its socket closed): it holds nothing any more once its launcher ran. */
    void onCrash(InetAddress member) {
        if (!enter()) {
            return;
        }
        if (peers.isPeer(member)) {
            long now = nanos.getAsLong();
            LOG.info("Guardian {} saw the process of {} die", settings.nodeName(), peers.nameOf(member));
            agreement.crashed(member, now);
            peers.forget(member);
            claimedAt.remove(member);
            evaluate();
        }
        leave();
    }

    void onMessage(Wire.Message message, long receivedNanos) {
        if (!enter()) {
            return;
        }
        if (receivedNanos >= distrustUntil) {
            if (message instanceof Wire.StateMessage s) {
                onState(s);
                evaluate();
            } else if (message instanceof Wire.AgreementMessage a) {
                // Renewals and their answers come several times per lease: they change no state worth a full
                // evaluation; a resignation or a vote may let this node take over at once.
                if (onAgreement(a, receivedNanos)) {
                    evaluate();
                }
            } else if (message instanceof Wire.SwitchoverRequest r) {
                if (r.epoch() == epoch) {
                    long timeout = 2 * settings.timings().startupGraceMs() + 5000;
                    switchover = new Pending(r.target(), r.requestedBy(), nanos.getAsLong() + timeout * 1_000_000L);
                    LOG.info("Switchover to {} requested by {}", r.target(), r.requestedBy());
                } else {
                    LOG.warn("Ignoring a switchover request to {} from {} for epoch {} (this is epoch {})", r.target(),
                            r.requestedBy(), r.epoch(), epoch);
                }
                evaluate();
            }
        }
        leave();
    }

    private void onState(Wire.StateMessage s) {
        MemberState m = s.state();
        if (!peers.accept(s, clock.instant(), nanos.getAsLong())) {
            return;
        }
        observeEpoch(m.epoch(), m.name());
        if (m.role() == Role.MASTER) {
            claimedAt.put(m.internalAddress(), nanos.getAsLong());
        } else {
            claimedAt.remove(m.internalAddress());
        }
        String mismatch = "config-mismatch:" + m.internalAddress().getHostAddress();
        if (!configDigest.isEmpty() && !m.configDigest().isEmpty() && !configDigest.equals(m.configDigest())) {
            notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()),
                    mismatch, Severity.WARNING, "gatekeeper configuration of " + m.name() + " differs from ours");
        } else {
            notices.clear(mismatch);
        }
    }

    /** Adopts a higher epoch a member reports, unless it is absurdly far ahead. */
    private boolean observeEpoch(long seen, String from) {
        if (seen <= epoch) {
            return true;
        }
        if (seen - epoch > MAX_EPOCH_JUMP && epoch > 0) {
            LOG.warn("Ignoring epoch {} from {}: more than {} ahead of ours ({})", seen, from, MAX_EPOCH_JUMP, epoch);
            return false;
        }
        epoch = epochs.raiseTo(seen);
        statusChanged = true;
        return true;
    }

    /** Handles a message of the agreement; true when the roles deserve a fresh look. */
    private boolean onAgreement(Wire.AgreementMessage message, long receivedNanos) {
        long now = nanos.getAsLong();
        if (message instanceof Wire.VoteRequest r) {
            if (!peers.isPeer(r.candidateAddress()) || r.epoch() - epoch > MAX_EPOCH_JUMP) {
                return false;
            }
            Wire.VoteReply reply = agreement.onRequest(r, epoch, receivedNanos);
            if (reply.granted()) {
                LOG.info("Guardian {} votes for {} in epoch {}", settings.nodeName(), r.candidate(), r.epoch());
                abandonCandidacy("voted for " + r.candidate());
            } else {
                LOG.debug("Guardian {} refuses {} epoch {}: {}", settings.nodeName(), r.candidate(), r.epoch(),
                        reply.reason());
            }
            sendTo(r.candidateAddress(), reply);
            return false;
        } else if (message instanceof Wire.VoteReply r) {
            if (peers.isPeer(r.voter())) {
                agreement.onReply(r);
                tryTakeOver(now);
            }
            return false;
        } else if (message instanceof Wire.LeaseRenew r) {
            if (!peers.isPeer(r.master()) || !observeEpoch(r.epoch(), peers.nameOf(r.master()))) {
                return false;
            }
            boolean demoted = false;
            if (role == Role.MASTER && r.epoch() >= agreement.masterEpoch()) {
                demote(maintenance ? Role.MAINTENANCE : Role.BACKUP, Cause.SPLIT_BRAIN,
                        peers.nameOf(r.master()) + " is master of epoch " + r.epoch());
                demoted = true;
            }
            Optional<Wire.LeaseAck> ack = agreement.onRenew(r, epoch, receivedNanos);
            if (ack.isPresent()) {
                lastMasterHeardNanos = receivedNanos;
                if (candidacy != null) {
                    abandonCandidacy(peers.nameOf(r.master()) + " is master of epoch " + r.epoch());
                }
                sendTo(r.master(), ack.get());
            }
            return demoted;
        } else if (message instanceof Wire.LeaseAck a) {
            if (peers.isPeer(a.voter())) {
                agreement.onAck(a);
            }
            return false;
        } else if (message instanceof Wire.Resign r) {
            if (peers.isPeer(r.master())) {
                LOG.debug("{} resigned as master of epoch {}", peers.nameOf(r.master()), r.epoch());
                agreement.resigned(r, receivedNanos);
                claimedAt.remove(r.master());
                return true;
            }
        }
        return false;
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
                notices.event(EventType.SWITCHOVER_FAILED, Cause.SWITCHOVER, Map.of(GuardianEvent.MEMBER,
                        switchover.target(), GuardianEvent.TEXT, "the target did not become master in time"));
            }
            LOG.warn("Switchover to {} did not complete in time; dropped", switchover.target());
            switchover = null;
        }
        evaluate();
        if (now - lastBroadcastNanos >= hb) {
            broadcast();
        }
        leave();
        refreshSnapshots();
    }

    /**
     * The lease's own beat, several times per lease: a master whose lease ran out lets go, a candidate asks again.
     * Cheap on purpose; the full evaluation runs on {@link #tick}.
     */
    void renew() {
        if (!enter()) {
            return;
        }
        long now = nanos.getAsLong();
        if (role == Role.MASTER && agreement.leaseRemaining(now) <= 0) {
            loseLease(now);
            leave();
        } else if (candidacy != null) {
            campaign(now);
            leave();
        } else {
            lastAliveNanos = nanos.getAsLong();
        }
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
            peersWitness = atNanos;
            agreement.witnessAnswered(atNanos);
        }
    }

    private long peersWitness = Long.MIN_VALUE;

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
                List<MemberState> others = visible.stream()
                        .filter(m -> master.map(x -> !x.name().equals(m.name())).orElse(true)).toList();
                Optional<String> best = others.isEmpty() ? Optional.empty()
                        : rule.decide(new ElectionInput(others, true, false)).master();
                if (best.isEmpty()) {
                    return OperatorResult.refused(Outcome.TARGET_NOT_ELIGIBLE,
                            "no other eligible member is reachable");
                }
                target = others.stream().filter(m -> m.name().equals(best.get())).findFirst().orElseThrow();
            } else {
                String wanted = requested.get().trim();
                Optional<MemberState> found = visible.stream().filter(m -> matches(m, wanted)).findFirst();
                if (found.isEmpty()) {
                    boolean configured = settings.members().stream().anyMatch(a -> a.getHostAddress().equals(wanted));
                    for (MemberState m : peers.everKnown()) {
                        configured |= m.name().equals(wanted);
                    }
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
            membership.send(Wire.encode(new Wire.SwitchoverRequest(target.name(), settings.nodeName(), epoch)));
            LOG.info("Switchover to {} requested by the operator on {}", target.name(), settings.nodeName());
            evaluate();
            return OperatorResult.accepted("switchover to " + target.name() + " requested");
        } finally {
            leave();
        }
    }

    /** Drops a switchover this node asked for (to the given target, or any), when the operator's wait ran out. */
    void cancelSwitchover(Optional<String> target) {
        if (!enter()) {
            return;
        }
        if (switchover != null && switchover.requestedBy().equals(settings.nodeName())
                && target.map(t -> t.isBlank() || t.trim().equals(switchover.target())).orElse(true)) {
            LOG.warn("Switchover to {} cancelled: the operator's wait ran out", switchover.target());
            switchover = null;
            evaluate();
        }
        leave();
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
            abandonCandidacy("guardian stopping");
            setRole(Role.STOPPED, cause, "guardian stopping", 0);
        }
        broadcast();
        stopped = true;
        refreshSnapshots();
    }

    // ---------------------------------------------------------------- the heart

    /**
     * Runs first in every task of the role thread. A gap since the last task longer than the voters' promise means
     * this JVM was stopped while the others may have moved on: the VIP goes first, then everything known is
     * forgotten. A shorter gap needs nothing special: the lease is counted from the answers' send times.
     */
    private boolean enter() {
        if (!started || stopped) {
            return false;
        }
        long now = nanos.getAsLong();
        long gap = now - lastAliveNanos;
        if (gap > pauseNanos) {
            long gapMs = gap / 1_000_000L;
            if (role == Role.MASTER) {
                LOG.warn("Pause of {} ms detected while master: VIP released", gapMs);
                demote(Role.BACKUP, Cause.LEASE_EXPIRED, "JVM paused for " + gapMs + " ms");
            } else {
                LOG.warn("Pause of {} ms detected on {}", gapMs, settings.nodeName());
                abandonCandidacy("JVM paused for " + gapMs + " ms");
            }
            distrustUntil = now + settings.timings().distrustMs() * 1_000_000L;
            // A node whose JVM stood still stays out of the elections long enough for the others to take over,
            // including their wait after seeing the VIP still answer from this host while it was stopped.
            pausedUntil = now + 4 * settings.timings().distrustMs() * 1_000_000L;
            peers.forgetAll();
        }
        lastAliveNanos = now;
        return true;
    }

    /**
     * Runs last in every task: remember when this thread was last alive, tell the others (and the readers of the
     * status) if we changed. What it follows counts too: the others see at once whom this node follows.
     */
    private void leave() {
        lastAliveNanos = nanos.getAsLong();
        Outgoing last = outgoing;
        if (last == null || !myState(lastAliveNanos).equals(last.state()) || !followsNow().equals(last.follows())
                || !safeGatekeeperState().equals(last.gatekeeper())) {
            broadcast();
            statusChanged = true;
        }
        if (statusChanged) {
            refreshSnapshots();
        }
    }

    private void evaluate() {
        long now = nanos.getAsLong();
        peers.prune(now);
        GatekeeperState gk = safeGatekeeperState();
        boolean gkHealthy = gk.healthy() && now >= gatekeeperFailedUntil;
        if (gkHealthy != gatekeeperHealthy) {
            gatekeeperHealthy = gkHealthy;
            if (gkHealthy) {
                notices.clear("gatekeeper-fault");
                notices.event(EventType.GATEKEEPER_RECOVERED, Cause.HEALTH, Map.of());
            } else {
                notices.raise(EventType.GATEKEEPER_FAULT, Cause.HEALTH, Map.of(), "gatekeeper-fault",
                        Severity.CRITICAL, "the local gatekeeper is " + gk.label());
            }
        }
        if (now >= vipConflictUntil && notices.active("vip-conflict") && role != Role.MASTER) {
            notices.clear("vip-conflict");
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
        watchMasters(visible);

        // 1. What makes a master let go at once.
        if (role == Role.MASTER) {
            if (agreement.leaseRemaining(now) <= 0) {
                loseLease(now);
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
            abandonCandidacy(resting.label());
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

    private void loseLease(long now) {
        boolean viewHasQuorum = 1 + peers.inView().size() >= settings.quorumSize();
        demote(maintenance ? Role.MAINTENANCE : Role.BACKUP, viewHasQuorum ? Cause.LEASE_EXPIRED : Cause.QUORUM,
                viewHasQuorum ? "no majority renewed the lease of " + settings.timings().leaseMs() + " ms"
                        : "this partition lost quorum");
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
        } else if (role != Role.MASTER && chosen && q.allowsMaster() && healthy && !maintenance
                && now >= distrustUntil) {
            Optional<MemberState> holder = visible.stream()
                    .filter(m -> m.role() == Role.MASTER && !m.name().equals(settings.nodeName())).findFirst();
            if (holder.isPresent()) {
                LOG.debug("elected, waiting for {} to let the master role go", holder.get().name());
                return;
            }
            stand(now, promotionCause(result), result.reason());
        } else if (role != Role.MASTER && !chosen && candidacy != null) {
            abandonCandidacy("the election chose " + result.master().orElse("nobody"));
        }
    }

    /** Gets the gatekeeper ready, then asks the others for the next epoch. */
    private void stand(long now, Cause cause, String reason) {
        if (candidacy == null) {
            long t0 = nanos.getAsLong();
            RoleContext context = new RoleContext(settings.nodeName(), Role.MASTER, agreement.nextEpoch(epoch),
                    vip.configured());
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
            candidacy = new Candidacy(cause, reason, context, faultTime(t0), t0, nanos.getAsLong(), Long.MIN_VALUE);
        }
        campaign(nanos.getAsLong());
    }

    /** When the master this node followed was last heard from (or this node started): the fault's latest start. */
    private long faultTime(long fallback) {
        return lastMasterHeardNanos != Long.MIN_VALUE ? lastMasterHeardNanos : fallback;
    }

    private long lastMasterHeardNanos = Long.MIN_VALUE;

    /** Asks for votes, at most once per renewal interval, and takes over once they suffice. */
    private void campaign(long now) {
        Candidacy c = candidacy;
        if (c == null) {
            return;
        }
        if (c.askedNanos() == Long.MIN_VALUE || now - c.askedNanos() >= renewNanos) {
            Optional<Wire.VoteRequest> request = agreement.campaign(epoch, now);
            if (request.isEmpty()) {
                return;
            }
            candidacy = new Candidacy(c.cause(), c.reason(), c.context(), c.faultNanos(), c.suspectedNanos(),
                    c.preparedNanos(), c.askedNanos() == Long.MIN_VALUE ? now : c.askedNanos());
            if (c.askedNanos() != Long.MIN_VALUE && !agreement.lastRefusal().isEmpty()) {
                LOG.debug("{} asks again for epoch {}: {}", settings.nodeName(), request.get().epoch(),
                        agreement.lastRefusal());
            }
            send(request.get());
        }
        tryTakeOver(now);
    }

    private void abandonCandidacy(String why) {
        Candidacy c = candidacy;
        if (c == null) {
            return;
        }
        candidacy = null;
        agreement.endCampaign();
        LOG.debug("{} stops standing: {}", settings.nodeName(), why);
        if (role != Role.MASTER) {
            safeStandDown(new RoleContext(settings.nodeName(), role, epoch, vip.configured()));
        }
    }

    /** Binds the VIP once a majority granted the epoch, while the lease still has room for the bind. */
    private void tryTakeOver(long now) {
        Candidacy c = candidacy;
        if (c == null || role == Role.MASTER || !agreement.elected(now, bindGuardNanos)) {
            return;
        }
        if (!healthyNow(now) || maintenance || now < distrustUntil) {
            abandonCandidacy("no longer eligible");
            return;
        }
        long votedNanos = now;
        epoch = epochs.raiseTo(agreement.becomeMaster());
        renewing = agreement.renewal(now);
        candidacy = null;
        RoleContext context = new RoleContext(settings.nodeName(), Role.MASTER, epoch, vip.configured());
        try {
            vip.bind(context);
        } catch (VipControl.VipException | RuntimeException e) {
            renewing = null;
            Optional<Wire.Resign> resign = agreement.stepDown();
            vip.release();
            safeStandDown(context);
            resign.ifPresent(this::send);
            boolean conflict = e instanceof VipControl.VipException v && v.conflict();
            if (conflict) {
                vipConflictUntil = nanos.getAsLong() + 3 * settings.timings().distrustMs() * 1_000_000L;
                notices.raise(EventType.VIP_CONFLICT, Cause.VIP_CONFLICT, Map.of(GuardianEvent.TEXT, e.getMessage()),
                        "vip-conflict", Severity.CRITICAL, "another host answers for the VIP: " + e.getMessage());
            }
            LOG.error("Promotion of {} aborted: the VIP could not be bound: {}", settings.nodeName(), e.getMessage());
            setRole(Role.FAULT, conflict ? Cause.VIP_CONFLICT : Cause.HEALTH, "VIP bind failed: " + e.getMessage(), 0);
            return;
        }
        long boundNanos = nanos.getAsLong();
        String old = observedMaster;
        setRole(Role.MASTER, c.cause(), c.reason(), boundNanos - c.suspectedNanos());
        LOG.info("Promotion of {} to master of epoch {}: fault to suspicion {} ms, gatekeeper ready {} ms, votes {} ms, "
                + "VIP bound {} ms, total since the fault {} ms", settings.nodeName(), epoch,
                ms(c.suspectedNanos() - c.faultNanos()), ms(c.preparedNanos() - c.suspectedNanos()),
                ms(votedNanos - c.preparedNanos()), ms(boundNanos - votedNanos), ms(boundNanos - c.faultNanos()));
        Map<String, String> details = new HashMap<>();
        details.put(GuardianEvent.OLD_MASTER, old);
        details.put(GuardianEvent.NEW_MASTER, settings.nodeName());
        notices.event(EventType.MASTER_CHANGED, c.cause(), details);
        if (switchover != null && switchover.target().equals(settings.nodeName())) {
            switchover = null;
        }
        broadcast();
        sendRenewal(nanos.getAsLong());
        if (agreement.leaseRemaining(nanos.getAsLong()) <= 0) {
            loseLease(nanos.getAsLong());
        }
    }

    private static long ms(long nanos) {
        return Math.max(0, nanos / 1_000_000L);
    }

    private void demote(Role to, Cause cause, String detail) {
        long t0 = nanos.getAsLong();
        if (role == Role.MASTER) {
            renewing = null;
            Optional<Wire.Resign> resign = agreement.stepDown();
            vip.release();
            safeStandDown(new RoleContext(settings.nodeName(), to, epoch, vip.configured()));
            // Only now, with the VIP gone, may the voters turn to someone else.
            resign.ifPresent(this::send);
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
        statusChanged = true;
        String master = to == Role.MASTER ? settings.nodeName() : from == Role.MASTER ? "" : observedMaster;
        RoleTransition t = new RoleTransition(settings.nodeName(), from, to, epoch, cause, roleSince,
                Duration.ofNanos(tookNanos), master, detail);
        journal.record(t);
        LOG.info("Role {} -> {} on {} (epoch {}, cause {}, took {} ms, master '{}'){}", from.label(), to.label(),
                settings.nodeName(), epoch, cause.label(), tookNanos / 1_000_000L, master,
                detail.isEmpty() ? "" : ": " + detail);
        publisher.transition(t);
        if (to == Role.MASTER) {
            watchMasters(visibleStates(nanos.getAsLong()));
        }
    }

    // ---------------------------------------------------------------- observations

    private QuorumState quorum(long now) {
        int heard = 1 + peers.heardCount(now, pauseNanos);
        return switch (settings.quorumPolicy()) {
            case NONE -> QuorumState.NOT_REQUIRED;
            case MAJORITY -> heard >= settings.quorumSize() ? QuorumState.QUORATE : QuorumState.LOST;
            case WITNESS -> heard == settings.members().size()
                    || (peersWitness != Long.MIN_VALUE && now - peersWitness <= pauseNanos)
                            ? QuorumState.QUORATE : QuorumState.LOST;
        };
    }

    private void updateQuorum(QuorumState q, boolean settled) {
        if (q == quorum || (!settled && q == QuorumState.LOST)) {
            return;
        }
        QuorumState before = quorum;
        quorum = q;
        statusChanged = true;
        if (q == QuorumState.LOST) {
            notices.raise(EventType.QUORUM_LOST, Cause.QUORUM, Map.of(), "quorum-lost", Severity.CRITICAL,
                    "this partition does not hold quorum (" + settings.quorumPolicy().label() + ")");
        } else if (before == QuorumState.LOST) {
            notices.clear("quorum-lost");
            notices.event(EventType.QUORUM_REGAINED, Cause.QUORUM, Map.of());
        }
    }

    /**
     * This node and every member heard within the presence window, except a master whose lease this node no longer
     * backs: once its promise ran out (or its process died), it is not the master the election should keep.
     */
    private List<MemberState> visibleStates(long now) {
        List<MemberState> out = new ArrayList<>();
        out.add(myState(now));
        for (PeerTracker.Peer p : peers.freshPeers(now)) {
            MemberState m = p.state();
            if (m.role() == Role.MASTER && agreement.lapsed(m.internalAddress(), now)) {
                continue;
            }
            out.add(m);
        }
        return out;
    }

    /**
     * Reports more than one master, and says it healed only once no second claimant remains: one that is heard as
     * something else, resigned, died, or (where leases hold) was silent for longer than the voters' promise.
     */
    private void watchMasters(List<MemberState> visible) {
        long now = nanos.getAsLong();
        List<MemberState> masters = new ArrayList<>(visible.stream().filter(m -> m.role() == Role.MASTER).toList());
        for (PeerTracker.Peer p : peers.freshPeers(now)) {
            if (p.state().role() == Role.MASTER && masters.stream().noneMatch(m -> m.name().equals(p.state().name()))) {
                masters.add(p.state());
            }
        }
        boolean leased = settings.quorumPolicy() == QuorumPolicy.MAJORITY;
        claimedAt.values().removeIf(at -> leased && now - at > pauseNanos);
        int claimants = (role == Role.MASTER ? 1 : 0) + claimedAt.size();
        if (masters.size() > 1 && !splitBrain) {
            splitBrain = true;
            String names = String.join(",", masters.stream().map(MemberState::name).toList());
            notices.raise(EventType.SPLIT_BRAIN_DETECTED, Cause.SPLIT_BRAIN, Map.of(GuardianEvent.TEXT, names),
                    "split-brain", Severity.CRITICAL, "more than one master: " + names);
        } else if (masters.size() <= 1 && claimants <= 1 && splitBrain) {
            splitBrain = false;
            notices.clear("split-brain");
            notices.event(EventType.SPLIT_BRAIN_HEALED, Cause.SPLIT_BRAIN, Map.of());
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

    /**
     * Whether this node knows enough to take part in an election: not right after a pause, past the startup grace
     * (or it has heard every configured member), and it holds a current state of every member it hears. A state is
     * dropped as soon as its member falls silent, so an old state is never combined with a new sign of life; a
     * member heard again counts only once its new state has been handled.
     */
    private boolean settled(long now) {
        if (now < distrustUntil) {
            return false;
        }
        long grace = settings.timings().startupGraceMs() * 1_000_000L;
        for (Map.Entry<InetAddress, Long> e : peers.inView().entrySet()) {
            InetAddress a = e.getKey();
            if (peers.hasState(a)) {
                continue;
            }
            if (peers.fresh(a, now) || now - e.getValue() < grace) {
                return false;
            }
        }
        if (settledOnce) {
            return true;
        }
        boolean heardAll = settings.members().stream()
                .filter(a -> !a.equals(settings.internalAddress()))
                .allMatch(a -> peers.hasState(a) && peers.fresh(a, now));
        if (heardAll || now - startedNanos >= settings.startupGraceMs() * 1_000_000L) {
            settledOnce = true;
            return true;
        }
        return false;
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

    // ---------------------------------------------------------------- sending

    /** Publishes this node's state (role thread only), then sends it. */
    private void broadcast() {
        long now = nanos.getAsLong();
        MemberState me = myState(now);
        outgoing = new Outgoing(me, safeGatekeeperState(), followsNow(), Set.copyOf(peers.inView().keySet()));
        sendState();
    }

    /**
     * The heartbeat thread's beat: renews the lease while master, and re-sends the last published state if nothing
     * was sent for a heartbeat interval. Safe from any thread, so that the others keep hearing this node (and keep
     * backing its lease) while the role thread is busy starting the gatekeeper or binding the VIP; it stops when the
     * role thread has not finished a step within the voters' promise, so a stuck master loses its lease.
     */
    void heartbeat() {
        if (!started || stopped) {
            return;
        }
        long now = nanos.getAsLong();
        if (now - lastAliveNanos > pauseNanos) {
            return;
        }
        if (renewing != null && now - lastRenewalNanos >= renewNanos) {
            sendRenewal(now);
        }
        if (now - lastBroadcastNanos >= settings.timings().heartbeatMs() * 1_000_000L) {
            sendState();
        }
    }

    private void sendRenewal(long now) {
        Wire.LeaseRenew template = renewing;
        if (template != null) {
            lastRenewalNanos = now;
            membership.sendUrgent(Wire.encode(new Wire.LeaseRenew(template.epoch(), template.master(),
                    template.incarnation(), now)));
        }
    }

    /** Whether the role thread finished a step within the voters' promise (for the launcher's keep-alive). */
    boolean progressing() {
        return started && !stopped && nanos.getAsLong() - lastAliveNanos <= pauseNanos;
    }

    private void send(Wire.Message message) {
        if (message instanceof Wire.AgreementMessage) {
            membership.sendUrgent(Wire.encode(message));
        } else {
            membership.send(Wire.encode(message));
        }
    }

    private void sendTo(InetAddress member, Wire.AgreementMessage message) {
        membership.sendUrgent(member, Wire.encode(message));
    }

    private void sendState() {
        synchronized (sendLock) {
            Outgoing o = outgoing;
            if (o == null) {
                return;
            }
            // Stamped under the lock, so that a later stamp always carries the later state.
            long now = nanos.getAsLong();
            lastBroadcastNanos = now;
            membership.send(Wire.encode(new Wire.StateMessage(o.state(), o.gatekeeper(), incarnation, now,
                    peers.echoesFor(o.view()), o.follows())));
        }
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

    // ---------------------------------------------------------------- snapshots for other threads

    private void refreshSnapshots() {
        statusChanged = false;
        snapshot = buildStatus();
        long now = nanos.getAsLong();
        List<MemberStatus> rows = new ArrayList<>();
        int index = 1;
        for (InetAddress a : settings.members()) {
            if (a.equals(settings.internalAddress())) {
                rows.add(new MemberStatus(index++, settings.nodeName(), a, true, Optional.of(clock.instant()),
                        Optional.of(myState(now)), safeGatekeeperState()));
            } else {
                Optional<PeerTracker.Peer> p = peers.peer(a);
                boolean reachable = peers.fresh(a, now) && p.isPresent();
                rows.add(new MemberStatus(index++, peers.nameOf(a), a, reachable, peers.lastHeardAt(a),
                        peers.lastKnown(a), p.map(PeerTracker.Peer::gatekeeper).orElse(GatekeeperState.UNKNOWN)));
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
            for (MemberState m : peers.everKnown()) {
                if (m.name().equals(observedMaster)) {
                    masterAddress = Optional.of(m.internalAddress());
                }
            }
        }
        Duration lease = Duration.ZERO;
        if (role == Role.MASTER) {
            lease = Duration.ofNanos(Math.min(leaseNanos, agreement.leaseRemaining(now)));
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

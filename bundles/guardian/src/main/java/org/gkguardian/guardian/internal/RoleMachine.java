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
    /**
     * The longest a gatekeeper start or a VIP bind may keep the role thread (their own timeouts are shorter): past
     * it the thread counts as stuck, so the heartbeats, renewals and the launcher's keep-alives stop.
     */
    private static final long EDGE_LIMIT_NANOS = 30_000_000_000L;

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
    /** How long before the voters' promise to a silent master runs out its successor gets ready. */
    private final long standEarlyNanos;
    /** How long a member whose life line ended has to answer over the authenticated channel. */
    private final long lifeCheckNanos;
    private final long bindGuardNanos;
    private final long incarnation;
    private final PeerTracker peers;
    private final Agreement agreement;
    private final Notices notices;
    private final MasterWatch masters;
    private final Outbox outbox;
    private final HealthGate health;

    private volatile long distrustUntil = Long.MIN_VALUE;
    private volatile Role role = Role.INITIALIZING;
    private Instant roleSince;
    private volatile long epoch;
    private boolean maintenance;
    private long startedNanos;
    private volatile long lastAliveNanos;
    private volatile long busySince = Long.MIN_VALUE;
    private long lastLanCheckNanos = Long.MIN_VALUE;
    private long eligibleSinceNanos = Long.MIN_VALUE;
    private final WitnessWatch witnessWatch;
    /** When this node last answered a renewal of the master it backs: the latest start of that master's fault. */
    private long lastMasterHeardNanos = Long.MIN_VALUE;
    private volatile boolean started;
    private volatile boolean stopped;
    private boolean settledOnce;
    private QuorumState quorum = QuorumState.UNKNOWN;
    private String configDigest = "";
    private Pending switchover;
    /** This node's gatekeeper was made ready for a switchover to it, before the master let go. */
    private boolean preparedForSwitchover;
    /**
     * The epoch whose master resigned to this node's voter (it released the VIP, verified it gone, and said so); 0 when
     * none. A promotion in the next epoch is then a hand-over: no duplicate address check to wait for.
     */
    private long handedOverEpoch;
    private Candidacy candidacy;
    /** When the candidate starts its duplicate-address check ahead of the bind; MAX_VALUE when started or none. */
    private long probeDueNanos = Long.MAX_VALUE;
    /** Votes asked for or the VIP being bound: read by the keep-alive thread, see {@link #watchdogLimit}. */
    private volatile boolean promoting;
    /** When this master's lease ends (role thread's view, published for the keep-alive thread); MIN_VALUE: none. */
    private volatile long leaseEndNanos = Long.MIN_VALUE;
    private volatile NodeStatus snapshot;
    private long snapshotNanos = Long.MIN_VALUE / 2;
    /** Something the status shows changed since it was last built. */
    private boolean statusChanged;
    private volatile List<MemberStatus> memberSnapshot = List.of();

    private record Pending(String target, String requestedBy, long expiresNanos) {
    }

    /** A member whose life line ended, asked over the authenticated channel whether it lives. */
    private record LifeCheckSent(long nonce, long sinceNanos) {
    }

    /** Members whose life line ended and who have not answered yet; their death is believed after the allowance. */
    private final Map<InetAddress, LifeCheckSent> lifeChecks = new HashMap<>();
    private long lifeCheckCount;
    /** When the last "a live member's life line ended" warning was logged, per member (at most one per minute). */
    private final Map<Object, Long> lifeLineWarned = new HashMap<>();
    /** When "Ignoring epoch ... far ahead" was last logged at WARN, per member name. */
    private final Map<Object, Long> farEpochWarned = new HashMap<>();

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
        this.standEarlyNanos = t.standEarlyMs() * 1_000_000L;
        this.lifeCheckNanos = t.releaseAllowanceMs() * 1_000_000L;
        // The renewals go on while the VIP is bound: the lease needs room only for the first of them to be answered.
        this.bindGuardNanos = renewNanos;
        long presenceNanos = (t.failureTimeoutMs() + t.verifyTimeoutMs()) * 1_000_000L;
        this.peers = new PeerTracker(settings.internalAddress(), settings.members(), incarnation, presenceNanos);
        this.health = new HealthGate(settings.internalAddress(), 3 * t.distrustMs() * 1_000_000L,
                4 * t.distrustMs() * 1_000_000L);
        this.witnessWatch = new WitnessWatch(pauseNanos, t.rejoinMs() * 1_000_000L);
        this.outbox = new Outbox(membership, peers, nanos, incarnation, t.heartbeatMs() * 1_000_000L, renewNanos);
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
        this.masters = new MasterWatch(notices, journal, clock, settings.quorumPolicy() == QuorumPolicy.MAJORITY,
                pauseNanos);
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
        boolean lanUp = lanCheck.up(settings.internalAddress());
        health.lan(lanUp);
        witnessWatch.lan(lanUp);
        started = true;
        configDigest = safeDigest();
        LOG.info("Guardian {} starting: {}, epoch {}, last vote in epoch {}", settings.nodeName(), settings, epoch,
                epochs.ballot().epoch());
        evaluate();
        leave();
    }

    /**
     * Channel thread, as a message arrives at {@code atNanos}: a state stamps when its member last heard us (see
     * {@link PeerTracker#heard}); a lease renewal's answer counts at once, so that the lease stays right while the
     * role thread is busy binding the VIP. Returns whether the role thread must handle the message too.
     */
    boolean received(Wire.Message message, long atNanos) {
        if (atNanos < distrustUntil) {
            return true;
        }
        if (message instanceof Wire.StateMessage s) {
            peers.heard(s, atNanos);
        } else if (message instanceof Wire.LifeCheck c) {
            // Answered here, on the receiving thread: a busy role thread must not make a live member look dead.
            if (c.to().equals(settings.internalAddress()) && peers.isPeer(c.from())) {
                outbox.sendTo(c.from(), new Wire.LifeCheckAck(c.nonce(), settings.internalAddress(), c.from()));
            }
            return false;
        } else if (message instanceof Wire.LeaseAck a) {
            if (peers.isPeer(a.voter())) {
                agreement.onAck(a);
            }
            return false;
        }
        return true;
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
            notices.cleared(EventType.MEMBER_UP, "member-down:" + came.getHostAddress(), Cause.ELECTION,
                    Map.of(GuardianEvent.MEMBER, peers.nameOf(came)));
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
        if (peers.isPeer(member) && !lifeChecks.containsKey(member)) {
            // The end of a TCP connection is no proof: a host without the secret can forge it. The member is asked
            // over the authenticated channel; without an answer within the allowance its death is believed, from
            // the moment the line ended. Its successor gets ready meanwhile (see withoutMastersLapsingSoon).
            long now = nanos.getAsLong();
            long nonce = incarnation ^ (++lifeCheckCount * 0x9E3779B97F4A7C15L);
            lifeChecks.put(member, new LifeCheckSent(nonce, now));
            sendTo(member, new Wire.LifeCheck(nonce, settings.internalAddress(), member));
            LOG.debug("{}: the life line to {} ended; asking it over the channel", settings.nodeName(),
                    peers.nameOf(member));
            evaluate();
        }
        leave();
    }

    /** Members that did not answer their life check within the allowance are dead; true when one was. */
    private boolean believeDeaths(long now) {
        boolean any = false;
        for (var it = lifeChecks.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (now - e.getValue().sinceNanos() < lifeCheckNanos) {
                continue;
            }
            it.remove();
            InetAddress member = e.getKey();
            LOG.info("Guardian {} saw the process of {} die (its life line ended and it did not answer within {} ms)",
                    settings.nodeName(), peers.nameOf(member), lifeCheckNanos / 1_000_000L);
            agreement.crashed(member, e.getValue().sinceNanos());
            peers.died(member);
            masters.gone(member);
            any = true;
        }
        return any;
    }

    /** Whether a warning about {@code key} is due now (none in the last minute), and if so remembers it. */
    private static boolean oncePerMinute(Map<Object, Long> lastWarned, Object key, long now) {
        Long last = lastWarned.get(key);
        if (last != null && now - last <= 60_000_000_000L) {
            return false;
        }
        lastWarned.put(key, now);
        return true;
    }

    private void lifeCheckAnswered(Wire.LifeCheckAck a, long now) {
        LifeCheckSent sent = lifeChecks.get(a.from());
        if (sent == null || sent.nonce() != a.nonce() || !a.to().equals(settings.internalAddress())) {
            return;
        }
        lifeChecks.remove(a.from());
        if (oncePerMinute(lifeLineWarned, a.from(), now)) {
            LOG.warn("{}: the life line to {} ended but {} answered over the authenticated channel within {} ms: not a "
                    + "death (a network reset, or a forged TCP segment on the internal LAN)", settings.nodeName(),
                    peers.nameOf(a.from()), peers.nameOf(a.from()), (now - sent.sinceNanos()) / 1_000_000L);
        }
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
            } else if (message instanceof Wire.SwitchoverCancel c) {
                if (switchover != null && switchover.target().equals(c.target())
                        && switchover.requestedBy().equals(c.requestedBy()) && c.epoch() == epoch) {
                    LOG.warn("Switchover to {} cancelled by {}: the operator's wait ran out", c.target(),
                            c.requestedBy());
                    dropSwitchover();
                    evaluate();
                }
            }
        }
        leave();
    }

    private void onState(Wire.StateMessage s) {
        MemberState m = s.state();
        if (!peers.accept(s, clock.instant(), nanos.getAsLong())) {
            return;
        }
        checkName(m);
        observeEpoch(m.epoch(), m.name());
        masters.heard(m.internalAddress(), m.role() == Role.MASTER, nanos.getAsLong());
        String mismatch = "config-mismatch:" + m.internalAddress().getHostAddress();
        if (!configDigest.isEmpty() && !m.configDigest().isEmpty() && !configDigest.equals(m.configDigest())) {
            notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()),
                    mismatch, Severity.WARNING, "gatekeeper configuration of " + m.name() + " differs from ours");
        } else {
            notices.clear(mismatch, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()));
        }
    }

    /**
     * Two members with one name would both take the election's choice for themselves: the one with the lower
     * internal address stays out of the elections until the names differ; both raise an alarm naming both addresses.
     */
    private void checkName(MemberState m) {
        String alarm = "duplicate-name:" + m.internalAddress().getHostAddress();
        if (!m.name().equals(settings.nodeName())) {
            if (notices.clear(alarm, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()))) {
                health.duplicateName("");
            }
            return;
        }
        String text = "node.name '" + m.name() + "' is used by both " + settings.internalAddress().getHostAddress()
                + " and " + m.internalAddress().getHostAddress();
        notices.raise(EventType.CONFIG_MISMATCH, Cause.CONFIGURATION, Map.of(GuardianEvent.MEMBER, m.name()), alarm,
                Severity.CRITICAL, text);
        boolean lower = new BigInteger(1, settings.internalAddress().getAddress())
                .compareTo(new BigInteger(1, m.internalAddress().getAddress())) < 0;
        if (lower) {
            health.duplicateName(text + "; the member with the higher address keeps the name");
        }
    }

    /**
     * A release that could not be verified leaves the VIP here, where every other node's duplicate-address check
     * refuses it: one alarm while the provider retries, cleared when a retry worked.
     */
    private void watchRelease() {
        Optional<String> problem;
        try {
            problem = vip.releaseProblem();
        } catch (RuntimeException e) {
            problem = Optional.of("release state unavailable: " + e);
        }
        if (problem.isPresent()) {
            notices.raise(EventType.VIP_CONFLICT, Cause.HEALTH, Map.of(), "vip-release-failed", Severity.CRITICAL,
                    problem.get());
        } else if (notices.clear("vip-release-failed", Cause.HEALTH, Map.of())) {
            LOG.info("The VIP release on {} is verified now", settings.nodeName());
        }
    }

    /** Adopts a higher epoch a member reports, unless it is absurdly far ahead. */
    private boolean observeEpoch(long seen, String from) {
        if (seen <= epoch) {
            return true;
        }
        if (seen - epoch > MAX_EPOCH_JUMP && epoch > 0) {
            // It comes with every state and renewal of that member: once a minute at WARN, else DEBUG.
            long now = nanos.getAsLong();
            if (oncePerMinute(farEpochWarned, from, now)) {
                LOG.warn("Ignoring epoch {} from {}: more than {} ahead of ours ({})", seen, from, MAX_EPOCH_JUMP,
                        epoch);
            } else {
                LOG.debug("Ignoring epoch {} from {}", seen, from);
            }
            return false;
        }
        epoch = epochs.raiseTo(seen);
        statusChanged = true;
        return true;
    }

    /** Handles a message of the agreement; true when the roles deserve a fresh look. */
    private boolean onAgreement(Wire.AgreementMessage message, long receivedNanos) {
        long now = nanos.getAsLong();
        if (message instanceof Wire.LifeCheckAck a) {
            lifeCheckAnswered(a, now);
            return true;
        }
        // A vote request may come from the successor of a member whose death is due to be believed now.
        boolean died = believeDeaths(now);
        if (message instanceof Wire.VoteRequest r) {
            if (!peers.isPeer(r.candidateAddress()) || r.epoch() - epoch > MAX_EPOCH_JUMP) {
                return died;
            }
            long ballotBefore = epochs.ballot().epoch();
            Wire.VoteReply reply = agreement.onRequest(r, epoch, receivedNanos);
            if (reply.granted()) {
                if (r.epoch() != ballotBefore) {
                    LOG.info("Guardian {} votes for {} in epoch {}", settings.nodeName(), r.candidate(), r.epoch());
                }
                abandonCandidacy("voted for " + r.candidate());
            } else {
                LOG.debug("Guardian {} refuses {} epoch {}: {}", settings.nodeName(), r.candidate(), r.epoch(),
                        reply.reason());
            }
            sendTo(r.candidateAddress(), reply);
            return died;
        } else if (message instanceof Wire.VoteReply r) {
            if (peers.isPeer(r.voter())) {
                agreement.onReply(r);
                tryTakeOver(now);
            }
            return died;
        } else if (message instanceof Wire.LeaseRenew r) {
            if (!peers.isPeer(r.master()) || !observeEpoch(r.epoch(), peers.nameOf(r.master()))) {
                return died;
            }
            boolean demoted = false;
            if (role == Role.MASTER && r.epoch() >= agreement.masterEpoch()) {
                demote(maintenance ? Role.MAINTENANCE : Role.BACKUP, Cause.SPLIT_BRAIN,
                        peers.nameOf(r.master()) + " is master of epoch " + r.epoch());
                demoted = true;
            }
            Optional<Wire.LeaseAck> ack = agreement.onRenew(r, epoch, receivedNanos);
            if (ack.isPresent()) {
                // Our promise stands again on this answer: a death believed later must not cut it short.
                lifeChecks.remove(r.master());
                lastMasterHeardNanos = receivedNanos;
                if (candidacy != null) {
                    abandonCandidacy(peers.nameOf(r.master()) + " is master of epoch " + r.epoch());
                }
                sendTo(r.master(), ack.get());
            }
            return demoted || died;
        } else if (message instanceof Wire.Resign r) {
            if (peers.isPeer(r.master())) {
                LOG.debug("{} resigned as master of epoch {}", peers.nameOf(r.master()), r.epoch());
                // A hand-over only from a master that held the VIP: a candidate whose bind failed knows nothing of
                // who else may hold it.
                if (agreement.resigned(r, receivedNanos) && r.epoch() == epoch && r.handOver()) {
                    handedOverEpoch = r.epoch();
                }
                masters.gone(r.master());
                return true;
            }
        }
        return died;
    }

    void tick() {
        if (!enter()) {
            return;
        }
        long now = nanos.getAsLong();
        believeDeaths(now);
        long hb = settings.timings().heartbeatMs() * 1_000_000L;
        if (now - lastLanCheckNanos >= hb) {
            lastLanCheckNanos = now;
            boolean lanUp = lanCheck.up(settings.internalAddress());
            health.lan(lanUp);
            witnessWatch.lan(lanUp);
            configDigest = safeDigest();
            watchRelease();
        }
        if (switchover != null && now > switchover.expiresNanos()) {
            if (switchover.requestedBy().equals(settings.nodeName())) {
                notices.raise(EventType.SWITCHOVER_FAILED, Cause.SWITCHOVER, Map.of(GuardianEvent.MEMBER,
                        switchover.target()), "switchover-failed", Severity.MINOR,
                        "the switchover to " + switchover.target() + " did not complete in time");
            }
            LOG.warn("Switchover to {} did not complete in time; dropped", switchover.target());
            dropSwitchover();
        }
        evaluate();
        if (outbox.stateDue(now)) {
            broadcast();
        }
        leave();
        // leave() refreshed them if anything changed; what runs on by itself (the lease left, the peers' ages) is
        // refreshed once per heartbeat, not on every tick: a node at rest should allocate next to nothing.
        if (now - snapshotNanos >= hb) {
            refreshSnapshots();
        }
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
        if (believeDeaths(now)) {
            evaluate();
        }
        if (role == Role.MASTER && agreement.leaseRemaining(now) <= 0) {
            loseLease(now);
            leave();
        } else if (candidacy != null) {
            campaign(now);
            leave();
        } else {
            lastAliveNanos = nanos.getAsLong();
            publishLeaseEnd(lastAliveNanos);
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
        if (witnessWatch.probed(answered, atNanos)) {
            LOG.info("The witness answers {} again; it stands in for a silent member only once the channel has merged "
                    + "or after {} ms", settings.nodeName(), settings.timings().rejoinMs());
        }
        if (answered && witnessStandsIn(atNanos)) {
            agreement.witnessAnswered(atNanos);
        }
    }

    /** See {@link WitnessWatch#standsIn}: a peer heard since this node reconnected shows that the views merged. */
    private boolean witnessStandsIn(long now) {
        int others = settings.members().size() - 1;
        return witnessWatch.standsIn(now, since -> peers.heardCount(now, now - since) == others);
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
            SwitchoverTarget choice = SwitchoverTarget.choose(requested, visibleStates(now), rule, settings.members(),
                    peers.everKnown());
            if (choice.refusal().isPresent()) {
                return choice.refusal().get();
            }
            MemberState target = choice.target().orElseThrow();
            long timeout = 2 * settings.timings().startupGraceMs() + 5000;
            switchover = new Pending(target.name(), settings.nodeName(), now + timeout * 1_000_000L);
            notices.clear("switchover-failed", Cause.SWITCHOVER, Map.of(GuardianEvent.MEMBER, target.name()));
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
            // The others got the request too: they drop it, unless the master has let go already.
            send(new Wire.SwitchoverCancel(switchover.target(), settings.nodeName(), epoch));
            dropSwitchover();
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
            health.paused(now);
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
        publishLeaseEnd(lastAliveNanos);
        Outbox.Outgoing last = outbox.last();
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
        if (health.gatekeeper(gk.healthy(), gk.label())) {
            if (health.gatekeeperHealthy()) {
                notices.cleared(EventType.GATEKEEPER_RECOVERED, "gatekeeper-fault", Cause.HEALTH, Map.of());
            } else {
                notices.raise(EventType.GATEKEEPER_FAULT, Cause.HEALTH, Map.of(), "gatekeeper-fault",
                        Severity.CRITICAL, "the local gatekeeper is " + gk.label());
            }
        }
        if (health.conflictOver(now) && role != Role.MASTER) {
            notices.clear("vip-conflict", Cause.VIP_CONFLICT, Map.of());
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

    private void elect(long now, QuorumState q, boolean healthy, List<MemberState> visibleNow) {
        // A node that is not master elects as if a master whose promise runs out soon were gone already: the one
        // to follow it gets its gatekeeper and its duplicate-address check ready meanwhile, and asks for the votes
        // the moment the voters are free. Nothing is bound before they grant it.
        List<MemberState> visible = role == Role.MASTER ? visibleNow : withoutMastersLapsingSoon(visibleNow, now);
        ElectionResult result;
        try {
            result = rule.decide(new ElectionInput(visible, q.allowsMaster(), settings.preempt(),
                    Optional.ofNullable(switchover).map(Pending::target)));
        } catch (RuntimeException e) {
            LOG.error("The election rule failed; keeping the current roles", e);
            return;
        }
        boolean chosen = result.master().filter(settings.nodeName()::equals).isPresent();
        if (role == Role.MASTER && !chosen && switchover != null && !maintenance
                && result.master().filter(switchover.target()::equals).isPresent()
                && !gatekeeperReadyOn(switchover.target(), now)) {
            // A hand-over, not a failure: the VIP stays here until the target's gatekeeper answers, so that the
            // clients' outage is the votes and the bind, not a gatekeeper's start.
            LOG.debug("switchover to {}: waiting for its gatekeeper to be ready", switchover.target());
            return;
        }
        if (role == Role.MASTER && !chosen) {
            demote(maintenance ? Role.MAINTENANCE : Role.BACKUP, demotionCause(visible, result),
                    result.reason().isEmpty() ? "the election chose " + result.master().orElse("nobody")
                            : result.reason());
        } else if (role != Role.MASTER && chosen && q.allowsMaster() && healthy && !maintenance
                && now >= distrustUntil) {
            Optional<MemberState> holder = visible.stream()
                    .filter(m -> m.role() == Role.MASTER && !m.name().equals(settings.nodeName())).findFirst();
            if (holder.isPresent()) {
                if (switchover != null && switchover.target().equals(settings.nodeName()) && !preparedForSwitchover) {
                    prepareForSwitchover(holder.get().name());
                }
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
            // The duplicate address check runs while the gatekeeper gets ready and the votes come in (none is needed
            // when the master resigned to us: see tryTakeOver). While the voters' promise to a silent master still
            // runs, it starts late enough to end with the promise: the old master may still hold the VIP until then.
            probeDueNanos = handedOverEpoch == epoch ? Long.MAX_VALUE
                    : agreement.promiseEnd().orElse(t0) - vip.probeTime().toNanos();
            probeAheadWhenDue(t0);
            // The votes are asked for before the gatekeeper starts and come back while it does (a cold start takes
            // longer than a round trip); nothing is bound before it answers. The launcher's tighter limit waits
            // for the end of the start (a busy start must not get the JVM killed): ipbinding sends it before the
            // bind, which is what keeps a stopped new master from holding the VIP past its lease.
            Optional<Wire.VoteRequest> early = agreement.campaign(epoch, t0);
            early.ifPresent(this::send);
            try {
                atTheEdge(() -> gatekeeper.prepareMaster(context));
            } catch (GatekeeperControl.GatekeeperException | RuntimeException e) {
                agreement.endCampaign();
                safeStandDown(context);
                promotionFailed(Cause.HEALTH, "the gatekeeper could not be made ready: " + e.getMessage());
                return;
            }
            candidacy = new Candidacy(cause, reason, context, faultTime(t0), t0, nanos.getAsLong(),
                    early.isPresent() ? t0 : Long.MIN_VALUE);
            promoting = true;
        }
        campaign(nanos.getAsLong());
    }

    /** When the master this node followed was last heard from (or this node started): the fault's latest start. */
    private long faultTime(long fallback) {
        return lastMasterHeardNanos != Long.MIN_VALUE ? lastMasterHeardNanos : fallback;
    }

    private void probeAheadWhenDue(long now) {
        if (now >= probeDueNanos) {
            probeDueNanos = Long.MAX_VALUE;
            vip.probeAhead();
        }
    }

    /** Asks for votes, at most once per renewal interval, and takes over once they suffice. */
    private void campaign(long now) {
        Candidacy c = candidacy;
        if (c == null) {
            return;
        }
        probeAheadWhenDue(now);
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
        promoting = false;
        probeDueNanos = Long.MAX_VALUE;
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
        long won = agreement.becomeMaster();
        candidacy = null;
        probeDueNanos = Long.MAX_VALUE;
        RoleContext context = new RoleContext(settings.nodeName(), Role.MASTER, won, vip.configured());
        // Renewals go out while the VIP is bound (the duplicate-address check takes a while), from the heartbeat thread.
        outbox.renewing(agreement.renewal(now));
        // The master of the epoch before ours held the VIP and resigned to us (Wire.Resign.handOver): it released the
        // VIP, verified, and no other guardian can hold it (the votes saw to that). Anything else takes the
        // duplicate address check first.
        boolean handedOver = handedOverEpoch != 0 && handedOverEpoch == epoch && won > epoch;
        handedOverEpoch = 0;
        try {
            atTheEdge(() -> {
                if (handedOver) {
                    vip.bindHandedOver(context);
                } else {
                    vip.bind(context);
                }
            });
        } catch (VipControl.VipException | RuntimeException e) {
            promoting = false;
            outbox.renewing(null);
            resignOnceReleased(agreement.stepDown(false));
            safeStandDown(context);
            boolean conflict = e instanceof VipControl.VipException v && v.conflict();
            if (conflict) {
                health.conflict(nanos.getAsLong());
                notices.raise(EventType.VIP_CONFLICT, Cause.VIP_CONFLICT, Map.of(GuardianEvent.TEXT, e.getMessage()),
                        "vip-conflict", Severity.CRITICAL, "another host answers for the VIP: " + e.getMessage());
            }
            promotionFailed(conflict ? Cause.VIP_CONFLICT : Cause.HEALTH, "the VIP could not be bound: "
                    + e.getMessage());
            return;
        }
        long boundNanos = nanos.getAsLong();
        epoch = epochs.raiseTo(won);
        health.promoted();
        notices.clear("promotion-failed", c.cause(), Map.of());
        String old = masters.master();
        setRole(Role.MASTER, c.cause(), c.reason(), boundNanos - c.suspectedNanos());
        promoting = false;
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
        preparedForSwitchover = false;
        broadcast();
    }

    /**
     * A promotion failed: the node stays in fault for a back-off that grows with each failure in a row, one alarm
     * stays raised while it lasts, and the epoch stays where it was.
     */
    private void promotionFailed(Cause cause, String why) {
        long backOff = health.promotionFailed(nanos.getAsLong(), why);
        LOG.error("Promotion of {} aborted: {}; out of the elections for {} s", settings.nodeName(), why,
                backOff / 1_000_000_000L);
        notices.raise(EventType.GATEKEEPER_FAULT, cause, Map.of(), "promotion-failed", Severity.MAJOR,
                "promotion failed: " + why);
        setRole(Role.FAULT, cause, why, 0);
    }

    private static long ms(long nanos) {
        return Math.max(0, nanos / 1_000_000L);
    }

    private void demote(Role to, Cause cause, String detail) {
        long t0 = nanos.getAsLong();
        if (role == Role.MASTER) {
            outbox.renewing(null);
            resignOnceReleased(agreement.stepDown(true));
            safeStandDown(new RoleContext(settings.nodeName(), to, epoch, vip.configured()));
        }
        setRole(to, cause, detail, nanos.getAsLong() - t0);
        broadcast();
    }

    /**
     * Releases the VIP, then resigns: only with the VIP gone may the voters turn to someone else, and they should not
     * wait for the gatekeeper to stop first (a switchover's outage). A release not verified yet sends no resignation:
     * the voters' promise runs out instead.
     */
    private void resignOnceReleased(Optional<Wire.Resign> resign) {
        vip.release();
        Optional<String> problem = vip.releaseProblem();
        if (problem.isEmpty()) {
            resign.ifPresent(this::send);
        } else {
            LOG.error("{} does not resign as master of epoch {}: its VIP release is not verified ({}); the voters wait "
                    + "for their promise to run out", settings.nodeName(), epoch, problem.get());
        }
    }

    private void setRole(Role to, Cause cause, String detail, long tookNanos) {
        Role from = role;
        if (from == to) {
            return;
        }
        role = to;
        roleSince = clock.instant();
        statusChanged = true;
        String master = to == Role.MASTER ? settings.nodeName() : from == Role.MASTER ? "" : masters.master();
        RoleTransition t = new RoleTransition(settings.nodeName(), from, to, epoch, cause, roleSince,
                Duration.ofNanos(tookNanos), master, detail);
        journal.record(t);
        LOG.info("Role {} -> {} on {} (epoch {}, cause {}, took {} ms, master '{}'){}", from.label(), to.label(),
                settings.nodeName(), epoch, cause.label(), tookNanos / 1_000_000L, master,
                detail.isEmpty() ? "" : ": " + detail);
        // A listener that hears of the transition and asks for the status must see it.
        refreshSnapshots();
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
            case WITNESS -> heard == settings.members().size() || witnessStandsIn(now)
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
            notices.cleared(EventType.QUORUM_REGAINED, "quorum-lost", Cause.QUORUM, Map.of());
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

    private List<MemberState> withoutMastersLapsingSoon(List<MemberState> visible, long now) {
        List<MemberState> out = new ArrayList<>(visible.size());
        for (MemberState m : visible) {
            if (m.role() == Role.MASTER && !m.name().equals(settings.nodeName())
                    && (agreement.lapsesWithin(m.internalAddress(), now, standEarlyNanos)
                            || lifeChecks.containsKey(m.internalAddress()))) {
                continue;
            }
            out.add(m);
        }
        return out;
    }

    private void watchMasters(List<MemberState> visible) {
        masters.observe(visible, role == Role.MASTER, Optional.ofNullable(switchover).map(Pending::target),
                nanos.getAsLong());
    }

    private Cause promotionCause(ElectionResult result) {
        if (switchover != null && switchover.target().equals(settings.nodeName())) {
            return Cause.SWITCHOVER;
        }
        if (masters.seenBefore()) {
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
        return health.healthy(now);
    }

    private String unhealthyReason(long now) {
        return health.reason(now);
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
            // A member whose process died is not waited for, though the channel keeps it in the view a while longer
            // (VERIFY_SUSPECT): a node restarted within the startup grace would otherwise not stand until then.
            if (peers.hasState(a) || peers.dead(a)) {
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
        return role == Role.MASTER ? settings.nodeName() : masters.master();
    }

    // ---------------------------------------------------------------- sending

    /** Publishes this node's state (role thread only), then sends it. */
    private void broadcast() {
        outbox.publish(new Outbox.Outgoing(myState(nanos.getAsLong()), safeGatekeeperState(), followsNow(),
                Set.copyOf(peers.inView().keySet())));
    }

    /** The heartbeat thread's beat; see {@link Outbox#beat}. Safe from any thread. */
    void heartbeat() {
        if (started && !stopped) {
            outbox.beat(progressing(leaseNanos));
        }
    }

    /**
     * For the launcher's keep-alive: true unless this node is master (or binding) and its role thread has neither
     * finished a step within the lease nor is busy at the edge. Only a master's stuck thread keeps a VIP that the
     * lease no longer protects; killing a backup for a stall would only cost a member.
     */
    boolean progressing() {
        return role != Role.MASTER && busySince == Long.MIN_VALUE || !started || stopped
                || progressing(leaseNanos);
    }

    /**
     * See {@link org.gkguardian.api.Guardian#watchdogLimit}: only a master holds a VIP that the lease must cover; a
     * candidate asks for the limit too, so that its launcher has it before the bind rather than one keep-alive after.
     */
    Optional<Duration> watchdogLimit() {
        if (role != Role.MASTER && (!promoting || role == Role.STOPPED)) {
            return Optional.empty();
        }
        // What the voters' promise leaves after the lease is the launcher's in any case; the rest of the lease is
        // too, since this process lets the VIP go by itself at the lease's end only if it runs. Without it a master
        // would be killed for any stall of 100 ms (fast profile) even right after a renewal, as happened to new
        // masters on a loaded machine; a stale (earlier) lease end only makes the limit tighter.
        long limitMs = settings.timings().watchdogLimitMs();
        long leaseEnd = leaseEndNanos;
        if (role == Role.MASTER && leaseEnd != Long.MIN_VALUE) {
            limitMs += Math.max(0, leaseEnd - nanos.getAsLong()) / 1_000_000L;
        }
        return Optional.of(Duration.ofMillis(limitMs));
    }

    /**
     * Publishes when this master's lease ends, for {@link #watchdogLimit}. No lease of its own (a backup, a candidate,
     * or a master that needs no voters' answers) publishes none: its launcher gets the base limit.
     */
    private void publishLeaseEnd(long now) {
        long left = role == Role.MASTER ? agreement.leaseRemaining(now) : 0;
        leaseEndNanos = left > 0 && left <= leaseNanos ? now + left : Long.MIN_VALUE;
    }

    private boolean progressing(long within) {
        long now = nanos.getAsLong();
        long busy = busySince;
        return started && !stopped && (now - lastAliveNanos <= within
                || (busy != Long.MIN_VALUE && now - busy <= EDGE_LIMIT_NANOS));
    }

    /** Runs a bounded action at the edge (gatekeeper start, VIP bind): the role thread is busy, not stuck. */
    private <E extends Exception> void atTheEdge(EdgeAction<E> action) throws E {
        busySince = nanos.getAsLong();
        try {
            action.run();
        } finally {
            busySince = Long.MIN_VALUE;
            // Busy is not paused: the lease itself tells whether the others moved on meanwhile.
            lastAliveNanos = nanos.getAsLong();
        }
    }

    @FunctionalInterface
    private interface EdgeAction<E extends Exception> {
        void run() throws E;
    }

    private void send(Wire.Message message) {
        outbox.send(message);
    }

    private void sendTo(InetAddress member, Wire.AgreementMessage message) {
        outbox.sendTo(member, message);
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

    /**
     * The master will let go once this node's gatekeeper answers: get it ready now, while the master still serves
     * (a cold standby starts it; a warm one only checks it).
     */
    private void prepareForSwitchover(String master) {
        preparedForSwitchover = true;
        RoleContext context = new RoleContext(settings.nodeName(), Role.MASTER, agreement.nextEpoch(epoch),
                vip.configured());
        long t0 = nanos.getAsLong();
        try {
            atTheEdge(() -> gatekeeper.prepareMaster(context));
            LOG.info("Switchover from {} to {}: gatekeeper ready in {} ms; {} lets the VIP go now", master,
                    settings.nodeName(), ms(nanos.getAsLong() - t0), master);
        } catch (GatekeeperControl.GatekeeperException | RuntimeException e) {
            LOG.warn("Switchover from {} to {}: the gatekeeper could not be made ready ({}); {} keeps the role", master,
                    settings.nodeName(), e.getMessage(), master);
            safeStandDown(new RoleContext(settings.nodeName(), role, epoch, vip.configured()));
        }
    }

    /** The switchover is over without this node's promotion: a gatekeeper started for it goes back to standby. */
    private void dropSwitchover() {
        switchover = null;
        if (preparedForSwitchover && role != Role.MASTER && candidacy == null) {
            safeStandDown(new RoleContext(settings.nodeName(), role, epoch, vip.configured()));
        }
        preparedForSwitchover = false;
    }

    /** The member's gatekeeper answers (or it has none to manage), from its newest state. */
    private boolean gatekeeperReadyOn(String member, long now) {
        return peers.freshPeers(now).stream().filter(p -> p.state().name().equals(member))
                .anyMatch(p -> p.gatekeeper() == GatekeeperState.RUNNING || p.gatekeeper() == GatekeeperState.UNMANAGED);
    }

    private void safeStandDown(RoleContext context) {
        try {
            gatekeeper.standDown(context);
        } catch (RuntimeException e) {
            LOG.error("Gatekeeper stand-down failed: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------- snapshots for other threads

    private void refreshSnapshots() {
        statusChanged = false;
        snapshot = buildStatus();
        long now = nanos.getAsLong();
        snapshotNanos = now;
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
        } else if (!masters.master().isEmpty()) {
            for (MemberState m : peers.everKnown()) {
                if (m.name().equals(masters.master())) {
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
        // The master watch learns of our own mastership only at the next observation: a snapshot taken in between
        // must not show a master without a name.
        String follows = followsNow();
        return new NodeStatus(settings.nodeName(), settings.internalAddress(), settings.priority(), role, roleSince,
                epoch, follows.isEmpty() ? Optional.empty() : Optional.of(follows), masterAddress, vips,
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

package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.gkguardian.api.Cause;
import org.gkguardian.api.ElectionInput;
import org.gkguardian.api.ElectionResult;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperControl;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role state machine of one node. Every method except {@link #received}, {@link #heartbeat} and the snapshot
 * readers runs on the guardian's single role thread, so transitions are serialized without locks.
 *
 * <p>Who may be master is decided by {@link Agreement} (votes and leases); which member should be is decided by the
 * election rule over what {@link PeerTracker} knows; this class carries the decisions out. A master lets the VIP go
 * first, before anything else, when its lease runs out, when its JVM was paused for longer than the voters' promise,
 * or when the election names someone else; only then does it tell its voters that it resigned. A candidate binds the
 * VIP only once a majority granted it the epoch and its lease still has room for the bind.
 *
 * <p>This class orchestrates the role thread (inputs, then {@link #evaluate}, then acting); each job is a class of its
 * own: {@link Electorate} (quorum, visible members, settling), {@link ElectionAction} (what to do about the election),
 * {@link Promotion} (the candidacy), {@link Voter} (answering candidates and masters), {@link Switchovers},
 * {@link LifeChecks}, {@link Alarms}, {@link Edges} (gatekeeper and VIP calls), {@link Liveness} and
 * {@link StatusSnapshots}.
 */
final class RoleMachine {

    private static final Logger LOG = LoggerFactory.getLogger(RoleMachine.class);

    private volatile Settings settings;
    private final ElectionRule rule;
    private final VipControl vip;
    private final Epochs epochs;
    private final Publisher publisher;
    private final Journal journal;
    private final LongSupplier nanos;
    private final Clock clock;
    private final LanCheck lanCheck;
    private final long pauseNanos;
    /** Whether the last pause of this JVM found it master (see {@link #endPauseHoldWhenNobodyElseCanServe}). */
    private boolean pausedHoldingTheVip;
    private final long leaseNanos;
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
    private final Liveness liveness = new Liveness();
    private long lastLanCheckNanos = Long.MIN_VALUE;
    private String configDigest = "";
    private final Edges edges;
    private final Voter voter;
    private final Alarms alarms;
    private final Electorate electorate;
    private final Promotion promotion;
    private final StatusSnapshots snapshots;
    private final Switchovers switchovers;

    private final LifeChecks lifeChecks;
    private final LongConsumer wakeAt;
    private final long incarnation;
    private final long standEarlyNanos;
    /** The next deadline reported to {@link #wakeAt}: a wake-up before it finds nothing due. */
    private long dueNanos = Long.MAX_VALUE;

    /**
     * @param wakeAt told after every step of the role thread when (on {@code nanos}'s clock) the next thing is due: a
     *               death to believe, a promise's end, the moment to stand early or to start the duplicate-address
     *               check, the end of this master's lease; the caller runs {@link #wake} on the role thread then
     */
    RoleMachine(Settings settings, ElectionRule rule, GatekeeperControl gatekeeper, VipControl vip, Epochs epochs,
            Membership membership, Publisher publisher, Journal journal, LongSupplier nanos, Clock clock,
            LanCheck lanCheck, LongConsumer wakeAt) {
        this(settings, rule, gatekeeper, vip, epochs, membership, publisher, journal, nanos, clock, lanCheck, wakeAt,
                new java.security.SecureRandom().nextLong());
    }

    /** @param incarnation random number of this run, so that peers never match our clock readings with another's */
    RoleMachine(Settings settings, ElectionRule rule, GatekeeperControl gatekeeper, VipControl vip, Epochs epochs,
            Membership membership, Publisher publisher, Journal journal, LongSupplier nanos, Clock clock,
            LanCheck lanCheck, LongConsumer wakeAt, long incarnation) {
        this.settings = settings;
        this.incarnation = incarnation;
        this.wakeAt = wakeAt;
        this.rule = rule;
        this.vip = vip;
        this.epochs = epochs;
        this.publisher = publisher;
        this.journal = journal;
        this.nanos = nanos;
        this.clock = clock;
        this.lanCheck = lanCheck;
        Timings t = settings.timings();
        this.leaseNanos = t.leaseMs() * 1_000_000L;
        this.pauseNanos = t.promiseMs() * 1_000_000L;
        long renewNanos = t.renewMs() * 1_000_000L;
        this.standEarlyNanos = t.standEarlyMs() * 1_000_000L;
        long presenceNanos = (t.failureTimeoutMs() + t.verifyTimeoutMs()) * 1_000_000L;
        this.peers = new PeerTracker(settings.internalAddress(), settings.members(), incarnation, presenceNanos);
        this.lifeChecks = new LifeChecks(settings.nodeName(), settings.internalAddress(), incarnation,
                t.releaseAllowanceMs() * 1_000_000L, peers::nameOf);
        this.health = new HealthGate(settings.internalAddress(), 3 * t.distrustMs() * 1_000_000L,
                4 * t.distrustMs() * 1_000_000L);
        DatagramAnswers datagramAnswers = new DatagramAnswers(renewNanos);
        this.outbox = new Outbox(membership, peers, nanos, incarnation, t.heartbeatMs() * 1_000_000L, renewNanos,
                datagramAnswers);
        this.agreement = Agreement.forMember(settings, incarnation, epochs);
        this.epoch = epochs.current();
        this.notices = new Notices(settings.nodeName(), journal, publisher, clock, () -> epoch);
        this.masters = new MasterWatch(notices, journal, clock, settings.quorumPolicy() == QuorumPolicy.MAJORITY,
                pauseNanos);
        this.switchovers = new Switchovers(settings.nodeName(),
                (2 * t.startupGraceMs() + 5000) * 1_000_000L, notices, outbox);
        this.alarms = new Alarms(() -> this.settings, peers, notices, health, vip);
        this.electorate = new Electorate(() -> this.settings, peers, agreement,
                new WitnessWatch(pauseNanos, t.rejoinMs() * 1_000_000L), notices,
                lifeChecks::asking, pauseNanos, t.standEarlyMs() * 1_000_000L);
        this.edges = new Edges(settings.nodeName(), gatekeeper, vip, outbox, nanos, liveness);
        // The renewals go on while the VIP is bound: the lease needs room only for the first of them to be answered.
        this.promotion = new Promotion(settings.nodeName(), agreement, edges, vip, outbox, switchovers, peers, health,
                notices, nanos, renewNanos, renewNanos, pauseNanos);
        this.voter = new Voter(settings.nodeName(), peers, agreement, epochs, outbox, lifeChecks, switchovers, masters,
                promotion, settings.internalAddress(), renewNanos, datagramAnswers);
        this.roleSince = clock.instant();
        this.snapshots = new StatusSnapshots(() -> this.settings, peers, vip, journal, clock);
        snapshots.initial(self(0));
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

    /** The random number of this run, which its messages and its obituary carry. */
    long incarnation() {
        return incarnation;
    }

    // ---------------------------------------------------------------- inputs

    void start() {
        long startedNanos = nanos.getAsLong();
        lastLanCheckNanos = startedNanos - settings.timings().heartbeatMs() * 1_000_000L;
        checkLan();
        liveness.start(startedNanos);
        configDigest = edges.configDigest();
        LOG.info("Guardian {} starting: {}, epoch {}, last vote in epoch {}", settings.nodeName(), settings, epoch,
                epochs.ballot().epoch());
        evaluate();
        leave();
    }

    /** Channel thread, as a message arrives: see {@link Voter#received}. Not trusted right after a pause. */
    boolean received(Wire.Message message, long atNanos) {
        return received(message, false, atNanos);
    }

    /** As {@link #received(Wire.Message, long)}, on the channel's thread or (byDatagram) the datagram line's. */
    boolean received(Wire.Message message, boolean byDatagram, long atNanos) {
        return atNanos < distrustUntil || voter.received(message, byDatagram, atNanos);
    }

    void onView(Set<InetAddress> members) {
        if (!enter()) {
            return;
        }
        alarms.viewChanged(peers.onView(members, nanos.getAsLong()));
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
        // A member whose death is believed already (its launcher's obituary came first) is not asked again.
        if (peers.isPeer(member) && !lifeChecks.asking(member) && !peers.dead(member)) {
            // Its successor gets ready while the member is asked (see Electorate#withoutMastersLapsingSoon).
            Optional<Wire.LifeCheck> check = lifeChecks.lineEnded(member, nanos.getAsLong());
            check.ifPresent(c -> outbox.sendTo(member, c));
            evaluate();
            if (agreement.promisedTo(member)) {
                promotion.probeAheadNow(nanos.getAsLong());
            }
        }
        leave();
    }

    /**
     * The member's launcher saw its JVM of run {@code incarnation} die and released its VIPs (see
     * {@link LauncherObituary}): its death is believed now, without waiting out the release allowance, and a promise
     * given to that run ends now. An obituary of another run than the one this node knows of the member (a recorded
     * one sent again after the member restarted) changes nothing.
     *
     * <p>When that run was the master of this node's epoch and held the VIP to its end ({@code heldVip}: its launcher
     * removed it, verified), the VIP is handed over as by a resignation: the next master binds without the
     * duplicate-address check, which would only wait out its window after the release. Under a majority only: a pair
     * with a witness relies on the check when its internal link is cut.
     */
    void onObituary(InetAddress member, long incarnation, boolean heldVip, long receivedNanos) {
        if (!enter()) {
            return;
        }
        if (receivedNanos >= distrustUntil && peers.isPeer(member)
                && (agreement.promisedToRun(member, incarnation) || peers.lastRun(member) == incarnation)) {
            long now = nanos.getAsLong();
            long freedEpoch = agreement.released(member, incarnation, now);
            boolean freed = freedEpoch != 0;
            if (heldVip && freed && freedEpoch == epoch && settings.quorumPolicy() == QuorumPolicy.MAJORITY) {
                switchovers.releasedByLauncher(epoch, member, now);
            }
            OptionalLong lineEnded = lifeChecks.lineEndedAt(member);
            lifeChecks.settled(member);
            peers.died(member);
            masters.gone(member);
            LOG.info("Guardian {}: the launcher of {} reports its JVM dead and its VIPs released ({}{}){}",
                    settings.nodeName(), peers.nameOf(member), lineEnded.isPresent()
                            ? (now - lineEnded.getAsLong()) / 1_000_000L + " ms after its life line ended"
                            : "before its life line ended here", heldVip ? ", it held the VIP to its end" : "",
                    freed ? "; the promise to it in epoch " + freedEpoch + " ends now" : "");
            answerHeldRequest(now);
            evaluate();
        }
        leave();
    }

    /** Members that did not answer their life check within the allowance are dead; true when one was. */
    private boolean believeDeaths(long now) {
        List<LifeChecks.Death> dead = lifeChecks.due(now);
        for (LifeChecks.Death d : dead) {
            agreement.crashed(d.member(), d.sinceNanos());
            peers.died(d.member());
            masters.gone(d.member());
        }
        return !dead.isEmpty();
    }

    void onMessage(Wire.Message message, long receivedNanos) {
        onMessage(message, false, receivedNanos);
    }

    /** A message that came on the channel or (byDatagram) as a datagram; a renewal is answered on its path. */
    void onMessage(Wire.Message message, boolean byDatagram, long receivedNanos) {
        if (!enter()) {
            return;
        }
        if (receivedNanos >= distrustUntil) {
            if (message instanceof Wire.StateMessage s) {
                // A state that repeats the last one changes nothing the tick would not see anyway: the roles get a
                // fresh look only when a member says something new (fast profile: 20 evaluations a second fewer).
                if (onState(s)) {
                    evaluate();
                }
            } else if (message instanceof Wire.AgreementMessage a) {
                // Renewals and their answers come several times per lease: they change no state worth a full
                // evaluation; a resignation or a vote may let this node take over at once.
                if (onAgreement(a, byDatagram, receivedNanos)) {
                    evaluate();
                }
            } else if (message instanceof Wire.SwitchoverRequest r) {
                switchovers.requested(r, epoch, nanos.getAsLong());
                evaluate();
            } else if (message instanceof Wire.SwitchoverCancel c) {
                if (switchovers.cancels(c, epoch)) {
                    dropSwitchover();
                    evaluate();
                }
            }
        }
        leave();
    }

    /** A member's state; true when it told something new (see {@link PeerTracker#accept}). */
    private boolean onState(Wire.StateMessage s) {
        MemberState m = s.state();
        PeerTracker.Heard heard = peers.accept(s, clock.instant(), nanos.getAsLong());
        if (heard == PeerTracker.Heard.REFUSED) {
            return false;
        }
        alarms.checkName(m);
        observeEpoch(m.epoch(), m.name());
        masters.heard(m.internalAddress(), m.role() == Role.MASTER, nanos.getAsLong());
        alarms.checkConfig(m, configDigest);
        return heard == PeerTracker.Heard.CHANGED;
    }

    /** Adopts a higher epoch a member reports, unless it is absurdly far ahead. */
    private boolean observeEpoch(long seen, String from) {
        if (seen <= epoch) {
            return true;
        }
        if (!voter.believable(seen, epoch, from, nanos.getAsLong())) {
            return false;
        }
        epoch = epochs.raiseTo(seen);
        snapshots.markChanged();
        return true;
    }

    /** Handles a message of the agreement; true when the roles deserve a fresh look. */
    private boolean onAgreement(Wire.AgreementMessage message, boolean byDatagram, long receivedNanos) {
        long now = nanos.getAsLong();
        if (message instanceof Wire.LifeCheckAck a) {
            lifeChecks.answered(a, now);
            return true;
        }
        // A vote request may come from the successor of a member whose death is due to be believed now.
        boolean died = believeDeaths(now);
        if (message instanceof Wire.VoteRequest r) {
            if (died) {
                answerHeldRequest(now);
            }
            if (voter.onRequest(r, epoch, receivedNanos)) {
                abandonCandidacy("voted for " + r.candidate());
            }
            return died;
        } else if (message instanceof Wire.VoteReply r) {
            if (peers.isPeer(r.voter())) {
                agreement.onReply(r);
                act(promotion.tryTakeOver(now, epoch, role, this::eligible));
            }
            return died;
        } else if (message instanceof Wire.LeaseRenew r) {
            if (!peers.isPeer(r.master()) || !observeEpoch(r.epoch(), peers.nameOf(r.master()))) {
                return died;
            }
            Optional<Wire.LeaseAck> again = byDatagram ? Optional.empty() : voter.answerAgain(r);
            if (again.isPresent()) {
                outbox.answerRenewal(r.master(), again.get(), false);
                return died;
            }
            boolean demoted = false;
            if (role == Role.MASTER && r.epoch() >= agreement.masterEpoch()) {
                demote(maintenance ? Role.MAINTENANCE : Role.BACKUP, Cause.SPLIT_BRAIN,
                        peers.nameOf(r.master()) + " is master of epoch " + r.epoch());
                demoted = true;
            }
            Optional<Wire.LeaseAck> ack = voter.onRenew(r, epoch, receivedNanos);
            if (ack.isPresent()) {
                if (promotion.standing()) {
                    abandonCandidacy(peers.nameOf(r.master()) + " is master of epoch " + r.epoch());
                }
                outbox.answerRenewal(r.master(), ack.get(), byDatagram);
            }
            return demoted || died;
        } else if (message instanceof Wire.Resign r && voter.onResign(r, epoch, receivedNanos)) {
            answerHeldRequest(now);
            return true;
        }
        if (died) {
            answerHeldRequest(now);
        }
        return died;
    }

    void tick() {
        if (!enter()) {
            return;
        }
        long now = nanos.getAsLong();
        believeDeaths(now);
        answerHeldRequest(now);
        long hb = settings.timings().heartbeatMs() * 1_000_000L;
        if (now - lastLanCheckNanos >= hb) {
            lastLanCheckNanos = now;
            checkLan();
            configDigest = edges.configDigest();
            alarms.watchRelease();
        }
        if (switchovers.expired(now)) {
            dropSwitchover();
        }
        evaluate();
        if (outbox.stateDue(now)) {
            broadcast();
        }
        leave();
        // leave() refreshed them if anything changed; what runs on by itself (the lease left, the peers' ages) is
        // refreshed once per heartbeat, not on every tick: a node at rest should allocate next to nothing.
        if (snapshots.olderThan(hb, now)) {
            refreshSnapshots();
        }
    }

    /**
     * The role thread's wake-up at the deadline {@link #leave} reported: a death believed the moment its allowance
     * ends, a kept vote request answered the moment the promise in its way ends, a candidate that asks the moment it is
     * free, a master that lets go the moment its lease ends, rather than at the next tick. A wake-up before the
     * deadline (it moved later since it was set, as a renewed promise does) only sets the next one.
     */
    void wake() {
        if (!liveness.running()) {
            return;
        }
        if (nanos.getAsLong() < dueNanos) {
            wakeAt.accept(dueNanos);
            return;
        }
        if (!enter()) {
            return;
        }
        long now = nanos.getAsLong();
        believeDeaths(now);
        answerHeldRequest(now);
        evaluate();
        if (role != Role.MASTER && promotion.standing()) {
            act(promotion.campaign(nanos.getAsLong(), epoch, role, this::eligible));
        }
        leave();
    }

    /** A vote request kept while a promise stood in its way, answered if the promise has ended (Voter#retryHeld). */
    private void answerHeldRequest(long now) {
        if (voter.retryHeld(epoch, now)) {
            abandonCandidacy("voted for another candidate");
        }
    }

    /**
     * The next moment something is due on this node (see {@link #wake}), after {@code now}; one already due and left
     * to a wake-up (a death, a kept request, the check ahead) counts as now. MAX_VALUE when nothing is.
     */
    long nextDeadline(long now) {
        long next = Math.max(now, Math.min(lifeChecks.nextDue(), voter.heldDue(now)));
        if (promotion.standing()) {
            next = Math.min(next, Math.max(now, promotion.probeDue()));
        }
        java.util.OptionalLong promiseEnd = agreement.promiseEnd();
        if (promiseEnd.isPresent()) {
            // When the election first counts the master as gone (its successor gets ready), and when it is.
            next = after(now, next, promiseEnd.getAsLong() - standEarlyNanos);
            next = after(now, next, promiseEnd.getAsLong());
        }
        if (role == Role.MASTER) {
            long left = agreement.leaseRemaining(now);
            if (left > 0 && left <= leaseNanos) {
                next = after(now, next, now + left);
            }
        }
        return next;
    }

    private static long after(long now, long next, long candidate) {
        return candidate > now ? Math.min(next, candidate) : next;
    }

    private void checkLan() {
        boolean lanUp = lanCheck.up(settings.internalAddress());
        health.lan(lanUp);
        electorate.lan(lanUp);
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
        } else if (promotion.standing()) {
            act(promotion.campaign(now, epoch, role, this::eligible));
            leave();
        } else {
            long alive = nanos.getAsLong();
            liveness.alive(alive);
            publishLeaseEnd(alive);
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
        if (electorate.witnessAnswered(answered, atNanos)) {
            agreement.witnessAnswered(atNanos);
        }
    }

    OperatorResult switchover(Optional<String> requested) {
        if (!enter()) {
            return OperatorResult.refused(Outcome.REFUSED, "the guardian is stopped");
        }
        try {
            long now = nanos.getAsLong();
            OperatorResult result = switchovers.requestHere(requested, electorate.quorum(now), visibleStates(now),
                    rule, settings.members(), peers.everKnown(), epoch, now);
            if (result.outcome() == Outcome.ACCEPTED) {
                evaluate();
            }
            return result;
        } finally {
            leave();
        }
    }

    /** Drops a switchover this node asked for (to the given target, or any), when the operator's wait ran out. */
    void cancelSwitchover(Optional<String> target) {
        if (!enter()) {
            return;
        }
        Optional<Wire.SwitchoverCancel> cancel = switchovers.cancelHere(target, epoch);
        if (cancel.isPresent()) {
            // The others got the request too: they drop it, unless the master has let go already.
            outbox.send(cancel.get());
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
        if (liveness.stopped()) {
            return;
        }
        if (role == Role.MASTER) {
            demote(Role.STOPPED, cause, "guardian stopping");
        } else {
            abandonCandidacy("guardian stopping");
            setRole(Role.STOPPED, cause, "guardian stopping", 0);
        }
        broadcast();
        liveness.stop();
        refreshSnapshots();
    }

    // ---------------------------------------------------------------- the heart

    /**
     * Runs first in every task of the role thread. A gap since the last task longer than the voters' promise means
     * this JVM was stopped while the others may have moved on: the VIP goes first, then everything known is
     * forgotten. A shorter gap needs nothing special: the lease is counted from the answers' send times.
     */
    private boolean enter() {
        if (!liveness.running()) {
            return false;
        }
        long now = nanos.getAsLong();
        long gap = liveness.sinceAlive(now);
        if (gap > pauseNanos) {
            long gapMs = gap / 1_000_000L;
            pausedHoldingTheVip = role == Role.MASTER;
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
            voter.forgetHeld();
        }
        liveness.alive(now);
        return true;
    }

    /**
     * Runs last in every task: remember when this thread was last alive, tell the others (and the readers of the
     * status) if we changed. What it follows counts too: the others see at once whom this node follows.
     */
    private void leave() {
        long now = nanos.getAsLong();
        liveness.alive(now);
        publishLeaseEnd(now);
        Outbox.Outgoing last = outbox.last();
        if (last == null || !myState(now).equals(last.state()) || !followsNow().equals(last.follows())
                || !edges.gatekeeperState().equals(last.gatekeeper()) || !switchovers.shown().equals(last.switchover())) {
            broadcast();
            snapshots.markChanged();
        }
        if (snapshots.changed()) {
            refreshSnapshots();
        }
        dueNanos = nextDeadline(now);
        if (dueNanos != Long.MAX_VALUE) {
            wakeAt.accept(dueNanos);
        }
    }

    private void evaluate() {
        long now = nanos.getAsLong();
        peers.prune(now);
        alarms.watchHealth(edges.gatekeeperState(), role == Role.MASTER, now);
        endPauseHoldWhenNobodyElseCanServe(now);
        boolean healthy = health.healthy(now);
        health.eligible(healthy && !maintenance && role != Role.FAULT, now);

        QuorumState q = electorate.quorum(now);
        boolean settled = electorate.settled(now, distrustUntil, liveness.startedNanos());
        if (electorate.show(q, settled)) {
            snapshots.markChanged();
        }
        List<MemberState> visible = visibleStates(now);
        watchMasters(visible);
        // After the master watch, which counts a new master of the switchover's target as the switchover's result.
        if (switchovers.endedBefore(epoch, masters.master())) {
            dropSwitchover();
        }

        // 1. What makes a master let go at once.
        if (role == Role.MASTER) {
            if (agreement.leaseRemaining(now) <= 0) {
                loseLease(now);
                return;
            }
            if (!healthy) {
                demote(Role.FAULT, Cause.HEALTH, health.reason(now));
                return;
            }
        }

        // 2. Where a node that is not master rests (a starting node rests only once it knows it is not elected).
        Role resting = maintenance ? Role.MAINTENANCE : healthy ? Role.BACKUP : Role.FAULT;
        if (role != Role.MASTER && role != resting && (role != Role.INITIALIZING || resting != Role.BACKUP)) {
            Cause cause = resting == Role.MAINTENANCE || role == Role.MAINTENANCE ? Cause.MAINTENANCE
                    : role == Role.INITIALIZING ? Cause.STARTUP : Cause.HEALTH;
            abandonCandidacy(resting.label());
            setRole(resting, cause, resting == Role.FAULT ? health.reason(now) : "", 0);
        }

        // 3. The election.
        if (settled) {
            elect(now, q, healthy, visible);
            if (role == Role.INITIALIZING) {
                setRole(Role.BACKUP, Cause.STARTUP, "", 0);
            }
        }
    }

    /**
     * A node whose JVM stood still stays out for a while so that the others take over (see {@link #enter}); when every
     * other member it hears is out too (all of them paused on a starved machine, say), nobody takes over, and the hold
     * only keeps the cluster without a master. Who may serve is still decided by the votes. Not a node that was master
     * when it stopped: its host may have answered for the VIP meanwhile, and the members that saw it sit out their own
     * hold for that conflict; it must not come back before them.
     */
    private void endPauseHoldWhenNobodyElseCanServe(long now) {
        if (pausedHoldingTheVip || !health.onlyRecoveringFromPause(now) || now < distrustUntil) {
            return;
        }
        boolean nobodyElse = visibleStates(now).stream().filter(m -> !m.internalAddress()
                .equals(settings.internalAddress())).noneMatch(m -> m.healthy() || m.role() == Role.MASTER);
        if (nobodyElse) {
            LOG.info("Guardian {} ends its hold after a pause of its JVM early (epoch {}): no other member it hears "
                    + "can serve", settings.nodeName(), epoch);
            health.endPauseHold();
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
        List<MemberState> visible = role == Role.MASTER ? visibleNow
                : electorate.withoutMastersLapsingSoon(visibleNow, now);
        Optional<Switchovers.Pending> inForce = switchovers.inForce(peers.freshPeers(now));
        ElectionResult result;
        try {
            result = rule.decide(new ElectionInput(visible, q.allowsMaster(), settings.preempt(),
                    inForce.map(Switchovers.Pending::target)));
        } catch (RuntimeException e) {
            LOG.error("The election rule failed; keeping the current roles", e);
            return;
        }
        boolean targetReady = role == Role.MASTER && inForce.isPresent()
                && Switchovers.targetReady(inForce.get().target(), peers.freshPeers(now));
        ElectionAction action = ElectionAction.decide(new ElectionAction.Situation(settings.nodeName(), role, visible,
                inForce, targetReady, switchovers.prepared(), promotion.standing(), maintenance,
                q.allowsMaster() && healthy && !maintenance && now >= distrustUntil, masters.seenBefore()), result);
        switch (action.kind()) {
            case WAIT_FOR_TARGET -> LOG.debug("switchover to {}: waiting for its gatekeeper to be ready",
                    action.detail());
            case LET_GO -> demote(maintenance ? Role.MAINTENANCE : Role.BACKUP, action.cause(), action.detail());
            case PREPARE_AND_WAIT, WAIT_FOR_HOLDER -> {
                if (action.kind() == ElectionAction.Kind.PREPARE_AND_WAIT) {
                    promotion.prepareForSwitchover(action.detail(), epoch, role);
                }
                LOG.debug("elected, waiting for {} to let the master role go", action.detail());
            }
            case STAND -> act(promotion.stand(epoch, role, action.cause(), action.detail(), this::eligible));
            case STOP_STANDING -> abandonCandidacy(action.detail());
            default -> {
            }
        }
    }

    private void abandonCandidacy(String why) {
        promotion.abandon(why, role, epoch);
    }

    /** Whether this node may become master now: healthy, not in maintenance, not distrusting what it hears. */
    private boolean eligible(long now) {
        return health.healthy(now) && !maintenance && now >= distrustUntil;
    }

    /** Carries out what a step of the candidacy (see {@link Promotion}) came to. */
    private void act(Optional<Promotion.Outcome> outcome) {
        if (outcome.isEmpty()) {
            return;
        }
        if (outcome.get() instanceof Promotion.Failed f) {
            promotionFailed(f.cause(), f.why());
        } else if (outcome.get() instanceof Promotion.Won w) {
            becomeMaster(w);
        }
    }

    /** The VIP is bound: master of the epoch won. */
    private void becomeMaster(Promotion.Won w) {
        epoch = epochs.raiseTo(w.epoch());
        health.promoted();
        notices.clear("promotion-failed", w.cause(), Map.of());
        String old = masters.master();
        setRole(Role.MASTER, w.cause(), w.reason(), w.boundNanos() - w.candidacy().suspectedNanos());
        promotion.done(w, epoch);
        Map<String, String> details = new HashMap<>();
        details.put(GuardianEvent.OLD_MASTER, old);
        details.put(GuardianEvent.NEW_MASTER, settings.nodeName());
        notices.event(EventType.MASTER_CHANGED, w.cause(), details);
        if (switchovers.endedBefore(epoch, masters.master())) {
            dropSwitchover();
        }
        switchovers.promoted();
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

    private void demote(Role to, Cause cause, String detail) {
        long t0 = nanos.getAsLong();
        if (role == Role.MASTER) {
            outbox.renewing(null);
            edges.releaseThenResign(agreement.stepDown(true), epoch);
            edges.standDown(new RoleContext(settings.nodeName(), to, epoch, vip.configured()));
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
        snapshots.markChanged();
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

    private List<MemberState> visibleStates(long now) {
        return electorate.visible(myState(now), now);
    }

    private void watchMasters(List<MemberState> visible) {
        String before = masters.master();
        masters.observe(visible, role == Role.MASTER, switchovers.targetOfMasterChange(), nanos.getAsLong());
        if (!masters.master().isEmpty() && !masters.master().equals(before)) {
            switchovers.newMasterSeen();
        }
    }

    private MemberState myState(long now) {
        boolean preemptRequested = settings.preempt() && role == Role.BACKUP
                && health.eligibleFor(settings.preemptDelayMs() * 1_000_000L, now);
        return new MemberState(settings.nodeName(), settings.internalAddress(), settings.priority(),
                health.healthy(now), role, epoch, maintenance, configDigest, preemptRequested);
    }

    private String followsNow() {
        return role == Role.MASTER ? settings.nodeName() : masters.master();
    }

    // ---------------------------------------------------------------- sending

    /** Publishes this node's state (role thread only), then sends it. */
    private void broadcast() {
        outbox.publish(new Outbox.Outgoing(myState(nanos.getAsLong()), edges.gatekeeperState(), followsNow(),
                Set.copyOf(peers.inView().keySet()), switchovers.shown()));
    }


    /**
     * The heartbeat thread's beat; see {@link Outbox#beat}. Safe from any thread.
     *
     * @return nanoseconds until the next beat is due
     */
    long heartbeat() {
        if (!liveness.running()) {
            return settings.timings().renewMs() * 1_000_000L;
        }
        return outbox.beat(liveness.progressing(leaseNanos, nanos.getAsLong()));
    }

    /** Called (on the role thread) when this node starts renewing a lease, so that the heartbeat thread wakes. */
    void onRenewingStarted(Runnable wakeHeartbeat) {
        outbox.onRenewingStarted(wakeHeartbeat);
    }

    /**
     * For the launcher's keep-alive: true unless this node is master (or binding) and its role thread has neither
     * finished a step within the lease nor is busy at the edge. Only a master's stuck thread keeps a VIP that the
     * lease no longer protects; killing a backup for a stall would only cost a member.
     */
    boolean progressing() {
        return role != Role.MASTER && !liveness.busy() || !liveness.running()
                || liveness.progressing(leaseNanos, nanos.getAsLong());
    }

    /**
     * See {@link org.gkguardian.api.Guardian#watchdogLimit}: only a master holds a VIP that the lease must cover; a
     * candidate asks for the limit too, so that its launcher has it before the bind rather than one keep-alive after.
     */
    Optional<Duration> watchdogLimit() {
        if (role != Role.MASTER && (!promotion.promoting() || role == Role.STOPPED)) {
            return Optional.empty();
        }
        // What the voters' promise leaves after the lease is the launcher's in any case; the rest of the lease is
        // too, since this process lets the VIP go by itself at the lease's end only if it runs. Without it a master
        // would be killed for any stall of 100 ms (fast profile) even right after a renewal, as happened to new
        // masters on a loaded machine; a stale (earlier) lease end only makes the limit tighter.
        long limitMs = settings.timings().watchdogLimitMs();
        return Optional.of(Duration.ofMillis(role == Role.MASTER ? liveness.plusLeaseLeft(limitMs, nanos.getAsLong())
                : limitMs));
    }

    /**
     * Publishes when this master's lease ends, for {@link #watchdogLimit}. No lease of its own (a backup, a candidate,
     * or a master that needs no voters' answers) publishes none: its launcher gets the base limit.
     */
    private void publishLeaseEnd(long now) {
        long left = role == Role.MASTER ? agreement.leaseRemaining(now) : 0;
        liveness.leaseEnds(left > 0 && left <= leaseNanos ? now + left : Long.MIN_VALUE);
    }

    /** The switchover is over without this node's promotion: a gatekeeper started for it goes back to standby. */
    private void dropSwitchover() {
        if (switchovers.drop() && role != Role.MASTER && !promotion.standing()) {
            edges.standDown(new RoleContext(settings.nodeName(), role, epoch, vip.configured()));
        }
    }

    // ---------------------------------------------------------------- snapshots for other threads

    private void refreshSnapshots() {
        long now = nanos.getAsLong();
        snapshots.refresh(self(now), now);
    }

    private StatusSnapshots.Self self(long now) {
        Duration lease = role == Role.MASTER ? Duration.ofNanos(Math.min(leaseNanos, agreement.leaseRemaining(now)))
                : Duration.ZERO;
        // The master watch learns of our own mastership only at the next observation: a snapshot taken in between
        // must not show a master without a name.
        return new StatusSnapshots.Self(role, roleSince, epoch, followsNow(), electorate.shown(), lease, edges.gatekeeperState(),
                configDigest, role == Role.FAULT ? health.reason(now) : "", myState(now));
    }

    NodeStatus status() {
        return snapshots.status();
    }

    List<MemberStatus> members() {
        return snapshots.members();
    }

    Role role() {
        return role;
    }
}

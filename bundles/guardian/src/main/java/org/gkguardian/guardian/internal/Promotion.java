package org.gkguardian.guardian.internal;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperControl;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.Severity;
import org.gkguardian.api.VipControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candidacy of a node the election chose: its gatekeeper made ready, the duplicate-address check timed to end
 * with the voters' promise to the old master, the votes asked for, and the VIP bound once a majority granted the epoch
 * while the lease still has room for the bind. Role thread only, except {@link #promoting()}.
 */
final class Promotion {

    private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);

    /** What a step of the candidacy came to, when it came to an end. */
    sealed interface Outcome permits Won, Failed {
    }

    /**
     * The VIP is bound: this node is master of {@code epoch}.
     *
     * @param votedNanos when the votes sufficed
     * @param boundNanos when the VIP was bound
     */
    record Won(long epoch, Cause cause, String reason, Candidacy candidacy, long votedNanos, long boundNanos)
            implements Outcome {
    }

    /** The promotion failed: nothing is bound, the node goes to fault for a while. */
    record Failed(Cause cause, String why) implements Outcome {
    }

    /**
     * A campaign in progress: why this node stands, and when each phase began, for the promotion's log line.
     *
     * @param faultNanos when the master was last heard from, or this node started (first election)
     */
    record Candidacy(Cause cause, String reason, RoleContext context, long faultNanos, long suspectedNanos,
            long preparedNanos, long askedNanos) {
    }

    private final String nodeName;
    private final Agreement agreement;
    private final Edges edges;
    private final VipControl vip;
    private final Outbox outbox;
    private final Switchovers switchovers;
    private final PeerTracker peers;
    private final HealthGate health;
    private final Notices notices;
    private final LongSupplier nanos;
    private final long renewNanos;
    private final long bindGuardNanos;
    private final long promiseNanos;
    private Candidacy candidacy;
    /** When the candidate starts its duplicate-address check ahead of the bind; MAX_VALUE when started or none. */
    private long probeDueNanos = Long.MAX_VALUE;
    /** When this candidate last asked for votes: it asks again at most once per renewal interval. */
    private long lastAskNanos = Long.MIN_VALUE;
    /** Votes asked for or the VIP being bound: read by the keep-alive thread. */
    private volatile boolean promoting;
    /** When this node last answered a renewal of the master it backs: the latest start of that master's fault. */
    private long lastMasterHeardNanos = Long.MIN_VALUE;

    /**
     * @param bindGuardNanos how much of the lease must be left for the bind
     * @param promiseNanos   the voters' promise: how long a hand-over counts
     */
    Promotion(String nodeName, Agreement agreement, Edges edges, VipControl vip, Outbox outbox,
            Switchovers switchovers, PeerTracker peers, HealthGate health, Notices notices, LongSupplier nanos,
            long renewNanos, long bindGuardNanos, long promiseNanos) {
        this.nodeName = nodeName;
        this.agreement = agreement;
        this.edges = edges;
        this.vip = vip;
        this.outbox = outbox;
        this.switchovers = switchovers;
        this.peers = peers;
        this.health = health;
        this.notices = notices;
        this.nanos = nanos;
        this.renewNanos = renewNanos;
        this.bindGuardNanos = bindGuardNanos;
        this.promiseNanos = promiseNanos;
    }

    /** Whether this node stands for the master role. */
    boolean standing() {
        return candidacy != null;
    }

    /** Votes asked for or the VIP being bound. Any thread. */
    boolean promoting() {
        return promoting;
    }

    /** This node answered a renewal of the master it backs at {@code atNanos}. */
    void masterHeard(long atNanos) {
        lastMasterHeardNanos = atNanos;
    }

    /**
     * The master will let go once this node's gatekeeper answers: get it ready now, while the master still serves
     * (a cold standby starts it; a warm one only checks it).
     */
    void prepareForSwitchover(String master, long epoch, Role role) {
        switchovers.markPrepared();
        RoleContext context = new RoleContext(nodeName, Role.MASTER, agreement.nextEpoch(epoch), vip.configured());
        long t0 = nanos.getAsLong();
        try {
            edges.prepareMaster(context);
            LOG.info("Switchover from {} to {}: gatekeeper ready in {} ms; {} lets the VIP go now", master, nodeName,
                    ms(nanos.getAsLong() - t0), master);
        } catch (GatekeeperControl.GatekeeperException | RuntimeException e) {
            LOG.warn("Switchover from {} to {}: the gatekeeper could not be made ready ({}); {} keeps the role", master,
                    nodeName, e.getMessage(), master);
            edges.standDown(new RoleContext(nodeName, role, epoch, vip.configured()));
        }
    }

    /**
     * Gets the gatekeeper ready, then asks the others for the next epoch.
     *
     * @param eligible whether this node may still become master (healthy, not in maintenance, not distrusted)
     */
    Optional<Outcome> stand(long epoch, Role role, Cause cause, String reason, LongPredicate eligible) {
        if (candidacy == null) {
            long t0 = nanos.getAsLong();
            RoleContext context = new RoleContext(nodeName, Role.MASTER, agreement.nextEpoch(epoch), vip.configured());
            // The duplicate address check runs while the gatekeeper gets ready and the votes come in (none is needed
            // when the master resigned to us: see tryTakeOver). While the voters' promise to a silent master still
            // runs, it starts late enough to end with the promise: the old master may still hold the VIP until then.
            probeDueNanos = switchovers.handedOverIn(epoch) ? Long.MAX_VALUE
                    : agreement.promiseEnd().orElse(t0) - vip.probeTime().toNanos();
            probeAheadWhenDue(t0);
            // The votes are asked for before the gatekeeper starts and come back while it does (a cold start takes
            // longer than a round trip); nothing is bound before it answers. The launcher's tighter limit waits
            // for the end of the start (a busy start must not get the JVM killed): ipbinding sends it before the
            // bind, which is what keeps a stopped new master from holding the VIP past its lease.
            Optional<Wire.VoteRequest> early = agreement.campaign(epoch, t0);
            early.ifPresent(outbox::send);
            lastAskNanos = early.isPresent() ? t0 : Long.MIN_VALUE;
            try {
                edges.prepareMaster(context);
            } catch (GatekeeperControl.GatekeeperException | RuntimeException e) {
                agreement.endCampaign();
                edges.standDown(context);
                return Optional.of(new Failed(Cause.HEALTH, "the gatekeeper could not be made ready: "
                        + e.getMessage()));
            }
            long fault = lastMasterHeardNanos != Long.MIN_VALUE ? lastMasterHeardNanos : t0;
            candidacy = new Candidacy(cause, reason, context, fault, t0, nanos.getAsLong(),
                    early.isPresent() ? t0 : Long.MIN_VALUE);
            promoting = true;
        }
        return campaign(nanos.getAsLong(), epoch, role, eligible);
    }

    /**
     * The process of the master this node's promise is held to was seen to end: the check ahead starts now, while its
     * death is still being verified. Its launcher usually released the VIP already; a holder the check finds is asked
     * again at the bind, so starting early costs a few probes at most.
     */
    void probeAheadNow(long now) {
        if (candidacy != null && probeDueNanos != Long.MAX_VALUE) {
            probeDueNanos = Math.min(probeDueNanos, now);
            probeAheadWhenDue(now);
        }
    }

    private void probeAheadWhenDue(long now) {
        // The promise the check was timed to end with may have been cut short since: the old master's process was
        // seen dead (its launcher's release allowance is what is left) or it resigned. The check then ends with the
        // shorter promise, not at the bind after it.
        if (probeDueNanos != Long.MAX_VALUE) {
            OptionalLong promiseEnd = agreement.promiseEnd();
            if (promiseEnd.isPresent()) {
                probeDueNanos = Math.min(probeDueNanos, promiseEnd.getAsLong() - vip.probeTime().toNanos());
            }
        }
        if (now >= probeDueNanos) {
            probeDueNanos = Long.MAX_VALUE;
            vip.probeAhead();
        }
    }

    /** Asks for votes, at most once per renewal interval, and takes over once they suffice. */
    Optional<Outcome> campaign(long now, long epoch, Role role, LongPredicate eligible) {
        Candidacy c = candidacy;
        if (c == null) {
            return Optional.empty();
        }
        probeAheadWhenDue(now);
        if (lastAskNanos == Long.MIN_VALUE || now - lastAskNanos >= renewNanos) {
            Optional<Wire.VoteRequest> request = agreement.campaign(epoch, now);
            if (request.isEmpty()) {
                return Optional.empty();
            }
            lastAskNanos = now;
            candidacy = new Candidacy(c.cause(), c.reason(), c.context(), c.faultNanos(), c.suspectedNanos(),
                    c.preparedNanos(), c.askedNanos() == Long.MIN_VALUE ? now : c.askedNanos());
            if (c.askedNanos() != Long.MIN_VALUE && !agreement.lastRefusal().isEmpty()) {
                LOG.debug("{} asks again for epoch {}: {}", nodeName, request.get().epoch(), agreement.lastRefusal());
            }
            outbox.send(request.get());
        }
        return tryTakeOver(now, epoch, role, eligible);
    }

    /** When the duplicate-address check ahead of the bind is due to start; MAX_VALUE when started or none. */
    long probeDue() {
        return probeDueNanos;
    }

    /** Stops standing; a gatekeeper made ready for it stands down unless this node is master. */
    void abandon(String why, Role role, long epoch) {
        Candidacy c = candidacy;
        if (c == null) {
            return;
        }
        candidacy = null;
        promoting = false;
        probeDueNanos = Long.MAX_VALUE;
        agreement.endCampaign();
        LOG.debug("{} stops standing: {}", nodeName, why);
        if (role != Role.MASTER) {
            edges.standDown(new RoleContext(nodeName, role, epoch, vip.configured()));
        }
    }

    /** Binds the VIP once a majority granted the epoch, while the lease still has room for the bind. */
    Optional<Outcome> tryTakeOver(long now, long epoch, Role role, LongPredicate eligible) {
        Candidacy c = candidacy;
        if (c == null || role == Role.MASTER || !agreement.elected(now, bindGuardNanos)) {
            return Optional.empty();
        }
        if (!eligible.test(now)) {
            abandon("no longer eligible", role, epoch);
            return Optional.empty();
        }
        long won = agreement.becomeMaster();
        candidacy = null;
        probeDueNanos = Long.MAX_VALUE;
        RoleContext context = new RoleContext(nodeName, Role.MASTER, won, vip.configured());
        // Renewals go out while the VIP is bound (the duplicate-address check takes a while), from the heartbeat
        // thread.
        outbox.renewing(agreement.renewal(now));
        // The master of the epoch before ours held the VIP and resigned to us (Wire.Resign.handOver): it released the
        // VIP, verified, and no other guardian can hold it (the votes saw to that). Anything else takes the
        // duplicate address check first.
        boolean handedOver = switchovers.takeHandOver(epoch, won, now, promiseNanos, a -> peers.fresh(a, now));
        try {
            edges.run(() -> {
                if (handedOver) {
                    vip.bindHandedOver(context);
                } else {
                    vip.bind(context);
                }
            });
        } catch (VipControl.VipException | RuntimeException e) {
            promoting = false;
            outbox.renewing(null);
            edges.releaseThenResign(agreement.stepDown(false), epoch);
            edges.standDown(context);
            boolean conflict = e instanceof VipControl.VipException v && v.conflict();
            if (conflict) {
                health.conflict(nanos.getAsLong());
                notices.raise(EventType.VIP_CONFLICT, Cause.VIP_CONFLICT, Map.of(GuardianEvent.TEXT, e.getMessage()),
                        "vip-conflict", Severity.CRITICAL, "another host answers for the VIP: " + e.getMessage());
            }
            return Optional.of(new Failed(conflict ? Cause.VIP_CONFLICT : Cause.HEALTH, "the VIP could not be bound: "
                    + e.getMessage()));
        }
        return Optional.of(new Won(won, c.cause(), c.reason(), c, now, nanos.getAsLong()));
    }

    /** The role machine is master now: the promotion is over, and its phases go to the log. */
    void done(Won w, long epoch) {
        promoting = false;
        Candidacy c = w.candidacy();
        LOG.info("Promotion of {} to master of epoch {}: fault to suspicion {} ms, gatekeeper ready {} ms, votes {} ms, "
                + "VIP bound {} ms, total since the fault {} ms", nodeName, epoch,
                ms(c.suspectedNanos() - c.faultNanos()), ms(c.preparedNanos() - c.suspectedNanos()),
                ms(w.votedNanos() - c.preparedNanos()), ms(w.boundNanos() - w.votedNanos()),
                ms(w.boundNanos() - c.faultNanos()));
    }

    private static long ms(long nanos) {
        return Math.max(0, nanos / 1_000_000L);
    }
}

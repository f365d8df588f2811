package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a voter: it answers candidates' vote requests and masters' lease renewals, and takes note of
 * resignations. Whom it may grant and back is {@link Agreement}'s to say; this class carries the messages. Role thread
 * only.
 */
final class Voter {

    private static final Logger LOG = LoggerFactory.getLogger(Voter.class);
    /** An epoch this far ahead of ours is not a real cluster's: ignored rather than adopted. */
    private static final long MAX_EPOCH_JUMP = 1_000_000L;

    private final String nodeName;
    private final PeerTracker peers;
    private final Agreement agreement;
    private final Epochs epochs;
    private final Outbox outbox;
    private final LifeChecks lifeChecks;
    private final Switchovers switchovers;
    private final MasterWatch masters;
    private final Promotion promotion;
    private final InetAddress self;
    /** "Ignoring epoch ... far ahead" at WARN, per member name. */
    private final OncePerMinute farEpochWarnings = new OncePerMinute();

    Voter(String nodeName, PeerTracker peers, Agreement agreement, Epochs epochs, Outbox outbox, LifeChecks lifeChecks,
            Switchovers switchovers, MasterWatch masters, Promotion promotion, InetAddress self) {
        this.nodeName = nodeName;
        this.peers = peers;
        this.agreement = agreement;
        this.epochs = epochs;
        this.outbox = outbox;
        this.lifeChecks = lifeChecks;
        this.switchovers = switchovers;
        this.masters = masters;
        this.promotion = promotion;
        this.self = self;
    }

    /**
     * Channel thread, as a message arrives at {@code atNanos}: a state stamps when its member last heard us (see
     * {@link PeerTracker#heard}); a life check is answered here, so that a busy role thread does not make a live member
     * look dead; a lease renewal's answer counts at once, so that the lease stays right while the role thread is busy
     * binding the VIP. Returns whether the role thread must handle the message too.
     */
    boolean received(Wire.Message message, long atNanos) {
        if (message instanceof Wire.StateMessage s) {
            peers.heard(s, atNanos);
        } else if (message instanceof Wire.LifeCheck c) {
            if (c.to().equals(self) && peers.isPeer(c.from())) {
                outbox.sendTo(c.from(), new Wire.LifeCheckAck(c.nonce(), self, c.from()));
            }
            return false;
        } else if (message instanceof Wire.LeaseAck a) {
            if (peers.isPeer(a.voter()) && agreement.onAck(a)) {
                peers.leaseExchange(a.voter(), a.echoNanos());
            }
            return false;
        }
        return true;
    }

    /**
     * Whether an epoch {@code seen} above ours may be adopted: not when it is absurdly far ahead. It comes with every
     * state and renewal of that member: once a minute at WARN, else DEBUG.
     */
    boolean believable(long seen, long epoch, String from, long now) {
        if (seen - epoch <= MAX_EPOCH_JUMP || epoch <= 0) {
            return true;
        }
        if (farEpochWarnings.due(from, now)) {
            LOG.warn("Ignoring epoch {} from {}: more than {} ahead of ours ({})", seen, from, MAX_EPOCH_JUMP, epoch);
        } else {
            LOG.debug("Ignoring epoch {} from {}", seen, from);
        }
        return false;
    }

    /** A candidate's request, answered; true when this node granted it (then it stops standing itself). */
    boolean onRequest(Wire.VoteRequest r, long epoch, long receivedNanos) {
        if (!peers.isPeer(r.candidateAddress()) || r.epoch() - epoch > MAX_EPOCH_JUMP) {
            return false;
        }
        long ballotBefore = epochs.ballot().epoch();
        Wire.VoteReply reply = agreement.onRequest(r, epoch, receivedNanos);
        if (reply.granted()) {
            if (r.epoch() != ballotBefore) {
                LOG.info("Guardian {} votes for {} in epoch {}", nodeName, r.candidate(), r.epoch());
            }
        } else {
            LOG.debug("Guardian {} refuses {} epoch {}: {}", nodeName, r.candidate(), r.epoch(), reply.reason());
        }
        outbox.sendTo(r.candidateAddress(), reply);
        return reply.granted();
    }

    /**
     * A renewal of a master this node may back: the answer to send when it does. Its promise stands again on this
     * answer, so a death believed later must not cut it short.
     */
    Optional<Wire.LeaseAck> onRenew(Wire.LeaseRenew r, long epoch, long receivedNanos) {
        Optional<Wire.LeaseAck> ack = agreement.onRenew(r, epoch, receivedNanos);
        if (ack.isPresent()) {
            lifeChecks.alive(r.master());
            promotion.masterHeard(receivedNanos);
            peers.leaseExchange(r.master(), receivedNanos);
        }
        return ack;
    }

    /**
     * A master resigned; true when it is a member's. A hand-over only from a master that held the VIP, in this
     * node's epoch: a candidate whose bind failed knows nothing of who else may hold it.
     */
    boolean onResign(Wire.Resign r, long epoch, long receivedNanos) {
        if (!peers.isPeer(r.master())) {
            return false;
        }
        LOG.debug("{} resigned as master of epoch {}", peers.nameOf(r.master()), r.epoch());
        if (agreement.resigned(r, receivedNanos) && r.epoch() == epoch && r.handOver()) {
            switchovers.handedOver(r.epoch(), r.master(), receivedNanos);
        }
        masters.gone(r.master());
        return true;
    }
}

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
    private final RenewalCopies renewalCopies = new RenewalCopies();
    private final DatagramAnswers datagramAnswers;
    private final long holdNanos;
    /** The renewal this node answered last, and its answer: sent again on the channel when a copy comes there. */
    private Wire.LeaseRenew answered;
    private Wire.LeaseAck answer;

    /** A request refused only for a promise to another member, kept to be granted once the promise ends. */
    private record Held(Wire.VoteRequest request, long receivedNanos) {
    }

    private Held held;

    /**
     * @param holdNanos how long a request refused only for a promise that is about to end is kept to be granted when
     *                  it ends: a candidate asks again after this long anyway (its renewal interval)
     */
    Voter(String nodeName, PeerTracker peers, Agreement agreement, Epochs epochs, Outbox outbox, LifeChecks lifeChecks,
            Switchovers switchovers, MasterWatch masters, Promotion promotion, InetAddress self, long holdNanos,
            DatagramAnswers datagramAnswers) {
        this.holdNanos = holdNanos;
        this.datagramAnswers = datagramAnswers;
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
     * binding the VIP, and one that came by datagram tells the master that this member's datagrams reach it (see
     * {@link DatagramAnswers}); a renewal's later datagram copies stop here, a later copy on the channel goes on: the
     * master sent it there because it misses this node's datagram answers, and it is answered there again
     * ({@link #answerAgain}). Returns whether the role thread must handle the message too.
     */
    boolean received(Wire.Message message, boolean byDatagram, long atNanos) {
        if (message instanceof Wire.StateMessage s) {
            peers.heard(s, atNanos);
        } else if (message instanceof Wire.LifeCheck c) {
            if (c.to().equals(self) && peers.isPeer(c.from())) {
                outbox.sendTo(c.from(), new Wire.LifeCheckAck(c.nonce(), self, c.from()));
            }
            return false;
        } else if (message instanceof Wire.LeaseAck a) {
            if (peers.isPeer(a.voter())) {
                if (byDatagram) {
                    datagramAnswers.answered(a.voter(), atNanos);
                }
                if (agreement.onAck(a)) {
                    peers.leaseExchange(a.voter(), a.echoNanos());
                }
            }
            return false;
        } else if (message instanceof Wire.LeaseRenew r) {
            return renewalCopies.firstCopy(r) || !byDatagram;
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

    /**
     * A candidate's request, answered; true when this node granted it (then it stops standing itself). A request
     * refused only because this node's promise to another member is about to end (within the hold time) is kept and
     * answered when it ends ({@link #retryHeld}), rather than at the candidate's next ask a renewal interval later.
     */
    boolean onRequest(Wire.VoteRequest r, long epoch, long receivedNanos) {
        if (!peers.isPeer(r.candidateAddress()) || r.epoch() - epoch > MAX_EPOCH_JUMP) {
            return false;
        }
        if (agreement.refusedOnlyForPromise(r, epoch, receivedNanos)) {
            if (freeAt(receivedNanos) - receivedNanos <= holdNanos) {
                held = new Held(r, receivedNanos);
                LOG.debug("Guardian {} keeps the request of {} for epoch {} until its promise ends in {} ms", nodeName,
                        r.candidate(), r.epoch(), (freeAt(receivedNanos) - receivedNanos) / 1_000_000L);
                return false;
            }
        } else if (held != null && held.request().candidateAddress().equals(r.candidateAddress())) {
            held = null;
        }
        return answer(r, epoch, receivedNanos);
    }

    /**
     * Answers the request kept by {@link #onRequest} once the promise that stood in its way has ended; every rule of
     * {@link Agreement} is checked again, and a grant promises from now. True when it granted the request; a request
     * that is still bound waits on, one kept longer than the hold time is dropped (its candidate has asked again).
     */
    boolean retryHeld(long epoch, long now) {
        Held h = held;
        if (h == null) {
            return false;
        }
        if (now - h.receivedNanos() > holdNanos) {
            held = null;
            return false;
        }
        if (agreement.refusedOnlyForPromise(h.request(), epoch, now)) {
            return false;
        }
        held = null;
        return answer(h.request(), epoch, now);
    }

    /** When the kept request is to be answered (its promise's end); MAX_VALUE when none is kept or it lapses first. */
    long heldDue(long now) {
        Held h = held;
        if (h == null) {
            return Long.MAX_VALUE;
        }
        long at = freeAt(now);
        return at <= h.receivedNanos() + holdNanos ? at : Long.MAX_VALUE;
    }

    /** A pause of this JVM: a kept request is as stale as everything else it heard. */
    void forgetHeld() {
        held = null;
    }

    /**
     * When this node's promise ends: its natural end, or sooner when the member it is held to is being asked whether
     * it lives and its death is due to be believed first (see {@link Agreement#crashed}).
     */
    private long freeAt(long now) {
        long end = agreement.promiseEnd().orElse(now);
        Optional<InetAddress> to = agreement.promisee();
        if (to.isPresent()) {
            java.util.OptionalLong death = lifeChecks.dueAt(to.get());
            if (death.isPresent()) {
                end = Math.min(end, death.getAsLong());
            }
        }
        return end;
    }

    private boolean answer(Wire.VoteRequest r, long epoch, long receivedNanos) {
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
            answered = r;
            answer = ack.get();
            lifeChecks.settled(r.master());
            promotion.masterHeard(receivedNanos);
            peers.leaseExchange(r.master(), receivedNanos);
        }
        return ack;
    }

    /**
     * The answer to send again when {@code r} is the renewal this node answered last (a copy of it that came on the
     * channel after the first copy was answered by datagram); empty for any other, which is judged as a renewal.
     */
    Optional<Wire.LeaseAck> answerAgain(Wire.LeaseRenew r) {
        return r.equals(answered) ? Optional.of(answer) : Optional.empty();
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

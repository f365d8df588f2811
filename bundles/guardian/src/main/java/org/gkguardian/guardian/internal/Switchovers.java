package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.ElectionRule;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.OperatorResult;
import org.gkguardian.api.OperatorResult.Outcome;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's switchover as this node knows it: the pending request (from this node or another), whether this
 * node's gatekeeper was made ready for it, and the hand-over a resigning master gave this node. Role thread only.
 *
 * <p>A request belongs to the epoch it was asked in and ends on every node once a later epoch began, and it is fed to
 * the election only while its target shows that it holds it too: otherwise a target that never got it, cancelled it
 * or forgot it at its promotion would not stand while the others waited for it, and nobody would be master until the
 * request expired.
 */
final class Switchovers {

    private static final Logger LOG = LoggerFactory.getLogger(Switchovers.class);

    /** An operator's switchover to {@code target}, asked on {@code requestedBy} in {@code epoch}. */
    record Pending(String target, String requestedBy, long epoch, long expiresNanos) {
    }

    private final String nodeName;
    private final long timeoutNanos;
    private final Notices notices;
    private final Outbox outbox;
    private Pending pending;
    /**
     * The target of a switchover that ended with its epoch before this node saw the next master, until it sees one:
     * when that is the target, the change is the switchover's (a renewal can bring the new epoch before the state).
     */
    private String endedTarget = "";
    /** This node's gatekeeper was made ready for a switchover to it, before the master let go. */
    private boolean prepared;
    /**
     * The epoch whose master resigned to this node's voter (it released the VIP, verified it gone, and said so); 0 when
     * none. A promotion in the next epoch is then a hand-over: no duplicate address check to wait for.
     */
    private long handedOverEpoch;
    /** The master that resigned in {@link #handedOverEpoch}, and when its resignation arrived. */
    private InetAddress handedOverBy;
    private long handedOverNanos;
    /** The hand-over came from the dead master's launcher ({@link #releasedByLauncher}), not from the master. */
    private boolean handedOverDead;

    /** @param timeoutNanos how long a request waits for its master before it is dropped */
    Switchovers(String nodeName, long timeoutNanos, Notices notices, Outbox outbox) {
        this.nodeName = nodeName;
        this.timeoutNanos = timeoutNanos;
        this.notices = notices;
        this.outbox = outbox;
    }

    // ---------------------------------------------------------------- requests

    /**
     * The operator on this node asks for a switchover, to a named member or (empty) the best other: refused with the
     * reason, or requested here and sent to the others.
     *
     * @param quorum    whether this partition holds quorum
     * @param visible   the members this node sees, itself included
     * @param configured the configured members' internal addresses
     * @param everKnown every member state this node has known
     */
    OperatorResult requestHere(Optional<String> requested, QuorumState quorum, List<MemberState> visible,
            ElectionRule rule, List<InetAddress> configured, Iterable<MemberState> everKnown, long epoch, long now) {
        if (!quorum.allowsMaster()) {
            return OperatorResult.refused(Outcome.REFUSED, "this partition is not quorate (" + quorum.label() + ")");
        }
        SwitchoverTarget choice = SwitchoverTarget.choose(requested, visible, rule, configured, everKnown);
        if (choice.refusal().isPresent()) {
            return choice.refusal().get();
        }
        String target = choice.target().orElseThrow().name();
        requestedHere(target, epoch, now);
        outbox.send(new Wire.SwitchoverRequest(target, nodeName, epoch));
        return OperatorResult.accepted("switchover to " + target + " requested");
    }

    /** The operator on this node asked for a switchover to {@code target} in {@code epoch}. */
    void requestedHere(String target, long epoch, long now) {
        pending = new Pending(target, nodeName, epoch, now + timeoutNanos);
        notices.clear("switchover-failed", Cause.SWITCHOVER, Map.of(GuardianEvent.MEMBER, target));
        LOG.info("Switchover to {} requested by the operator on {}", target, nodeName);
    }

    /** Another member's request: taken when it was asked in this node's epoch. */
    void requested(Wire.SwitchoverRequest r, long epoch, long now) {
        if (r.epoch() == epoch) {
            pending = new Pending(r.target(), r.requestedBy(), epoch, now + timeoutNanos);
            LOG.info("Switchover to {} requested by {}", r.target(), r.requestedBy());
        } else {
            LOG.warn("Ignoring a switchover request to {} from {} for epoch {} (this is epoch {})", r.target(),
                    r.requestedBy(), r.epoch(), epoch);
        }
    }

    /** Another member's cancel: true when it cancels the pending request (the caller then drops it). */
    boolean cancels(Wire.SwitchoverCancel c, long epoch) {
        if (pending != null && pending.target().equals(c.target()) && pending.requestedBy().equals(c.requestedBy())
                && c.epoch() == epoch) {
            LOG.warn("Switchover to {} cancelled by {}: the operator's wait ran out", c.target(), c.requestedBy());
            return true;
        }
        return false;
    }

    /**
     * The operator's wait on this node ran out: the cancel to tell the others when it names the request this node
     * asked for (the caller then drops it), or empty.
     */
    Optional<Wire.SwitchoverCancel> cancelHere(Optional<String> target, long epoch) {
        Pending p = pending;
        if (p == null || !p.requestedBy().equals(nodeName)
                || !target.map(t -> t.isBlank() || t.trim().equals(p.target())).orElse(true)) {
            return Optional.empty();
        }
        LOG.warn("Switchover to {} cancelled: the operator's wait ran out", p.target());
        return Optional.of(new Wire.SwitchoverCancel(p.target(), nodeName, epoch));
    }

    /** True when the pending request expired (the caller then drops it); raises the alarm where it was asked. */
    boolean expired(long now) {
        if (pending == null || now <= pending.expiresNanos()) {
            return false;
        }
        if (pending.requestedBy().equals(nodeName)) {
            notices.raise(EventType.SWITCHOVER_FAILED, Cause.SWITCHOVER, Map.of(GuardianEvent.MEMBER,
                    pending.target()), "switchover-failed", Severity.MINOR,
                    "the switchover to " + pending.target() + " did not complete in time");
        }
        LOG.warn("Switchover to {} did not complete in time; dropped", pending.target());
        return true;
    }

    /**
     * True when the pending request was asked in an epoch before {@code epoch} (the caller then drops it): done, or
     * made moot by another master.
     *
     * @param master the master this node sees now
     */
    boolean endedBefore(long epoch, String master) {
        if (pending == null || pending.epoch() >= epoch) {
            return false;
        }
        LOG.info("Switchover to {} requested by {} in epoch {} is over: epoch {} began", pending.target(),
                pending.requestedBy(), pending.epoch(), epoch);
        endedTarget = master.equals(pending.target()) ? "" : pending.target();
        return true;
    }

    /** Drops the pending request; true when this node's gatekeeper was made ready for it. */
    boolean drop() {
        pending = null;
        boolean wasPrepared = prepared;
        prepared = false;
        return wasPrepared;
    }

    // ---------------------------------------------------------------- what the others and the election see

    /**
     * The pending request, while its target holds it too: this node is the target, or the target's newest state
     * shows it.
     */
    Optional<Pending> inForce(List<PeerTracker.Peer> freshPeers) {
        Pending p = pending;
        if (p == null) {
            return Optional.empty();
        }
        boolean held = p.target().equals(nodeName) || freshPeers.stream()
                .anyMatch(peer -> peer.state().name().equals(p.target()) && peer.switchover().equals(p.target()));
        return held ? Optional.of(p) : Optional.empty();
    }

    /** Whether the member's gatekeeper answers (or it has none to manage), from its newest state. */
    static boolean targetReady(String member, List<PeerTracker.Peer> freshPeers) {
        return freshPeers.stream().filter(p -> p.state().name().equals(member))
                .anyMatch(p -> p.gatekeeper() == GatekeeperState.RUNNING
                        || p.gatekeeper() == GatekeeperState.UNMANAGED);
    }

    /** The target of the pending request, for the others to see; empty when none. */
    String shown() {
        return pending == null ? "" : pending.target();
    }

    /** Whether a request to this node is pending. */
    boolean toMe() {
        return pending != null && pending.target().equals(nodeName);
    }

    /** The target a new master counts as the switchover's: the pending one's, or that of one that just ended. */
    Optional<String> targetOfMasterChange() {
        return pending != null ? Optional.of(pending.target()) : Optional.of(endedTarget).filter(t -> !t.isEmpty());
    }

    /** This node saw a new master: a switchover that ended has had its result. */
    void newMasterSeen() {
        endedTarget = "";
    }

    // ---------------------------------------------------------------- this node as the target

    boolean prepared() {
        return prepared;
    }

    void markPrepared() {
        prepared = true;
    }

    /** This node became master: nothing stays prepared. */
    void promoted() {
        prepared = false;
    }

    // ---------------------------------------------------------------- the hand-over

    /** The master of {@code epoch} resigned to this node's voter after releasing the VIP, verified. */
    void handedOver(long epoch, InetAddress by, long atNanos) {
        handedOverEpoch = epoch;
        handedOverBy = by;
        handedOverNanos = atNanos;
        handedOverDead = false;
    }

    /**
     * The master of {@code epoch} died holding the VIP, and its launcher removed it, verified (its obituary, see
     * {@link LauncherObituary}): as a resignation with the hand-over, except that the dead master is not heard any more.
     */
    void releasedByLauncher(long epoch, InetAddress by, long atNanos) {
        handedOver(epoch, by, atNanos);
        handedOverDead = true;
    }

    /** Whether the master of {@code epoch} handed the VIP over: a candidate then needs no duplicate-address check. */
    boolean handedOverIn(long epoch) {
        return handedOverEpoch == epoch;
    }

    /**
     * Whether the VIP of epoch {@code epoch}, won as {@code won}, may be bound without the duplicate-address check;
     * the hand-over is used up either way. Only a recent resignation (within the voters' promise) whose master is
     * still heard counts: a hand-over heard long ago proves nothing once the resigner is out of sight (a pair's member
     * cut off may have been elected again with the witness meanwhile; seen in the simulation as two holders). A
     * master whose launcher released the VIP after its death is not heard, and its run is never elected again.
     *
     * @param heard whether a member is still heard
     */
    boolean takeHandOver(long epoch, long won, long now, long promiseNanos, Predicate<InetAddress> heard) {
        boolean handOver = handedOverEpoch != 0 && handedOverEpoch == epoch && won > epoch
                && now - handedOverNanos <= promiseNanos && (handedOverDead || heard.test(handedOverBy));
        handedOverEpoch = 0;
        return handOver;
    }
}

package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;

/**
 * What this node says to the other guardians. The role thread publishes its state and sends the agreement's
 * messages; the heartbeat thread re-sends the last state every heartbeat and renews the lease while this node is
 * master, so that the others keep hearing it while the role thread starts the gatekeeper or binds the VIP. The
 * heartbeat thread sleeps until the next of these is due ({@link #beat}).
 */
final class Outbox {

    /**
     * The state last published by the role thread, as the others will hear it.
     *
     * @param switchover the target of the switchover this node holds pending, or empty
     */
    record Outgoing(MemberState state, GatekeeperState gatekeeper, String follows, Set<InetAddress> view,
            String switchover) {
    }

    /** Copies of each datagram of the lease (see {@link #sendDatagrams}). */
    static final int DATAGRAM_COPIES = 2;

    private final Membership membership;
    private final PeerTracker peers;
    private final DatagramAnswers datagramAnswers;
    private final LongSupplier nanos;
    private final long incarnation;
    private final long heartbeatNanos;
    private final long renewNanos;
    private final Object sendLock = new Object();
    private volatile Outgoing outgoing;
    private volatile long lastStateNanos = Long.MIN_VALUE;
    /** The renewal the heartbeat thread repeats while this node is master; null otherwise. */
    private volatile Wire.LeaseRenew renewing;
    private volatile long lastRenewalNanos = Long.MIN_VALUE;
    private volatile Runnable heartbeatWake = () -> { };

    Outbox(Membership membership, PeerTracker peers, LongSupplier nanos, long incarnation, long heartbeatNanos,
            long renewNanos, DatagramAnswers datagramAnswers) {
        this.membership = membership;
        this.datagramAnswers = datagramAnswers;
        this.peers = peers;
        this.nanos = nanos;
        this.incarnation = incarnation;
        this.heartbeatNanos = heartbeatNanos;
        this.renewNanos = renewNanos;
    }

    /** Role thread: publishes this node's state and sends it at once. */
    void publish(Outgoing next) {
        outgoing = next;
        sendState();
    }

    Outgoing last() {
        return outgoing;
    }

    /** Whether a heartbeat's worth of time passed since the state was last sent. */
    boolean stateDue(long now) {
        return now - lastStateNanos >= heartbeatNanos;
    }

    /** Role thread: starts renewing (this node became master) with a first renewal at once, or stops (null). */
    void renewing(Wire.LeaseRenew template) {
        renewing = template;
        if (template != null) {
            sendRenewal(nanos.getAsLong());
            // The heartbeat thread may sleep a whole heartbeat (a backup has only its state to repeat): the next
            // renewal is due within a renewal period, while the role thread is busy binding the VIP.
            heartbeatWake.run();
        }
    }

    /** How the role thread wakes the heartbeat thread when this node starts renewing. */
    void onRenewingStarted(Runnable wake) {
        heartbeatWake = wake;
    }

    /**
     * Heartbeat thread: renews the lease and re-sends the state when they are due, as long as the role thread
     * finished a step recently; a stuck role thread stops both, so a stuck master loses its lease.
     *
     * @return nanoseconds until the next renewal or state is due: the heartbeat thread sleeps that long, so a backup
     *         wakes once per heartbeat rather than once per renewal period (fast profile 10 instead of 40 times a
     *         second; default 1 instead of 4)
     */
    long beat(boolean roleThreadLive) {
        long now = nanos.getAsLong();
        if (roleThreadLive) {
            if (renewing != null && now - lastRenewalNanos >= renewNanos) {
                sendRenewal(now);
            }
            if (stateDue(now)) {
                sendState();
            }
        } else {
            // Nothing is sent while the role thread is stuck; look again a renewal period later.
            return renewNanos;
        }
        return nanosUntilDue(now);
    }

    /** Time until the next renewal (while master) or state broadcast is due, never negative. */
    long nanosUntilDue(long now) {
        long state = lastStateNanos == Long.MIN_VALUE ? 0 : lastStateNanos + heartbeatNanos - now;
        long until = state;
        if (renewing != null) {
            long renewal = lastRenewalNanos == Long.MIN_VALUE ? 0 : lastRenewalNanos + renewNanos - now;
            until = Math.min(until, renewal);
        }
        return Math.max(0, until);
    }

    void send(Wire.Message message) {
        if (message instanceof Wire.AgreementMessage) {
            membership.sendUrgent(Wire.encode(message));
        } else {
            membership.send(Wire.encode(message));
        }
    }

    void sendTo(InetAddress member, Wire.AgreementMessage message) {
        membership.sendUrgent(member, Wire.encode(message));
    }

    /**
     * A voter's answer to a renewal, on the path the renewal came by: as datagrams when it came as one, on the channel
     * when it came there first, or again there when the master sent it on the channel too (see
     * {@link DatagramAnswers}).
     */
    void answerRenewal(InetAddress master, Wire.LeaseAck ack, boolean byDatagram) {
        byte[] bytes = Wire.encode(ack);
        if (byDatagram) {
            membership.sendDatagrams(List.of(master), bytes, DATAGRAM_COPIES);
        } else {
            membership.sendUrgent(master, bytes);
        }
    }

    /**
     * A renewal goes to every member as datagrams, each of which is lost or delivered on its own, and on the channel to
     * the members whose datagram answers stopped coming (see {@link DatagramAnswers}): the channel still carries it
     * where datagrams are filtered, or to a member of a version without them. The first copy to arrive counts; the
     * voter drops the others as not newer (see {@link Agreement#onRenew}).
     *
     * <p>Each renewal and answer goes out as {@link #DATAGRAM_COPIES} datagrams: under random loss p a round trip then
     * fails with about 2p^2 instead of 2p (25 %: 12 % instead of 44 %), for a few more 90-byte datagrams per 25 ms.
     */
    private void sendRenewal(long now) {
        Wire.LeaseRenew template = renewing;
        if (template != null) {
            lastRenewalNanos = now;
            byte[] bytes = Wire.encode(new Wire.LeaseRenew(template.epoch(), template.master(),
                    template.incarnation(), now));
            List<InetAddress> members = peers.peerAddresses();
            membership.sendDatagrams(members, bytes, DATAGRAM_COPIES);
            for (InetAddress member : members) {
                if (!datagramAnswers.flowing(member, now)) {
                    membership.sendUrgent(member, bytes);
                }
            }
        }
    }

    private void sendState() {
        synchronized (sendLock) {
            Outgoing o = outgoing;
            if (o == null) {
                return;
            }
            // Stamped under the lock, so that a later stamp always carries the later state.
            long now = nanos.getAsLong();
            lastStateNanos = now;
            membership.send(Wire.encode(new Wire.StateMessage(o.state(), o.gatekeeper(), incarnation, now,
                    peers.echoesFor(o.view()), o.follows(), o.switchover())));
        }
    }
}

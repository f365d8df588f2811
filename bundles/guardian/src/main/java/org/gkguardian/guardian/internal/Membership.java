package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/** The group channel as the role machine sees it. */
interface Membership {

    /** Best effort: send to every other member of the current view, in order and retransmitted when lost. */
    void send(byte[] payload);

    /** As {@link #send(byte[])}, to one member (by its internal address) only; nothing when it is not in the view. */
    default void send(InetAddress to, byte[] payload) {
        send(payload);
    }

    /**
     * Send to every other member at once, neither ordered nor retransmitted: votes and lease renewals are stamped
     * with the sender's clock and repeated anyway, and one that waits behind a lost message is worse than none.
     */
    default void sendUrgent(byte[] payload) {
        send(payload);
    }

    /** As {@link #sendUrgent(byte[])}, to one member (by its internal address) only. */
    default void sendUrgent(InetAddress to, byte[] payload) {
        sendUrgent(payload);
    }

    /**
     * One datagram to one member (by its internal address), outside the channel: lost or delivered on its own, never
     * held behind another message. For the lease's renewals and answers only (see {@link DatagramLine}).
     */
    default void sendDatagram(InetAddress to, byte[] payload) {
    }

    /** {@code copies} datagrams of {@code payload} to each of {@code to} (see {@link #sendDatagram}). */
    default void sendDatagrams(Collection<InetAddress> to, byte[] payload, int copies) {
        for (InetAddress member : to) {
            for (int i = 0; i < copies; i++) {
                sendDatagram(member, payload);
            }
        }
    }

    /**
     * {@code payload} sealed as a datagram of {@link DatagramLine} (its tag appended), for another sender on this
     * host to send; empty while there is no datagram line (not connected, or a cluster of one).
     */
    default Optional<byte[]> sealDatagram(byte[] payload) {
        return Optional.empty();
    }

    void close();

    /** Called from the channel's threads. */
    interface Listener {
        /** The internal addresses of the members of the new view, this node included. */
        void viewChanged(Set<InetAddress> members);

        void received(byte[] buf, int offset, int length);

        /** An authenticated datagram from the member at {@code from} (see {@link DatagramLine}). */
        default void receivedDatagram(InetAddress from, byte[] payload) {
        }

        /** A member's process was seen to die: its connection closed, which a live or stopped process never does. */
        default void crashed(InetAddress member) {
        }
    }
}

package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** ARP on one interface: send a packet to the broadcast address, receive the ARP packets that arrive. */
public interface ArpLink extends AutoCloseable {

    /**
     * A received ARP packet.
     *
     * @param bytes    its bytes (the ARP header onwards)
     * @param length   how many of them are the packet
     * @param outgoing it is a copy of one this host sent
     */
    record Received(byte[] bytes, int length, boolean outgoing) {
    }

    /** The interface's name. */
    String interfaceName();

    /** The interface's hardware address: the sender of our packets, and how our own echoes are told apart. */
    byte[] mac();

    /** Sends one ARP packet to the Ethernet broadcast address. */
    void send(byte[] packet) throws IOException;

    /** The next ARP packet, waiting at most {@code timeout} for one; empty when none came. */
    Optional<Received> receive(Duration timeout) throws IOException;

    /** Drops what arrived before now, without waiting: a check counts only answers to itself. */
    void discardQueued() throws IOException;

    /** Closes the socket; the link cannot be used afterwards. */
    @Override
    void close();
}

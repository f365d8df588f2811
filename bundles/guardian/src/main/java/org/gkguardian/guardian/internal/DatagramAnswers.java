package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which members answer this master's renewals by datagram. A renewal goes to every member as datagrams; a copy goes
 * on the channel only to a member whose datagram answers stopped coming: datagrams filtered one way or both, a member
 * of a version without them, or the answers to two renewals in a row lost. At rest a renewal and its answer are then
 * datagrams only, and the channel (TLS, JGroups' sender, receiver and pool threads on both ends) carries none of
 * them: the channel copies were most of what a node at rest spent. A voter answers on the path the renewal came by
 * (see {@link Voter#received}), so a member whose datagrams do not reach this node keeps being asked on the channel.
 * Written on the threads that receive the answers, read by the thread that sends a renewal.
 */
final class DatagramAnswers {

    private final ConcurrentMap<InetAddress, Long> lastAnswerNanos = new ConcurrentHashMap<>();
    private final long quietNanos;

    /** @param renewNanos the renewal period: the answers of two renewals in a row missing is "stopped coming" */
    DatagramAnswers(long renewNanos) {
        this.quietNanos = renewNanos * 5 / 2;
    }

    /** An answer of {@code voter} arrived by datagram at {@code atNanos}. */
    void answered(InetAddress voter, long atNanos) {
        lastAnswerNanos.put(voter, atNanos);
    }

    /** Whether {@code voter}'s renewals may go by datagram alone: its datagram answers came lately. */
    boolean flowing(InetAddress voter, long now) {
        Long at = lastAnswerNanos.get(voter);
        return at != null && now - at <= quietNanos;
    }
}

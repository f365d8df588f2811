package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Each lease renewal arrives more than once (two datagrams, of which {@link DatagramLine} drops an exact copy before
 * it checks its tag, and on the channel too where the datagrams do not get through) on the threads that receive them;
 * the role thread needs the first copy only. A copy, or an older renewal of the same run of the same master in the
 * same epoch, would be refused there anyway ({@link Agreement#onRenew}); passing it on cost a voter two thirds of
 * its role thread's work at rest. A renewal of another epoch or another run always goes on: the role thread judges
 * those.
 */
final class RenewalCopies {

    private final ConcurrentMap<InetAddress, Wire.LeaseRenew> newestPassed = new ConcurrentHashMap<>();

    /** Whether this renewal is the first of its copies to arrive, and not older than one passed on before it. */
    boolean firstCopy(Wire.LeaseRenew renewal) {
        Wire.LeaseRenew kept = newestPassed.merge(renewal.master(), renewal,
                (last, next) -> sameRun(last, next) && next.sentNanos() - last.sentNanos() <= 0 ? last : next);
        return kept == renewal;
    }

    private static boolean sameRun(Wire.LeaseRenew a, Wire.LeaseRenew b) {
        return a.epoch() == b.epoch() && a.incarnation() == b.incarnation();
    }
}

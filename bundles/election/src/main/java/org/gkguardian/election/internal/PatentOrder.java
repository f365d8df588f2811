package org.gkguardian.election.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Comparator;
import org.gkguardian.api.MemberState;

/**
 * The order in which the patent's rule ranks members, extended by a priority in front and the name
 * behind so that it is total: a greater member is a better master.
 *
 * <ol>
 * <li>higher priority;</li>
 * <li>higher internal address, compared numerically as a 16-byte IPv6 value with IPv4 addresses
 * mapped to {@code ::ffff:a.b.c.d} (so every IPv4 address ranks below a global IPv6 address and
 * above {@code ::} .. {@code ::fffe:ffff:ffff});</li>
 * <li>greater name (lexicographic), only reached when two members share priority and address,
 * which a correct configuration never does; it keeps the rule deterministic anyway.</li>
 * </ol>
 */
final class PatentOrder {

    /** Better masters compare greater. */
    static final Comparator<MemberState> BETTER = Comparator.comparingInt(MemberState::priority)
            .thenComparing(MemberState::internalAddress, PatentOrder::compareAddresses)
            .thenComparing(MemberState::name);

    /** Among members that all claim the master role: the highest epoch first, then the patent order. */
    static final Comparator<MemberState> STRONGER_CLAIM = Comparator.comparingLong(MemberState::epoch)
            .thenComparing(BETTER);

    private PatentOrder() {
    }

    /** Compares two addresses as unsigned 128-bit numbers, IPv4 mapped into IPv6. */
    static int compareAddresses(InetAddress a, InetAddress b) {
        return java.util.Arrays.compareUnsigned(asSixteenBytes(a), asSixteenBytes(b));
    }

    static byte[] asSixteenBytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        return raw;
    }
}

package org.gkguardian.snmp.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Optional;

import org.gkguardian.api.Cause;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.QuorumState;
import org.gkguardian.api.Role;
import org.gkguardian.api.Severity;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UnsignedInteger32;

/** Conversions from the api's values to GK-GUARDIAN-MIB's syntaxes. */
final class MibValues {

    static final Integer32 TRUE = new Integer32(1);
    static final Integer32 FALSE = new Integer32(2);
    private static final long UNSIGNED32_MAX = 0xFFFF_FFFFL;

    private MibValues() {
    }

    /** DisplayString (SIZE (0..max)): cut at a character boundary so the octets stay within the size. */
    static OctetString text(String value, int maxOctets) {
        String s = value == null ? "" : value;
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxOctets) {
            return new OctetString(bytes);
        }
        int end = s.length();
        while (s.substring(0, end).getBytes(StandardCharsets.UTF_8).length > maxOctets) {
            end--;
        }
        return new OctetString(s.substring(0, end).getBytes(StandardCharsets.UTF_8));
    }

    static OctetString text(String value) {
        return text(value, 255);
    }

    /**
     * GkgPerceivedSeverity of an alarm event: the severity it names, cleared(1) for a clear, indeterminate(2) when an
     * alarm event names none.
     */
    static Integer32 severity(GuardianEvent event) {
        if (event.type().clears()) {
            return new Integer32(Severity.CLEARED.x733());
        }
        String label = event.detail(GuardianEvent.SEVERITY);
        return new Integer32(Arrays.stream(Severity.values()).filter(s -> s.label().equals(label)).findFirst()
                .orElse(Severity.INDETERMINATE).x733());
    }

    static Integer32 truth(boolean value) {
        return value ? TRUE : FALSE;
    }

    static UnsignedInteger32 unsigned(long value) {
        return new UnsignedInteger32(Math.max(0, Math.min(UNSIGNED32_MAX, value)));
    }

    static Integer32 role(Role role) {
        return new Integer32(role.ordinal() + 1);
    }

    static Integer32 gatekeeper(GatekeeperState state) {
        return new Integer32(state.ordinal() + 1);
    }

    static Integer32 quorum(QuorumState state) {
        return new Integer32(state.ordinal() + 1);
    }

    /** GkgCause: none(0) when absent, otherwise the enum's position from 1. */
    static Integer32 cause(Optional<Cause> cause) {
        return new Integer32(cause.map(c -> c.ordinal() + 1).orElse(0));
    }

    static Integer32 cause(Cause cause) {
        return new Integer32(cause.ordinal() + 1);
    }

    /** InetAddressType of an optional address: unknown(0), ipv4(1) or ipv6(2). */
    static Integer32 addressType(Optional<InetAddress> address) {
        return new Integer32(address.map(a -> a instanceof Inet6Address ? 2 : 1).orElse(0));
    }

    /** InetAddress; an IPv6 address with a scope carries the scope identifier as octets 17 to 20. */
    static OctetString address(Optional<InetAddress> address) {
        if (address.isEmpty()) {
            return new OctetString();
        }
        byte[] raw = address.get().getAddress();
        if (address.get() instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            int scope = v6.getScopeId();
            byte[] withScope = new byte[20];
            System.arraycopy(raw, 0, withScope, 0, 16);
            withScope[16] = (byte) (scope >>> 24);
            withScope[17] = (byte) (scope >>> 16);
            withScope[18] = (byte) (scope >>> 8);
            withScope[19] = (byte) scope;
            return new OctetString(withScope);
        }
        return new OctetString(raw);
    }

    /**
     * GkgDateAndTimeOrNone: a DateAndTime in UTC (11 octets), or the zero-length string for "never" (RFC 2579's
     * DateAndTime has no such value; the MIB's own convention widens its size to 0, 8 or 11).
     */
    static OctetString dateAndTime(Optional<Instant> at) {
        if (at.isEmpty()) {
            return new OctetString();
        }
        ZonedDateTime t = at.get().atZone(ZoneOffset.UTC);
        int year = t.getYear();
        return new OctetString(new byte[] {
            (byte) (year >>> 8), (byte) year, (byte) t.getMonthValue(), (byte) t.getDayOfMonth(),
            (byte) t.getHour(), (byte) t.getMinute(), (byte) t.getSecond(), (byte) (t.getNano() / 100_000_000),
            (byte) '+', 0, 0
        });
    }
}

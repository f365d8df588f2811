package org.gkguardian.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The one parser of IP address literals in GK Guardian. Every bundle's configuration and every address read
 * back from {@code ip -j} goes through it, so that one text means the same address everywhere.
 *
 * <p>Strict on purpose, and never a name lookup:
 * <ul>
 * <li>IPv4 only as a dotted quad of four decimal numbers 0 to 255 without leading zeros: {@code 010.0.0.1}
 * reads as 8.0.0.1 to inet_aton (octal) and as 10.0.0.1 to Java, so it is refused rather than guessed;
 * the short forms {@code 10.1} and {@code 167772161} are refused too.</li>
 * <li>IPv6 as in RFC 4291 section 2.2: eight groups of one to four hexadecimal digits, one {@code ::} at most,
 * an IPv4 dotted quad (same rules) allowed as the last 32 bits. IPv4-mapped addresses ({@code ::ffff:a.b.c.d})
 * are refused: Java turns them into IPv4 addresses, so write the IPv4 address.</li>
 * <li>Brackets only around an IPv6 address that is followed by a port ({@link #parseEndpoint}); zone
 * identifiers ({@code %eth0}) nowhere: the configuration names interfaces in keys of their own.</li>
 * </ul>
 * Pure: no I/O, no DNS, no state.
 */
public final class IpLiteral {

    /** An address and a port, from {@code ADDRESS:PORT} or {@code [IPV6-ADDRESS]:PORT}. */
    public record Endpoint(InetAddress address, int port) {
    }

    private IpLiteral() {
    }

    /**
     * @return the address, IPv4 or IPv6
     * @throws IllegalArgumentException with a message quoting the text and saying what is wrong with it
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw refused(text, "it is empty");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') {
                throw refused(text, "it contains white space or a character that is not printable ASCII");
            }
        }
        if (text.indexOf('%') >= 0) {
            throw refused(text, "zone identifiers (%...) are not accepted");
        }
        if (text.startsWith("[") || text.endsWith("]")) {
            throw refused(text, "brackets belong only around an IPv6 address followed by a port");
        }
        if (text.indexOf(':') < 0 && text.chars().anyMatch(Character::isLetter)) {
            throw refused(text, "host names are not accepted (no name lookups), only IP address literals");
        }
        byte[] bytes = text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text, text);
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            throw refused(text, "IPv4-mapped IPv6 addresses are not accepted; write the IPv4 address "
                    + (bytes[12] & 0xFF) + "." + (bytes[13] & 0xFF) + "." + (bytes[14] & 0xFF) + "." + (bytes[15] & 0xFF));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    /** True when {@link #parse} accepts the text. */
    public static boolean isLiteral(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * {@code ADDRESS:PORT} with an IPv4 address or {@code [ADDRESS]:PORT} with an IPv6 address; the port is a
     * decimal number from 1 to 65535 without leading zeros.
     *
     * @throws IllegalArgumentException with a message quoting the text and saying what is wrong with it
     */
    public static Endpoint parseEndpoint(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("'' is not ADDRESS:PORT: it is empty");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not [IPV6-ADDRESS]:PORT");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("'" + text + "': only an IPv6 address goes in brackets");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' is not ADDRESS:PORT: the port is missing");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + text + "': an IPv6 address with a port goes in brackets, "
                        + "e.g. [2001:db8::1]:5060");
            }
        }
        return new Endpoint(parse(host), port(text, port));
    }

    /**
     * A port: a decimal number from 1 to 65535 without sign or leading zeros.
     *
     * @throws IllegalArgumentException with a message quoting the text
     */
    public static int port(String context, String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || (text.length() > 1 && text.charAt(0) == '0')) {
            throw new IllegalArgumentException("'" + context + "': port '" + text + "' is not a number from 1 to 65535");
        }
        int value = Integer.parseInt(text);
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("'" + context + "': port " + value + " is not from 1 to 65535");
        }
        return value;
    }

    private static byte[] ipv4(String whole, String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw refused(whole, "an IPv4 address is four decimal numbers separated by dots");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw refused(whole, "'" + part + "' is not a decimal number from 0 to 255");
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                throw refused(whole, "'" + part + "' has a leading zero (octal to some programs, decimal to others)");
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw refused(whole, part + " is greater than 255");
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw refused(text, "'::' may appear once only");
        }
        byte[] bytes = new byte[16];
        if (gap < 0) {
            int groups = groups(text, text, bytes, 0, true);
            if (groups != 8) {
                throw refused(text, "an IPv6 address without '::' has eight groups");
            }
            return bytes;
        }
        String head = text.substring(0, gap);
        String tail = text.substring(gap + 2);
        byte[] tailBytes = new byte[16];
        int headGroups = head.isEmpty() ? 0 : groups(text, head, bytes, 0, false);
        int tailGroups = tail.isEmpty() ? 0 : groups(text, tail, tailBytes, 0, true);
        if (headGroups + tailGroups > 7) {
            throw refused(text, "'::' stands for at least one group of zeros, but eight groups are given");
        }
        System.arraycopy(tailBytes, 0, bytes, 16 - 2 * tailGroups, 2 * tailGroups);
        return bytes;
    }

    /** Parses colon-separated groups into {@code out} from {@code offset}; returns how many 16-bit groups. */
    private static int groups(String whole, String text, byte[] out, int offset, boolean ipv4Allowed) {
        String[] parts = text.split(":", -1);
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (last && ipv4Allowed && part.indexOf('.') >= 0) {
                if (groups > 6) {
                    throw refused(whole, "too many groups before the IPv4 part");
                }
                byte[] v4 = ipv4(whole, part);
                System.arraycopy(v4, 0, out, offset + 2 * groups, 4);
                return groups + 2;
            }
            if (part.isEmpty() || part.length() > 4) {
                throw refused(whole, "'" + part + "' is not a group of one to four hexadecimal digits");
            }
            int value = 0;
            for (int k = 0; k < part.length(); k++) {
                int digit = Character.digit(part.charAt(k), 16);
                if (digit < 0) {
                    throw refused(whole, "'" + part + "' is not a group of one to four hexadecimal digits");
                }
                value = value * 16 + digit;
            }
            if (groups >= 8) {
                throw refused(whole, "an IPv6 address has eight groups at most");
            }
            out[offset + 2 * groups] = (byte) (value >> 8);
            out[offset + 2 * groups + 1] = (byte) value;
            groups++;
        }
        return groups;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /** The IPv4 address as an unsigned number, for prefix arithmetic. */
    public static long ipv4Value(Inet4Address address) {
        long value = 0;
        for (byte b : address.getAddress()) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
    }

    private static IllegalArgumentException refused(String text, String reason) {
        return new IllegalArgumentException("'" + (text == null ? "" : text) + "' is not an IP address: " + reason);
    }
}

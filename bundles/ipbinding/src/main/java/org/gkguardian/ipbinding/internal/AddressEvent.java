package org.gkguardian.ipbinding.internal;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;
import org.gkguardian.config.IpLiteral;

/**
 * One line of {@code ip -o monitor address}: an address appeared, changed or went away.
 *
 * @param deleted       the address was removed
 * @param interfaceName the interface it is (or was) on
 * @param entry         the address as the kernel reported it
 */
public record AddressEvent(boolean deleted, String interfaceName, InterfaceAddresses.Entry entry) {

    /**
     * Parses one line in iproute2's one-line form, e.g.
     * {@code Deleted 3: eth1    inet 203.0.113.10/24 scope global eth1:gkg\       valid_lft forever ...}.
     * IPv4 lines end with the label; IPv6 lines carry flags such as {@code tentative} or {@code dadfailed}.
     *
     * @return empty for a line about anything but an IPv4 or IPv6 address
     * @throws IllegalArgumentException when the line is about an address but not in that form
     */
    public static Optional<AddressEvent> parse(String line) {
        String text = line;
        int continuation = text.indexOf('\\');
        if (continuation >= 0) {
            text = text.substring(0, continuation);
        }
        List<String> tokens = List.of(text.strip().split("\\s+"));
        int i = 0;
        boolean deleted = false;
        if (tokens.size() > i && tokens.get(i).equals("Deleted")) {
            deleted = true;
            i++;
        }
        if (tokens.size() < i + 4 || !tokens.get(i).matches("\\d+:")) {
            return Optional.empty();
        }
        String interfaceName = tokens.get(i + 1);
        String family = tokens.get(i + 2);
        if (!family.equals("inet") && !family.equals("inet6")) {
            return Optional.empty();
        }
        List<String> rest = tokens.subList(i + 3, tokens.size());
        String local = rest.get(0);
        String prefixed = local;
        // Point-to-point addresses print the local address bare and the prefix on the peer.
        if (!local.contains("/") && rest.size() > 2 && rest.get(1).equals("peer")) {
            prefixed = local + rest.get(2).substring(Math.max(0, rest.get(2).indexOf('/')));
        }
        int slash = prefixed.indexOf('/');
        java.net.InetAddress address;
        int prefixLength;
        try {
            address = IpLiteral.parse(slash < 0 ? prefixed : prefixed.substring(0, slash));
            prefixLength = slash < 0 ? (address instanceof Inet4Address ? 32 : 128)
                    : Integer.parseInt(prefixed.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unreadable address in ip monitor line: " + line, e);
        }
        if (!rest.contains("scope")) {
            throw new IllegalArgumentException("no scope in ip monitor line: " + line);
        }
        // The kernel always reports an IPv4 label, and iproute2 prints it last.
        String label = address instanceof Inet4Address ? rest.get(rest.size() - 1) : "";
        return Optional.of(new AddressEvent(deleted, interfaceName, new InterfaceAddresses.Entry(address, prefixLength,
                label, rest.contains("tentative"), rest.contains("dadfailed"))));
    }

    /** The interface as it is after this event. */
    public InterfaceAddresses applyTo(InterfaceAddresses before) {
        List<InterfaceAddresses.Entry> after = new java.util.ArrayList<>();
        for (InterfaceAddresses.Entry e : before.addresses()) {
            if (!e.address().equals(entry.address())) {
                after.add(e);
            }
        }
        if (!deleted) {
            after.add(entry);
        }
        return new InterfaceAddresses(before.name(), before.mac(), after);
    }
}

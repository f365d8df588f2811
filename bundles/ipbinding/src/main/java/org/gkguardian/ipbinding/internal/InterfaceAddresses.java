package org.gkguardian.ipbinding.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gkguardian.api.VipAddress;
import org.gkguardian.config.IpLiteral;

/**
 * One interface as {@code ip -j addr show dev IF} reports it.
 *
 * @param name      the interface name
 * @param mac       its link-layer address, or empty
 * @param addresses its addresses
 */
public record InterfaceAddresses(String name, String mac, List<Entry> addresses) {

    /**
     * One address of the interface.
     *
     * @param address   the address
     * @param prefixLength its prefix length
     * @param label     the IPv4 label, or empty (IPv6 has none)
     * @param tentative IPv6 duplicate address detection has not finished
     * @param dadFailed IPv6 duplicate address detection found another host
     */
    public record Entry(InetAddress address, int prefixLength, String label, boolean tentative, boolean dadFailed) {
    }

    public InterfaceAddresses {
        addresses = List.copyOf(addresses);
    }

    public Optional<Entry> find(InetAddress address) {
        return addresses.stream().filter(e -> e.address().equals(address)).findFirst();
    }

    /** Bound as configured: present with the same prefix (and, for IPv4, our label when one is used). */
    public boolean holds(VipAddress vip, String expectedLabel) {
        return find(vip.address())
                .filter(e -> e.prefixLength() == vip.prefixLength())
                .filter(e -> expectedLabel.isEmpty() || e.label().equals(expectedLabel))
                .filter(e -> !e.dadFailed())
                .isPresent();
    }

    /**
     * Parses the JSON of {@code ip -j addr show dev NAME}.
     *
     * @throws IllegalArgumentException when it is not what iproute2 prints for exactly that interface
     */
    public static InterfaceAddresses parse(String json, String expectedName) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> list) || list.size() != 1 || !(list.get(0) instanceof Map<?, ?> link)) {
            throw new IllegalArgumentException("expected one interface in the output of ip -j addr show");
        }
        Object name = link.get("ifname");
        if (!expectedName.equals(name)) {
            throw new IllegalArgumentException("asked for interface " + expectedName + ", got " + name);
        }
        Object mac = link.get("address");
        List<Entry> entries = new ArrayList<>();
        Object infos = link.get("addr_info");
        if (infos != null && !(infos instanceof List<?>)) {
            throw new IllegalArgumentException("addr_info is not a list");
        }
        if (infos != null) {
            for (Object o : (List<?>) infos) {
                if (!(o instanceof Map<?, ?> info)) {
                    throw new IllegalArgumentException("addr_info holds a non-object");
                }
                Object family = info.get("family");
                if (!"inet".equals(family) && !"inet6".equals(family)) {
                    continue;
                }
                Object local = info.get("local");
                Object prefix = info.get("prefixlen");
                if (!(local instanceof String text) || !(prefix instanceof Long length)) {
                    throw new IllegalArgumentException("address without local or prefixlen");
                }
                Object label = info.get("label");
                entries.add(new Entry(literal(text), length.intValue(), label instanceof String s ? s : "",
                        Boolean.TRUE.equals(info.get("tentative")), Boolean.TRUE.equals(info.get("dadfailed"))));
            }
        }
        return new InterfaceAddresses(expectedName, mac instanceof String s ? s : "", entries);
    }

    /** ip prints canonical literals; the shared parser reads them (never a name lookup). */
    private static InetAddress literal(String text) {
        return IpLiteral.parse(text);
    }
}

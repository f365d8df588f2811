package org.gkguardian.ipbinding.internal;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.gkguardian.api.VipAddress;

/**
 * The argument arrays of every external command. Arguments come only from validated settings, and
 * options always come before the operands they govern.
 */
public final class IpCommands {

    /** What marks our IPv4 addresses: the label {@code IF:gkg}. */
    static final String LABEL_SUFFIX = ":gkg";

    private final VipSettings settings;

    public IpCommands(VipSettings settings) {
        this.settings = settings;
    }

    /**
     * Our label on an interface. The kernel wants IPv4 labels to start with the interface name and fit in
     * 15 characters, so the suffix is cut for long names; a name too long for any suffix gets no label
     * (the state file still names the address). IPv6 addresses have no label.
     */
    public static String label(VipAddress vip) {
        if (!(vip.address() instanceof Inet4Address)) {
            return "";
        }
        return label(vip.interfaceName());
    }

    static String label(String interfaceName) {
        String full = interfaceName + LABEL_SUFFIX;
        int max = ConfigValidator.MAX_INTERFACE_NAME;
        if (full.length() <= max) {
            return full;
        }
        return interfaceName.length() + 2 <= max ? full.substring(0, max) : "";
    }

    public List<String> show(String interfaceName) {
        return List.of(settings.ipCommand(), "-j", "addr", "show", "dev", interfaceName);
    }

    public List<String> add(VipAddress vip) {
        String label = label(vip);
        if (label.isEmpty()) {
            return List.of(settings.ipCommand(), "addr", "add", vip.cidr(), "dev", vip.interfaceName());
        }
        return List.of(settings.ipCommand(), "addr", "add", vip.cidr(), "dev", vip.interfaceName(), "label", label);
    }

    public List<String> delete(VipAddress vip) {
        return List.of(settings.ipCommand(), "addr", "del", vip.cidr(), "dev", vip.interfaceName());
    }

    /** One long-running monitor of address changes, one line per change. */
    public List<String> monitor() {
        return List.of(settings.ipCommand(), "-o", "monitor", "address");
    }

    /**
     * One unsolicited neighbour advertisement with the override flag to all nodes for an IPv6 VIP; nothing
     * when no NA command is configured (the kernel's ndisc_notify announces then). IPv4 goes through
     * {@link Arping}.
     */
    public List<String> announceIpv6(VipAddress vip) {
        if (settings.naCommand().isEmpty()) {
            return List.of();
        }
        String address = vip.address().getHostAddress();
        return List.of(settings.naCommand(), "-i", vip.interfaceName(), "-s", address, "-d", "ff02::1",
                "-t", address, "-o", "-e");
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }
}

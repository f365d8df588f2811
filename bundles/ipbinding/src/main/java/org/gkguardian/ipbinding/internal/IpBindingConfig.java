package org.gkguardian.ipbinding.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Keys of etc/org.gkguardian.ipbinding.cfg; an underscore in a method name is a dot in the key. */
@ObjectClassDefinition(id = "org.gkguardian.ipbinding", name = "GK Guardian VIP binding",
        description = "The public addresses (VIPs) the master binds, and how they are announced.")
public @interface IpBindingConfig {

    @AttributeDefinition(required = false,
            description = "VIPs as ADDRESS/PREFIX@INTERFACE, e.g. 203.0.113.10/24@eth1 or 2001:db8::10/64@eth1; "
                    + "several separated by commas. Empty: this node binds no VIP.")
    String[] vips() default {};

    @AttributeDefinition(min = "1", max = "100",
            description = "Gratuitous ARPs / unsolicited neighbour advertisements sent per VIP when it is bound "
                    + "or re-announced (like keepalived's garp_master_repeat).")
    int garp_count() default 3;

    @AttributeDefinition(min = "10", max = "10000",
            description = "Milliseconds between two announcements of one burst (like keepalived's garp_interval).")
    int garp_interval_ms() default 200;

    @AttributeDefinition(min = "0", max = "86400",
            description = "Seconds between refresh announcements while bound, against stale neighbour caches "
                    + "(like keepalived's garp_master_refresh); 0 turns the refresh off.")
    int refresh_interval_s() default 60;

    @AttributeDefinition(description = "Check that no other host answers for an IPv4 VIP before binding it "
            + "(ARP probe). IPv6 VIPs always go through the kernel's duplicate address detection.")
    boolean dad_enabled() default true;

    @AttributeDefinition(min = "1", max = "10", description = "ARP probes sent by the IPv4 duplicate address check.")
    int dad_count() default 2;

    @AttributeDefinition(min = "10", max = "5000", description = "Milliseconds between two ARP probes.")
    int dad_interval_ms() default 20;

    @AttributeDefinition(min = "20", max = "10000",
            description = "Milliseconds the IPv4 duplicate address check listens for an answer; a host that has not "
                    + "answered by then is taken as absent. A host that holds an address answers its probe within a "
                    + "millisecond or two on a LAN; the rest of the window is a margin for a loaded machine. The window "
                    + "only adds to every failover, and the check is a last line of defence behind the election by "
                    + "agreement. With iputils' arping (the fallback of arp.socket), which counts in whole seconds, "
                    + "only its first probe falls in a window below one second.")
    int dad_timeout_ms() default 50;

    @AttributeDefinition(min = "100", max = "30000",
            description = "Milliseconds to wait for the kernel's IPv6 duplicate address detection to finish.")
    int ipv6_dad_timeout_ms() default 3000;

    @AttributeDefinition(min = "100", max = "60000", description = "Milliseconds an ip, arping or na6 run may take.")
    int command_timeout_ms() default 5000;

    @AttributeDefinition(required = false, description = "File listing the VIPs this node bound, so that they are "
            + "released after a crash (read by bin/gkg-release too). Empty: ${karaf.data}/ipbinding/bound-vips.")
    String state_file() default "";

    @AttributeDefinition(description = "iproute2 command, a name looked up in PATH or an absolute path.")
    String ip_command() default "ip";

    @AttributeDefinition(description = "Send the ARP probes and gratuitous ARPs of IPv4 VIPs from the JVM through a "
            + "packet socket (needs CAP_NET_RAW, which the shipped systemd unit grants). When it cannot be opened "
            + "(no capability, JNA not available on the platform) arping.command runs instead, as it does with false.")
    boolean arp_socket() default true;

    @AttributeDefinition(description = "arping command: Thomas Habets' ARPing 2.x (Debian package arping) or "
            + "iputils' arping (package iputils-arping, Ubuntu's default); which one it is is found out at activation.")
    String arping_command() default "arping";

    @AttributeDefinition(min = "1", max = "3600", description = "Seconds between two full reads of the VIP "
            + "interfaces. Changes are seen at once through a long-running ip monitor; this read is the safety net.")
    int address_check_interval_s() default 10;

    @AttributeDefinition(required = false, description = "Command sending IPv6 unsolicited neighbour "
            + "advertisements (na6 from Debian package ipv6toolkit; it insists on running as root). Empty: "
            + "send none and rely on the kernel, with net.ipv6.conf.IF.ndisc_notify=1, announcing a new IPv6 "
            + "address once its duplicate address detection is done (no refresh, no re-announcement then).")
    String na_command() default "na6";
}

package org.gkguardian.ipbinding.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.gkguardian.api.VipAddress;

/**
 * A validated ipbinding configuration.
 *
 * @param vips             the VIPs, in configuration order
 * @param garpCount        announcements per VIP in one burst
 * @param garpInterval     time between two announcements of a burst
 * @param refreshInterval  time between refresh announcements while bound; zero for none
 * @param dadEnabled       probe for another host holding an IPv4 VIP before binding it
 * @param dadCount         ARP probes per check
 * @param dadInterval      time between ARP probes
 * @param dadTimeout       how long the IPv4 check waits at most
 * @param ipv6DadTimeout   how long to wait for the kernel's IPv6 duplicate address detection
 * @param commandTimeout   how long one external command may run
 * @param stateFile        where the bound VIPs are recorded for release after a crash
 * @param ipCommand        iproute2's ip
 * @param arpingCommand    arping (Habets' ARPing 2.x or iputils' arping)
 * @param naCommand        na6 (ipv6toolkit), or empty to leave IPv6 announcements to the kernel
 * @param addressCheckInterval time between two full reads of the VIP interfaces beside ip monitor
 * @param arpSocket        ARP through a packet socket in the JVM; arping only when that cannot be opened
 */
public record VipSettings(List<VipAddress> vips, int garpCount, Duration garpInterval, Duration refreshInterval,
        boolean dadEnabled, int dadCount, Duration dadInterval, Duration dadTimeout, Duration ipv6DadTimeout,
        Duration commandTimeout, Path stateFile, String ipCommand, String arpingCommand, String naCommand,
        Duration addressCheckInterval, boolean arpSocket) {

    public VipSettings {
        vips = List.copyOf(vips);
    }
}

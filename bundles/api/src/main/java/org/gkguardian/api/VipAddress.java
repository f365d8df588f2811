package org.gkguardian.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One public address the master serves on, with the interface that carries it.
 *
 * @param address   the VIP (IPv4 or IPv6)
 * @param prefixLength its prefix length, e.g. 24
 * @param interfaceName the Linux interface it is bound to, e.g. {@code eth1}
 */
public record VipAddress(InetAddress address, int prefixLength, String interfaceName) {

    public VipAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(interfaceName, "interfaceName");
    }

    /** The form used in configuration and by iproute2: {@code 203.0.113.10/24}. */
    public String cidr() {
        return address.getHostAddress() + "/" + prefixLength;
    }

    @Override
    public String toString() {
        return cidr() + " dev " + interfaceName;
    }
}

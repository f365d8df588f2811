package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/** Whether this node's internal address is on an interface that is up and has a carrier. */
@FunctionalInterface
interface LanCheck {

    boolean up(InetAddress internalAddress);

    LanCheck NETWORK = address -> {
        if (address.isLoopbackAddress()) {
            return true;
        }
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(address);
            // isUp() needs IFF_RUNNING too, which a cable pulled at the switch takes away.
            return nif != null && nif.isUp();
        } catch (SocketException e) {
            return false;
        }
    };
}

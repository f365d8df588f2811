package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/** The kernel's routing netlink, as {@link NetlinkAddresses} uses it (a fake in unit tests). */
interface RouteLink {
    OptionalInt interfaceIndex(String name);

    /**
     * Sends one request that asks for an acknowledgement and waits for it.
     *
     * @return 0 when it worked, else the negative errno the kernel answered
     * @throws IOException when nothing came back in time or the socket failed
     */
    int request(byte[] message, int seq, Duration timeout) throws IOException;

    /** Sends a dump request and collects its answers up to the end of the dump. */
    List<RtNetlink.Address> dump(byte[] message, int seq, Duration timeout) throws IOException;

    int nextSequence();

    /** strerror() of the errno in a negative answer. */
    String errorText(int negativeErrno);
}

package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.util.Set;

/** The group channel as the role machine sees it. */
interface Membership {

    /** Best effort: send to every other member of the current view. */
    void send(byte[] payload);

    void close();

    /** Called from the channel's threads. */
    interface Listener {
        /** The internal addresses of the members of the new view, this node included. */
        void viewChanged(Set<InetAddress> members);

        void received(byte[] buf, int offset, int length);
    }
}

package org.gkguardian.guardian.internal;

import java.net.ConnectException;
import org.jgroups.PhysicalAddress;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.TCP;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JGroups' TCP transport without an ERROR for every message to a member that is not up. A configured member that
 * has not started yet, or has died, refuses connections; discovery and merge attempts reach it every few seconds,
 * and JGroups logs each refusal as an ERROR ("failed sending message to ...: Connection refused") that asks nothing
 * of the operator: the member's absence is already reported as the member-down alarm. Here a refused connection
 * is logged at DEBUG and the message dropped, as JGroups' bundler does after logging it; the retransmission
 * protocols above resend what matters once the member is there. Every other failure still reaches JGroups.
 */
final class QuietTcp extends TCP {

    private static final Logger LOG = LoggerFactory.getLogger(QuietTcp.class);

    QuietTcp() {
        // Headers are keyed by protocol id, and only JGroups' own classes have one: speak as TCP.
        setId(ClassConfigurator.getProtocolId(TCP.class));
    }

    @Override
    public void sendUnicast(PhysicalAddress dest, byte[] data, int offset, int length) throws Exception {
        try {
            super.sendUnicast(dest, data, offset, length);
        } catch (ConnectException refused) {
            LOG.debug("{} is not up ({}); message dropped", dest, refused.getMessage());
        }
    }
}

package org.gkguardian.guardian.internal;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated configuration. Built only by {@link SettingsValidator}.
 *
 * @param secretGenerated no secret was configured (single loopback node): a random one was drawn for this run
 */
record Settings(String nodeName, InetAddress internalAddress, List<InetAddress> members, int port, String clusterName,
        String secret, boolean secretGenerated, int priority, QuorumPolicy quorumPolicy,
        Optional<InetAddress> witnessAddress, int witnessPort, String profile, Timings timings, boolean preempt,
        long preemptDelayMs, int historySize, Optional<Path> epochFile, long startupGraceMs) {

    Settings {
        members = List.copyOf(members);
    }

    int quorumSize() {
        return members.size() / 2 + 1;
    }

    /** Everything but the secret, for logs. */
    @Override
    public String toString() {
        return "node=" + nodeName + " address=" + internalAddress.getHostAddress() + " members="
                + members.stream().map(InetAddress::getHostAddress).toList() + " port=" + port + " priority="
                + priority + " quorum=" + quorumPolicy.label()
                + witnessAddress.map(w -> " witness=" + w.getHostAddress()).orElse("") + " profile=" + profile
                + " " + timings + " preempt=" + preempt + " secret=" + (secretGenerated ? "generated" : "configured");
    }
}

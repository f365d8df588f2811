package org.gkguardian.api;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * This node's status, everything an operator asks for first.
 *
 * @param name            this node's name
 * @param internalAddress its internal address
 * @param priority        its election priority
 * @param role            its role now
 * @param roleSince       when it entered that role
 * @param epoch           the current epoch
 * @param master          the master's name as this node sees it, if any
 * @param masterAddress   the master's internal address, if any
 * @param vips            the configured VIPs and whether they are bound here
 * @param quorum          quorum state of this node's partition
 * @param lease           how long this node may still act as master without hearing a quorum (zero unless master)
 * @param gatekeeper      the local gatekeeper's state
 * @param configDigest    SHA-256 of the mirrored gatekeeper configuration, or empty
 * @param failoverCount   how many times the master changed since this guardian started
 * @param lastFailover    when the master last changed, if ever
 * @param lastFailoverCause why it last changed
 * @param configured      this node has a valid configuration (without one it stays out of the election)
 * @param problem         the configuration or health problem holding the node back, or empty
 */
public record NodeStatus(String name, InetAddress internalAddress, int priority, Role role, Instant roleSince,
        long epoch, Optional<String> master, Optional<InetAddress> masterAddress, List<VipStatus> vips,
        QuorumState quorum, Duration lease, GatekeeperState gatekeeper, String configDigest, long failoverCount,
        Optional<Instant> lastFailover, Optional<Cause> lastFailoverCause, boolean configured, String problem) {

    public NodeStatus {
        master = master == null ? Optional.empty() : master;
        masterAddress = masterAddress == null ? Optional.empty() : masterAddress;
        vips = vips == null ? List.of() : List.copyOf(vips);
        lease = lease == null ? Duration.ZERO : lease;
        configDigest = configDigest == null ? "" : configDigest;
        lastFailover = lastFailover == null ? Optional.empty() : lastFailover;
        lastFailoverCause = lastFailoverCause == null ? Optional.empty() : lastFailoverCause;
        problem = problem == null ? "" : problem;
    }
}

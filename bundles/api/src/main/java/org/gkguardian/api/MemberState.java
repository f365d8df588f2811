package org.gkguardian.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What one member tells the others about itself; the election's input.
 *
 * @param name             the member's node name, unique in the cluster
 * @param internalAddress  its address on the internal LAN (never published)
 * @param priority         higher wins before addresses are compared (0 to 255)
 * @param healthy          its gatekeeper and links can serve
 * @param role             the role it holds now
 * @param epoch            the highest epoch it knows
 * @param maintenance      drained by an operator
 * @param configDigest     SHA-256 of its mirrored gatekeeper configuration, or empty
 * @param preemptRequested it has been eligible for the preempt delay and asks to take over
 *                         (only honoured where preemption is on)
 */
public record MemberState(String name, InetAddress internalAddress, int priority, boolean healthy, Role role,
        long epoch, boolean maintenance, String configDigest, boolean preemptRequested) {

    public MemberState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(internalAddress, "internalAddress");
        Objects.requireNonNull(role, "role");
        configDigest = configDigest == null ? "" : configDigest;
    }

    /**
     * Written out rather than generated: the role thread compares its state with the one it last sent after every
     * message it handles, and a record's generated equals goes through method handles that the client compiler (the
     * only one the node runs, see bin/setenv) leaves as calls: a tenth of a backup's role thread at rest.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof MemberState m && priority == m.priority && healthy == m.healthy && role == m.role
                && epoch == m.epoch && maintenance == m.maintenance && preemptRequested == m.preemptRequested
                && name.equals(m.name) && internalAddress.equals(m.internalAddress)
                && configDigest.equals(m.configDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, internalAddress, priority, healthy, role, epoch, maintenance, configDigest,
                preemptRequested);
    }

    /** Healthy, not in maintenance, not in fault and not stopping: it may be elected. */
    public boolean eligible() {
        return healthy && !maintenance && role != Role.FAULT && role != Role.MAINTENANCE && role != Role.STOPPED;
    }

    public MemberState withRole(Role newRole) {
        return new MemberState(name, internalAddress, priority, healthy, newRole, epoch, maintenance, configDigest,
                preemptRequested);
    }

    public MemberState withEpoch(long newEpoch) {
        return new MemberState(name, internalAddress, priority, healthy, role, newEpoch, maintenance, configDigest,
                preemptRequested);
    }
}

package org.gkguardian.election.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;

/** Builds member states for the election's tests, readable at the call site. */
final class Members {

    private Members() {
    }

    /** A healthy backup with priority 100, epoch 0, nothing special. */
    static MemberState backup(String name, String address) {
        return new MemberState(name, address(address), 100, true, Role.BACKUP, 0, false, "", false);
    }

    static MemberState initializing(String name, String address) {
        return backup(name, address).withRole(Role.INITIALIZING);
    }

    static MemberState master(String name, String address, long epoch) {
        return backup(name, address).withRole(Role.MASTER).withEpoch(epoch);
    }

    static MemberState withPriority(MemberState m, int priority) {
        return new MemberState(m.name(), m.internalAddress(), priority, m.healthy(), m.role(), m.epoch(),
                m.maintenance(), m.configDigest(), m.preemptRequested());
    }

    static MemberState unhealthy(MemberState m) {
        return new MemberState(m.name(), m.internalAddress(), m.priority(), false, m.role(), m.epoch(),
                m.maintenance(), m.configDigest(), m.preemptRequested());
    }

    static MemberState drained(MemberState m) {
        return new MemberState(m.name(), m.internalAddress(), m.priority(), m.healthy(), m.role(), m.epoch(),
                true, m.configDigest(), m.preemptRequested());
    }

    static MemberState askingToPreempt(MemberState m) {
        return new MemberState(m.name(), m.internalAddress(), m.priority(), m.healthy(), m.role(), m.epoch(),
                m.maintenance(), m.configDigest(), true);
    }

    static InetAddress address(String literal) {
        try {
            // Literals only: getByName does no lookup for them.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}

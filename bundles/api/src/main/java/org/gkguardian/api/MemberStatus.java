package org.gkguardian.api;

import java.time.Instant;
import java.util.Optional;

/**
 * One configured member as this node sees it, for the member table of the console and the MIB.
 *
 * @param index        1-based position in the configured member list (the MIB's row index)
 * @param name         node name, or the address when it has never been heard
 * @param internalAddress its internal address
 * @param reachable    it is in this node's current view
 * @param lastHeard    when its state was last received, if ever
 * @param state        the last state it sent, if any
 * @param gatekeeper   its gatekeeper state as it last reported it
 */
public record MemberStatus(int index, String name, java.net.InetAddress internalAddress, boolean reachable,
        Optional<Instant> lastHeard, Optional<MemberState> state, GatekeeperState gatekeeper) {

    public MemberStatus {
        lastHeard = lastHeard == null ? Optional.empty() : lastHeard;
        state = state == null ? Optional.empty() : state;
        gatekeeper = gatekeeper == null ? GatekeeperState.UNKNOWN : gatekeeper;
    }

    public Role role() {
        return state.map(MemberState::role).orElse(Role.INITIALIZING);
    }
}

package org.gkguardian.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured member's mirrored configuration as this node sees it.
 *
 * @param index           1-based position in the configured member list (the MIB's row index)
 * @param name            node name, or the address when it has never been heard
 * @param internalAddress its internal address
 * @param master          it is the master this node follows (or this node, as master)
 * @param digest          the digest of its declared files as it last reported it; empty when unknown or none
 * @param matches         its digest equals the master's (always true for the master itself)
 * @param lastMatched     when its digest was last seen equal to the master's, if ever since this node started
 */
public record MirrorMemberStatus(int index, String name, InetAddress internalAddress, boolean master, String digest,
        boolean matches, Optional<Instant> lastMatched) {

    public MirrorMemberStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(internalAddress, "internalAddress");
        digest = digest == null ? "" : digest;
        lastMatched = lastMatched == null ? Optional.empty() : lastMatched;
    }
}

package org.gkguardian.api;

import java.util.List;

/**
 * What the edges are told when the guardian carries out a role: handed to the gatekeeper in its
 * environment, used by the VIP binding to know what to bind.
 *
 * @param node  this node's name
 * @param role  the role being taken
 * @param epoch the epoch of that decision
 * @param vips  the VIPs of the cluster
 */
public record RoleContext(String node, Role role, long epoch, List<VipAddress> vips) {
    public RoleContext {
        vips = vips == null ? List.of() : List.copyOf(vips);
    }
}

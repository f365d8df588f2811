package org.gkguardian.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One role change of one node, as logged at INFO, kept in the history and published.
 *
 * @param node     the node that changed role
 * @param from     its previous role
 * @param to       its new role
 * @param epoch    the epoch after the change
 * @param cause    why
 * @param at       when the change completed (wall clock, for operators)
 * @param took     how long carrying it out took (gatekeeper start, VIP bind, ...)
 * @param master   the master as this node sees it after the change, or empty
 * @param detail   a sentence with the specifics (e.g. which member failed)
 */
public record RoleTransition(String node, Role from, Role to, long epoch, Cause cause, Instant at, Duration took,
        String master, String detail) {

    public RoleTransition {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(at, "at");
        took = took == null ? Duration.ZERO : took;
        master = master == null ? "" : master;
        detail = detail == null ? "" : detail;
    }
}

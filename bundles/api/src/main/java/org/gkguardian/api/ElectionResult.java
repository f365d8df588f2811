package org.gkguardian.api;

import java.util.Optional;

/**
 * The election's decision for one partition.
 *
 * @param master the member that must hold the master role, or empty when none may
 * @param cause  why this member (or nobody) is master
 * @param reason a sentence for logs and the operator
 */
public record ElectionResult(Optional<String> master, Cause cause, String reason) {

    public ElectionResult {
        master = master == null ? Optional.empty() : master;
        java.util.Objects.requireNonNull(cause, "cause");
        reason = reason == null ? "" : reason;
    }

    public static ElectionResult none(Cause cause, String reason) {
        return new ElectionResult(Optional.empty(), cause, reason);
    }

    public static ElectionResult of(String master, Cause cause, String reason) {
        return new ElectionResult(Optional.of(master), cause, reason);
    }
}

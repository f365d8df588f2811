package org.gkguardian.api;

/**
 * The answer to an operator command (console, JMX, SNMP SET).
 *
 * @param outcome what happened
 * @param message a sentence that says why, always set for a refusal
 */
public record OperatorResult(Outcome outcome, String message) {

    public enum Outcome {
        /** Accepted and being carried out. */
        ACCEPTED,
        /** Nothing to do: the cluster is already as asked. */
        ALREADY_DONE,
        /** The target does not exist. */
        UNKNOWN_TARGET,
        /** The target is unhealthy, in maintenance, unreachable or not quorate. */
        TARGET_NOT_ELIGIBLE,
        /** The request cannot be carried out now (no quorum, no valid configuration, ...). */
        REFUSED
    }

    public static OperatorResult accepted(String message) {
        return new OperatorResult(Outcome.ACCEPTED, message);
    }

    public static OperatorResult refused(Outcome outcome, String message) {
        return new OperatorResult(outcome, message);
    }

    public boolean isAccepted() {
        return outcome == Outcome.ACCEPTED || outcome == Outcome.ALREADY_DONE;
    }
}

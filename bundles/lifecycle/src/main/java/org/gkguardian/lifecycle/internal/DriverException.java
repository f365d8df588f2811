package org.gkguardian.lifecycle.internal;

/** A driver step failed; the message names the configuration key involved. */
final class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    DriverException(String message) {
        super(message);
    }

    DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}

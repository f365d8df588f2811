package org.gkguardian.guardian.internal;

/** A configuration value was refused; the message names the key and the reason. */
final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    InvalidConfigurationException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
    }

    String key() {
        return key;
    }
}

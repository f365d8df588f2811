package org.gkguardian.ipbinding.internal;

/** A configuration value was refused; the message names the key, the value and the reason. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String value, String reason) {
        super(key + " = '" + value + "' refused: " + reason);
    }
}

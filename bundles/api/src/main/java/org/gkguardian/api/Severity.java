package org.gkguardian.api;

/** Perceived severity as in ITU-T X.733 (values as in the MIB). */
public enum Severity {
    CLEARED(1), INDETERMINATE(2), CRITICAL(3), MAJOR(4), MINOR(5), WARNING(6);

    private final int x733;

    Severity(int x733) {
        this.x733 = x733;
    }

    public int x733() {
        return x733;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

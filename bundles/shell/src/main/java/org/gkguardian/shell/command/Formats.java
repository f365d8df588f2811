package org.gkguardian.shell.command;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** How the commands write times, durations and addresses, so that all of them read alike. */
final class Formats {

    /** UTC, to the millisecond: transitions on different nodes are compared by operators. */
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    static final String NONE = "-";

    private Formats() {
    }

    static String instant(Instant at) {
        return INSTANT.format(at);
    }

    static String instant(Optional<Instant> at) {
        return at.map(Formats::instant).orElse(NONE);
    }

    static String duration(Duration d) {
        if (d.isZero()) {
            return "0 ms";
        }
        if (d.compareTo(Duration.ofSeconds(10)) < 0) {
            return d.toMillis() + " ms";
        }
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String address(InetAddress address) {
        return address.getHostAddress();
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    static String orNone(String value) {
        return value == null || value.isEmpty() ? NONE : value;
    }
}

package org.gkguardian.lifecycle.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped systemd unit gives the JVM CAP_NET_ADMIN and CAP_NET_RAW as ambient capabilities (for ip and arping),
 * and ambient capabilities pass to every child. The gatekeeper and the configured commands must not hold them: when
 * this JVM has ambient capabilities, they run under {@code setpriv --inh-caps=-all --ambient-caps=-all --}, which
 * clears both sets and then execs the command (same PID, so tracking and signals are unchanged). NoNewPrivileges in
 * the unit keeps a child from getting them back through a set-uid or file-capability program.
 */
final class CapabilityDrop {

    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Logger LOG = LoggerFactory.getLogger(CapabilityDrop.class);

    private CapabilityDrop() {
    }

    /** The launch prefix for this JVM, read once per configuration (not on a hot path). */
    static List<String> forThisProcess() {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return List.of(); // not Linux: no ambient capabilities to pass on
        }
        return prefix(status, Files.isExecutable(SETPRIV));
    }

    /** Pure: the prefix for a process whose /proc status is {@code status}. */
    static List<String> prefix(String status, boolean setprivPresent) {
        long ambient = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("CapAmb:")) {
                ambient = Long.parseUnsignedLong(line.substring("CapAmb:".length()).trim(), 16);
            }
        }
        if (ambient == 0) {
            return List.of();
        }
        if (!setprivPresent) {
            LOG.warn("This JVM holds ambient capabilities ({}) and {} is missing: the gatekeeper and the configured "
                    + "commands inherit them (install util-linux)", Long.toHexString(ambient), SETPRIV);
            return List.of();
        }
        return List.of(SETPRIV.toString(), "--inh-caps=-all", "--ambient-caps=-all", "--");
    }

    static List<String> wrap(List<String> prefix, List<String> command) {
        if (prefix.isEmpty()) {
            return command;
        }
        List<String> out = new ArrayList<>(prefix);
        out.addAll(command);
        return List.copyOf(out);
    }
}

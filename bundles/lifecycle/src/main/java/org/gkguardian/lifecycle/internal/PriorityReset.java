package org.gkguardian.lifecycle.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The guardian runs at a raised priority (its launcher's {@code --nice}, systemd's {@code Nice=}) so that a busy board
 * does not starve its lease; the gatekeeper and the configured commands must not inherit it. When this JVM runs at a
 * negative nice value, they run under {@code nice -n N --}, which adds N back (to 0) and execs the command (same PID).
 */
final class PriorityReset {

    static final Path NICE = Path.of("/usr/bin/nice");

    private PriorityReset() {
    }

    /** The launch prefix for this JVM, read once per configuration (not on a hot path). */
    static List<String> forThisProcess() {
        try {
            return prefix(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII),
                    Files.isExecutable(NICE));
        } catch (IOException | RuntimeException e) {
            return List.of(); // not Linux: nothing inherited to undo
        }
    }

    /** Pure: the prefix for a process whose /proc/PID/stat is {@code stat} (field 19 is its nice value). */
    static List<String> prefix(String stat, boolean nicePresent) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        int nice = Integer.parseInt(fields[16]);
        if (nice >= 0 || !nicePresent) {
            return List.of();
        }
        return List.of(NICE.toString(), "-n", Integer.toString(-nice), "--");
    }
}

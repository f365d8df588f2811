package org.gkguardian.snmp.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * snmpEngineBoots must grow on every start (RFC 3414 replay protection), so it alone is kept in a
 * file; no other agent state is persisted, so configuration always comes from ConfigAdmin.
 */
final class EngineBoots {

    private static final Logger LOG = LoggerFactory.getLogger(EngineBoots.class);
    private static final int MAX = Integer.MAX_VALUE;

    private EngineBoots() {
    }

    /** Reads the last count from {@code file}, stores and returns the next; 1 without a file. */
    static int next(Path file) {
        if (file == null) {
            return 1;
        }
        int boots = 1;
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
                long last = Long.parseLong(text);
                boots = last >= MAX - 1 || last < 0 ? MAX : (int) last + 1;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Integer.toString(boots), StandardCharsets.US_ASCII);
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Cannot keep snmpEngineBoots in {}: {}; starting from {}", file, e.toString(), boots);
        }
        return boots;
    }
}

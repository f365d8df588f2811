package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Finds out which arping {@code arping.command} is, from what it prints: iputils' prints
 * "arping from iputils VERSION" for {@code -V}; Habets' takes {@code -V} as a VLAN option, complains that
 * it lacks its argument and prints its banner "ARPing 2.x, by Thomas Habets" (as it does for
 * {@code --help}). Anything else (BusyBox, a wrapper, a missing file) is refused with what to install.
 */
public final class ArpingDetector {
    static final String INSTALL = "install Debian package arping (Thomas Habets' ARPing 2.x) or iputils-arping "
            + "(iputils' arping), or set arping.command to one of them";

    private ArpingDetector() {
    }

    /** @throws UnusableArping naming the command, what it said and what to install */
    public static Arping detect(CommandRunner runner, String command, Duration timeout) throws UnusableArping {
        String said;
        try {
            said = text(runner.run(List.of(command, "-V"), timeout));
            Arping found = recognise(command, said);
            if (found != null) {
                return found;
            }
            String help = text(runner.run(List.of(command, "--help"), timeout));
            found = recognise(command, help);
            if (found != null) {
                return found;
            }
        } catch (IOException e) {
            throw new UnusableArping("arping.command '" + command + "' cannot be run (" + e.getMessage() + "): "
                    + INSTALL);
        }
        throw new UnusableArping("arping.command '" + command + "' is neither Thomas Habets' ARPing 2.x nor "
                + "iputils' arping (it answered -V with '" + firstLine(said) + "'): " + INSTALL);
    }

    private static Arping recognise(String command, String said) {
        if (said.contains("iputils")) {
            return new Arping.Iputils(command);
        }
        if (said.contains("Thomas Habets") && said.matches("(?s).*ARPing 2\\.\\d+.*")) {
            return new Arping.Habets(command);
        }
        return null;
    }

    private static String text(CommandRunner.Result result) {
        return result.stdout() + "\n" + result.stderr();
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        String line = end < 0 ? stripped : stripped.substring(0, end);
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }

    /** The configured arping cannot be used; the message says why and what to install. */
    public static final class UnusableArping extends Exception {
        private static final long serialVersionUID = 1L;

        public UnusableArping(String message) {
            super(message);
        }
    }
}

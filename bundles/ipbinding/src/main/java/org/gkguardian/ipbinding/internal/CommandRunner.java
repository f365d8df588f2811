package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runs an external command from an argument array, never through a shell. */
public interface CommandRunner {

    /**
     * @param exitCode the command's exit status
     * @param stdout   what it printed
     * @param stderr   what it printed as errors
     */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** For messages: the error text, or the exit status when there is none. */
        public String problem() {
            String text = stderr.strip();
            return text.isEmpty() ? "exit status " + exitCode : text + " (exit status " + exitCode + ")";
        }
    }

    /**
     * @throws IOException when the command cannot be started or outlives the timeout (it is killed then)
     */
    Result run(List<String> command, Duration timeout) throws IOException;
}

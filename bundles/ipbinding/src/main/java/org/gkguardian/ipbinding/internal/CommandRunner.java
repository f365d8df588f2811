package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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

    /** A command that runs while the caller goes on. */
    interface Started {
        /** Completes with the result once the command has ended (stdout empty when its lines were streamed). */
        CompletableFuture<Result> exit();

        /** Ends the command (SIGKILL); its exit still completes. */
        void stop();
    }

    /**
     * Runs a command and waits for it.
     *
     * @throws IOException when the command cannot be started or outlives the timeout (it is killed then)
     */
    Result run(List<String> command, Duration timeout) throws IOException;

    /**
     * Starts a command and returns at once; its output is collected for the result.
     *
     * @throws IOException when the command cannot be started
     */
    Started start(List<String> command) throws IOException;

    /**
     * Starts a long-running command and hands each line of its standard output to {@code lines}, in order,
     * on a thread of its own.
     *
     * @throws IOException when the command cannot be started
     */
    Started stream(List<String> command, Consumer<String> lines) throws IOException;
}

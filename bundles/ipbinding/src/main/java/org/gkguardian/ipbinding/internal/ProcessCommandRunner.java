package org.gkguardian.ipbinding.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** {@link CommandRunner} with ProcessBuilder; standard input is closed, both outputs captured. */
public final class ProcessCommandRunner implements CommandRunner {
    /** What is kept of the error output of a streamed command. */
    private static final int MAX_STDERR = 4096;

    @Override
    public Result run(List<String> command, Duration timeout) throws IOException {
        Process process = launch(command);
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within " + timeout.toMillis() + " ms");
            }
            return new Result(process.exitValue(), stdout.get(1, TimeUnit.SECONDS), stderr.get(1, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not read the output of " + command.get(0), e);
        }
    }

    @Override
    public Started start(List<String> command) throws IOException {
        Process process = launch(command);
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        CompletableFuture<Result> exit = process.onExit().thenCombine(stdout.exceptionally(e -> ""),
                (p, out) -> new Result(p.exitValue(), out, stderr.exceptionally(e -> "").join()));
        return started(process, exit);
    }

    @Override
    public Started stream(List<String> command, Consumer<String> lines) throws IOException {
        Process process = launch(command);
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        CompletableFuture<Void> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.accept(line);
                }
            } catch (IOException | RuntimeException e) {
                // The process ended or was stopped; its exit says the rest.
            } finally {
                read.complete(null);
            }
        }, "gkg-ipbinding-" + new File(command.get(0)).getName());
        reader.setDaemon(true);
        reader.start();
        // Every line is handed over before the exit is reported.
        CompletableFuture<Result> exit = process.onExit().thenCombine(read, (p, ignored) -> p).thenApply(p -> {
            String errors = stderr.exceptionally(e -> "").join();
            return new Result(p.exitValue(), "", errors.length() > MAX_STDERR ? errors.substring(0, MAX_STDERR) : errors);
        });
        return started(process, exit);
    }

    private static Started started(Process process, CompletableFuture<Result> exit) {
        return new Started() {
            @Override
            public CompletableFuture<Result> exit() {
                return exit;
            }

            @Override
            public void stop() {
                process.destroyForcibly();
            }
        };
    }

    private static Process launch(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("LC_ALL", "C");
        return builder.start();
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "gkg-ipbinding-output");
        reader.setDaemon(true);
        reader.start();
        return result;
    }
}

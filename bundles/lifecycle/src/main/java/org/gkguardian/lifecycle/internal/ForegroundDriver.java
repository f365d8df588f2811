package org.gkguardian.lifecycle.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gatekeeper as a child process of the guardian (e.g. {@code kamailio -DD -E}): its PID is
 * tracked, its output goes to the Karaf log under a prefix, and it is stopped with SIGTERM, then
 * SIGKILL for it and its children after {@code stop.timeout.ms}.
 */
final class ForegroundDriver implements GatekeeperDriver {

    private static final Logger LOG = LoggerFactory.getLogger(ForegroundDriver.class);
    private static final Logger OUTPUT = LoggerFactory.getLogger("org.gkguardian.lifecycle.gatekeeper");

    private final Settings settings;
    private final CommandRunner runner;
    private final Probe protocolProbe;
    private final ExecutorService outputPumps;
    private Process process;
    /** Its children as last seen: when it dies by SIGKILL they are orphaned and would keep its ports. */
    private List<ProcessHandle> knownChildren = List.of();

    ForegroundDriver(Settings settings, CommandRunner runner, Probe protocolProbe, ExecutorService outputPumps) {
        this.settings = settings;
        this.runner = runner;
        this.protocolProbe = protocolProbe;
        this.outputPumps = outputPumps;
    }

    @Override
    public void start(Map<String, String> environment) throws DriverException {
        if (process != null && process.isAlive()) {
            return;
        }
        killOrphans();
        List<String> command = settings.startCommand();
        ProcessBuilder builder = new ProcessBuilder(runner.launchable(command));
        settings.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            process = null;
            throw new DriverException("start.command: cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing the gatekeeper's stdin: {}", e.getMessage());
        }
        long pid = process.pid();
        pump(process.getInputStream(), pid, "out");
        pump(process.getErrorStream(), pid, "err");
        LOG.info("Gatekeeper started in the foreground: pid {} ({})", pid, command.get(0));
    }

    private void pump(InputStream stream, long pid, String channel) {
        String prefix = settings.logPrefix();
        outputPumps.execute(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    OUTPUT.info("[{}:{}] {}", prefix, pid, line);
                }
            } catch (IOException e) {
                OUTPUT.debug("[{}:{}] std{} closed: {}", prefix, pid, channel, e.getMessage());
            }
        });
    }

    /** The PID of the running process, or -1. */
    long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    @Override
    public void stop() throws DriverException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            process = null;
            killOrphans();
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        long waitMillis = settings.stopTimeout().toMillis();
        try {
            if (settings.stopCommand().isEmpty()) {
                p.destroy();
            } else {
                runner.run("stop.command", withPid(settings.stopCommand(), p.pid()), Map.of(), settings.stopTimeout());
            }
            if (!p.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("Gatekeeper pid {} did not stop within stop.timeout.ms={}; killing it and its children", p.pid(),
                        waitMillis);
                children.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    throw new DriverException("stop.timeout.ms: gatekeeper pid " + p.pid() + " survived SIGKILL");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new DriverException("stop.timeout.ms: interrupted while stopping pid " + p.pid(), e);
        } finally {
            // Children that outlive their parent would keep the gatekeeper's ports.
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            knownChildren = List.of();
        }
        LOG.info("Gatekeeper pid {} stopped (exit {})", p.pid(), p.exitValue());
        process = null;
    }

    @Override
    public void reload(Map<String, String> environment) throws DriverException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (settings.reloadCommand().isEmpty()) {
            stop();
            start(environment);
        } else {
            runner.runOrThrow("reload.command", withPid(settings.reloadCommand(), p.pid()), environment,
                    settings.reloadTimeout());
        }
    }

    @Override
    public ProbeResult probe() {
        Process p = process;
        if (p == null) {
            return ProbeResult.gone("not started");
        }
        if (!p.isAlive()) {
            killOrphans();
            return ProbeResult.gone("pid " + p.pid() + " exited with " + p.exitValue());
        }
        knownChildren = p.descendants().toList();
        return protocolProbe.check();
    }

    private void killOrphans() {
        // A ProcessHandle carries the start time, so a reused PID is never mistaken for a child.
        List<ProcessHandle> orphans = knownChildren.stream().filter(ProcessHandle::isAlive).toList();
        if (!orphans.isEmpty()) {
            LOG.warn("Killing {} orphaned gatekeeper processes {}", orphans.size(),
                    orphans.stream().map(ProcessHandle::pid).toList());
            orphans.forEach(ProcessHandle::destroyForcibly);
            // Orphans belong to init now, which may never reap them: a zombie has released its sockets, so
            // wait (briefly) only until each one is gone or a zombie.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (orphans.stream().anyMatch(ForegroundDriver::running) && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        knownChildren = List.of();
    }

    private static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(handle.pid()), "stat"));
            // The state follows the command name in parentheses, which may itself contain ')'.
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<String> withPid(List<String> command, long pid) {
        return command.stream().map(arg -> arg.replace("{pid}", Long.toString(pid))).toList();
    }
}

package org.gkguardian.lifecycle.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.gkguardian.api.ConfigMirror;
import org.gkguardian.api.ConfigSnapshot;
import org.gkguardian.api.GatekeeperControl;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipAddress;
import org.gkguardian.lifecycle.internal.Settings.Standby;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gatekeeper behind this node's guardian: starts and stops it according to the standby mode,
 * probes it, restarts it with back-off, declares it failed (so the guardian re-elects), and mirrors
 * its configuration files.
 *
 * <p>A node never becomes master with a dead gatekeeper: {@link #prepareMaster} returns only after a
 * good probe, and otherwise throws. Without any valid configuration the state is FAILED (never
 * elected); with {@code driver=none} it is UNMANAGED and role changes touch no process.
 */
@Component(service = { GatekeeperControl.class, ConfigMirror.class }, configurationPid = GatekeeperLifecycle.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LifecycleConfiguration.class)
public class GatekeeperLifecycle implements GatekeeperControl, ConfigMirror {

    static final String PID = "org.gkguardian.lifecycle";
    static final String ENV_ROLE = "GKG_ROLE";
    static final String ENV_EPOCH = "GKG_EPOCH";
    static final String ENV_VIPS = "GKG_VIPS";
    static final String ENV_NODE = "GKG_NODE";
    private static final Logger LOG = LoggerFactory.getLogger(GatekeeperLifecycle.class);
    private static final Duration READY_POLL = Duration.ofMillis(20);
    /**
     * How recent a readiness for the same epoch may be and still count: a switchover target gets ready when it is
     * asked, then again when it stands for the epoch, within a few milliseconds. A second probe there is the
     * clients' outage (a planned switchover measured 45-60 ms, two probes of 8-19 ms in it).
     */
    static final long READY_REUSE_NANOS = Duration.ofMillis(250).toNanos();

    private final Object lock = new Object();
    private ScheduledExecutorService scheduler;
    private ExecutorService outputPumps;
    private ScheduledFuture<?> monitorTask;
    private ScheduledFuture<?> digestTask;

    // Guarded by lock.
    private Settings settings;
    private GatekeeperDriver driver;
    private HealthTracker tracker;
    private MirroredFiles mirrored = new MirroredFiles(java.util.List.of(), java.util.List.of());
    /** The mirrored files' fingerprint when the digest was last computed; null forces a new computation. */
    private String fingerprint;
    /**
     * Each mirrored file's SHA-256 as this node last took it over: from the last snapshot sent (master) or applied
     * (backup), or as found when the paths were configured. A file that differs from it was edited locally.
     */
    private TreeMap<String, String> baseline = new TreeMap<>();
    private boolean wanted;
    /** Between a successful prepareMaster and the next standDown. */
    private boolean master;
    /** When the gatekeeper last answered as ready for the master role, and for which epoch. */
    private long readyNanos;
    private long readyEpoch = -1;
    private boolean restartPending;
    private long nextAttemptNanos;
    private Map<String, String> environment = Map.of();
    private boolean notifyPending;

    private volatile GatekeeperState state = GatekeeperState.UNKNOWN;
    private volatile String problem = "";
    private volatile String digest = "";
    private volatile List<String> localChanges = List.of();
    private volatile Runnable healthListener = () -> { };

    @Activate
    void activate(LifecycleConfiguration config, Map<String, Object> properties) {
        scheduler = Executors.newSingleThreadScheduledExecutor(named("gkg-lifecycle"));
        outputPumps = Executors.newCachedThreadPool(named("gkg-gatekeeper-output"));
        configure(config, properties);
    }

    /** The raw properties are checked too: DS turns a value that is not of its key's type into the default. */
    @Modified
    void configure(LifecycleConfiguration config, Map<String, Object> properties) {
        SettingsValidator.Result result = SettingsValidator.validate(config, properties);
        synchronized (lock) {
            if (!result.valid()) {
                problem = "configuration refused: " + result.summary();
                if (settings == null) {
                    LOG.error("Lifecycle configuration refused, node stays out of the election: {}", result.summary());
                    setState(GatekeeperState.FAILED, "no valid configuration");
                } else {
                    LOG.error("Lifecycle configuration refused, keeping the last good one: {}", result.summary());
                }
            } else {
                install(result.settings().orElseThrow());
            }
        }
        afterLock();
    }

    private void install(Settings next) {
        Settings previous = settings;
        boolean sameGatekeeper = next.sameGatekeeper(previous);
        if (!sameGatekeeper) {
            stopQuietly("configuration changed");
        }
        settings = next;
        problem = "";
        tracker = sameGatekeeper ? HealthTracker.of(next).continuing(tracker) : HealthTracker.of(next);
        boolean samePaths = previous != null && previous.mirrorPaths().equals(next.mirrorPaths())
                && previous.mirrorAllowedDirs().equals(next.mirrorAllowedDirs());
        mirrored = new MirroredFiles(next.mirrorPaths(), next.mirrorAllowedDirs(), next.mirrorMaxBytes());
        fingerprint = null;
        if (!samePaths) {
            baseline = null;
        }
        if (!sameGatekeeper) {
            driver = createDriver(next);
            if (!next.managed()) {
                wanted = false;
                restartPending = false;
                setState(GatekeeperState.UNMANAGED, "driver=none");
            } else if (next.standby() == Standby.WARM || master) {
                // A master keeps a gatekeeper: the new one is started at once.
                wanted = true;
                restartPending = true;
                nextAttemptNanos = System.nanoTime();
                if (environment.isEmpty()) {
                    environment = environment(new RoleContext(nodeName(next, ""), Role.INITIALIZING, 0, java.util.List.of()));
                }
                setState(GatekeeperState.STARTING, next.standby().name().toLowerCase(java.util.Locale.ROOT) + " standby");
            } else {
                wanted = false;
                restartPending = false;
                setState(GatekeeperState.STOPPED, "cold standby: runs only on the master");
            }
        }
        reschedule(next);
        refreshDigest();
        LOG.info("Lifecycle configured: driver={} standby={} {} mirror.enabled={} mirror.paths={}",
                next.driver().name().toLowerCase(java.util.Locale.ROOT), next.standby().name().toLowerCase(java.util.Locale.ROOT),
                next.probeDescription(), next.mirrorEnabled(), next.mirrorPaths());
    }

    private GatekeeperDriver createDriver(Settings s) {
        if (!s.managed()) {
            return null;
        }
        // Neither the guardian's capabilities nor its raised priority pass to the gatekeeper and the commands.
        CommandRunner runner = new CommandRunner(s.workingDirectory(),
                CapabilityDrop.wrap(CapabilityDrop.forThisProcess(), PriorityReset.forThisProcess()));
        Probe probe = switch (s.probeType()) {
            case SIP_OPTIONS -> new SipOptionsProbe(s.probeAddress().orElseThrow(), s.probeTimeout());
            case TCP -> new TcpConnectProbe(s.probeAddress().orElseThrow(), s.probeTimeout());
            case COMMAND -> new CommandProbe(runner, s.probeCommand(), s.probeTimeout());
            case NONE -> () -> ProbeResult.ok("process alive (probe.type=none)");
        };
        return switch (s.driver()) {
            case NONE -> null;
            case COMMAND -> new CommandDriver(s, runner, probe);
            case SYSTEMD -> new SystemdDriver(s, runner, probe);
            case FOREGROUND -> new ForegroundDriver(s, runner, probe, outputPumps);
        };
    }

    private void reschedule(Settings s) {
        if (scheduler == null) {
            return;
        }
        if (monitorTask != null) {
            monitorTask.cancel(false);
        }
        if (digestTask != null) {
            digestTask.cancel(false);
        }
        if (s.managed()) {
            // A warm gatekeeper starts at once; otherwise the first probe waits one interval.
            long first = s.standby() == Standby.WARM ? 0 : s.probeInterval().toMillis();
            monitorTask = scheduler.scheduleWithFixedDelay(this::monitor, first, s.probeInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        digestTask = scheduler.scheduleWithFixedDelay(this::refreshDigestLocked, s.digestInterval().toMillis(),
                s.digestInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            if (monitorTask != null) {
                monitorTask.cancel(false);
            }
            if (digestTask != null) {
                digestTask.cancel(false);
            }
            wanted = false;
            restartPending = false;
            stopQuietly("guardian stopping");
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (outputPumps != null) {
            outputPumps.shutdownNow();
        }
    }

    // ---- GatekeeperControl ----

    @Override
    public GatekeeperState state() {
        return state;
    }

    @Override
    public String problem() {
        return problem;
    }

    @Override
    public void prepareMaster(RoleContext context) throws GatekeeperException {
        long began = System.nanoTime();
        String failure = null;
        Settings s;
        synchronized (lock) {
            s = settings;
            if (s == null) {
                failure = "no valid lifecycle configuration (" + problem + ")";
            } else if (!s.managed()) {
                return;
            } else {
                failure = makeReady(s, context, began);
            }
        }
        afterLock();
        if (failure != null) {
            LOG.error("Gatekeeper not ready for the master role (node {}, epoch {}): {}", context.node(), context.epoch(),
                    failure);
            throw new GatekeeperException(failure);
        }
        LOG.info("Gatekeeper ready for the master role: node {}, epoch {}, {} standby, {} ms", context.node(),
                context.epoch(), s.standby().name().toLowerCase(java.util.Locale.ROOT),
                Duration.ofNanos(System.nanoTime() - began).toMillis());
    }

    /** Returns null when ready, else why not. Holds the lock. */
    private String makeReady(Settings s, RoleContext context, long began) {
        if (master && state == GatekeeperState.RUNNING && readyEpoch == context.epoch()
                && began - readyNanos < READY_REUSE_NANOS) {
            return null;
        }
        long deadline = began + s.readyTimeout().toNanos();
        // Cold: the environment of the start below. Warm: of any later restart.
        environment = environment(context);
        wanted = true;
        ProbeResult last = driver.probe();
        // Cold: start it now. Warm: it should already run; start it only if it is gone (a restart may
        // be waiting for its back-off), and otherwise give a starting gatekeeper until the deadline.
        if (!last.healthy() && (s.standby() == Standby.COLD || last.processGone())) {
            if (state != GatekeeperState.FAILED) {
                // A failed gatekeeper stays failed until it answers: no flapping of the health signal.
                setState(GatekeeperState.STARTING, "promotion, epoch " + context.epoch());
            }
            restartPending = false;
            stopQuietly("before start");
            try {
                driver.start(environment);
            } catch (DriverException e) {
                return promotionFailed(s, e.getMessage());
            }
            last = driver.probe();
        }
        while (!last.healthy() && !last.processGone() && System.nanoTime() - deadline < 0) {
            sleep(READY_POLL);
            last = driver.probe();
        }
        if (!last.healthy()) {
            String why = last.processGone() ? "start.command: the gatekeeper exited before answering its probe ("
                    + last.detail() + ")"
                    : "ready.timeout.ms: the gatekeeper did not answer its probe (" + s.probeDescription() + ") within "
                            + s.readyTimeout().toMillis() + " ms: " + last.detail();
            return promotionFailed(s, why);
        }
        tracker.reset();
        restartPending = false;
        master = true;
        readyNanos = System.nanoTime();
        readyEpoch = context.epoch();
        problem = "";
        setState(GatekeeperState.RUNNING, "promotion, epoch " + context.epoch());
        return null;
    }

    private String promotionFailed(Settings s, String why) {
        problem = why;
        master = false;
        HealthTracker.Verdict verdict = tracker.onStartFailure();
        nextAttemptNanos = System.nanoTime() + verdict.delay().toNanos();
        if (s.standby() == Standby.COLD) {
            // Never leave a half-started gatekeeper behind on a node that is not master.
            wanted = false;
            restartPending = false;
            stopQuietly("promotion failed");
        } else {
            restartPending = true;
        }
        setState(GatekeeperState.FAILED, why);
        return why;
    }

    @Override
    public void standDown(RoleContext context) {
        synchronized (lock) {
            Settings s = settings;
            if (s == null || !s.managed()) {
                return;
            }
            master = false;
            environment = environment(context);
            if (s.standby() == Standby.COLD) {
                long began = System.nanoTime();
                wanted = false;
                restartPending = false;
                stopQuietly("stand down, epoch " + context.epoch());
                if (state == GatekeeperState.FAILED) {
                    // It failed while master: it stays failed (out of the election) until its back-off
                    // has passed, as after a failed promotion.
                    nextAttemptNanos = System.nanoTime() + tracker.onStartFailure().delay().toNanos();
                } else {
                    tracker.reset();
                    setState(GatekeeperState.STOPPED, "cold standby: stood down, epoch " + context.epoch());
                }
                LOG.info("Gatekeeper stopped on stand-down: node {}, epoch {}, {} ms", context.node(), context.epoch(),
                        Duration.ofNanos(System.nanoTime() - began).toMillis());
            } else {
                LOG.info("Gatekeeper keeps running on stand-down (warm standby): node {}, epoch {}", context.node(),
                        context.epoch());
            }
        }
        afterLock();
    }

    @Override
    public String configDigest() {
        return digest;
    }

    @Override
    public void setHealthListener(Runnable onHealthChange) {
        healthListener = onHealthChange == null ? () -> { } : onHealthChange;
    }

    // ---- ConfigMirror ----

    @Override
    public boolean enabled() {
        Settings s = settings;
        return s != null && s.mirrorEnabled();
    }

    @Override
    public String digest() {
        return digest;
    }

    @Override
    public List<String> localChanges() {
        return localChanges;
    }

    /** The files sent become this node's reference: an edit after it is a change of the master's own. */
    @Override
    public ConfigSnapshot snapshot() throws MirrorException {
        synchronized (lock) {
            ConfigSnapshot taken;
            try {
                taken = mirrored.snapshot();
            } catch (IOException e) {
                throw new MirrorException("mirror.paths: cannot read the declared files: " + e.getMessage(), e);
            }
            baseline = manifestOf(taken);
            fingerprint = null;
            refreshDigest();
            return taken;
        }
    }

    @Override
    public void apply(ConfigSnapshot snapshot) throws MirrorException {
        synchronized (lock) {
            if (settings == null || !settings.mirrorEnabled()) {
                throw new MirrorException("mirror.enabled is false on this node: snapshot refused, nothing written");
            }
            fingerprint = null;
            refreshDigest();
            if (!settings.mirrorOverwriteLocal() && !localChanges.isEmpty() && !snapshot.digest().equals(digest)) {
                throw new MirrorException("mirror.overwrite.local is false and " + String.join(", ", localChanges)
                        + " changed here since the last snapshot; nothing written");
            }
            boolean changed = mirrored.apply(snapshot);
            baseline = manifestOf(snapshot);
            fingerprint = null;
            refreshDigest();
            if (!changed) {
                return;
            }
            LOG.info("Mirrored configuration applied: {} files, digest {}", snapshot.files().size(), snapshot.digest());
            if (driver != null && wanted && !restartPending) {
                try {
                    driver.reload(environment);
                    LOG.info("Gatekeeper reloaded after a configuration change");
                } catch (DriverException e) {
                    throw new MirrorException("configuration written, but the reload failed: " + e.getMessage(), e);
                }
            }
        }
    }

    // ---- supervision ----

    private void monitor() {
        try {
            synchronized (lock) {
                monitorLocked();
            }
            afterLock();
        } catch (RuntimeException e) {
            LOG.error("Gatekeeper supervision failed; it goes on at the next interval", e);
        }
    }

    private void monitorLocked() {
        if (settings == null || driver == null) {
            return;
        }
        long now = System.nanoTime();
        if (!wanted) {
            if (state == GatekeeperState.FAILED && now - nextAttemptNanos >= 0) {
                // Cold standby after a failed promotion: eligible again once the back-off is over.
                problem = "";
                setState(GatekeeperState.STOPPED, "back-off after the failed start is over");
            }
            return;
        }
        if (restartPending) {
            if (now - nextAttemptNanos < 0) {
                return;
            }
            restartPending = false;
            stopQuietly("before restart");
            try {
                driver.start(environment);
            } catch (DriverException e) {
                problem = e.getMessage();
                LOG.error("Gatekeeper start failed: {}", e.getMessage());
                handle(tracker.onStartFailure(), e.getMessage());
            }
            return;
        }
        ProbeResult result = driver.probe();
        if (result.healthy()) {
            HealthTracker.Verdict verdict = tracker.onSuccess();
            if (verdict.action() == HealthTracker.Action.RECOVERED) {
                problem = "";
                setState(GatekeeperState.RUNNING, "recovered: " + result.detail());
            } else if (state == GatekeeperState.STARTING && !tracker.failed()) {
                setState(GatekeeperState.RUNNING, result.detail());
            }
        } else {
            LOG.debug("Gatekeeper probe failed: {}", result.detail());
            handle(tracker.onFailure(result.processGone()), result.detail());
        }
    }

    private void handle(HealthTracker.Verdict verdict, String detail) {
        switch (verdict.action()) {
            case RESTART -> {
                LOG.warn("Gatekeeper unhealthy ({}); restarting in {} ms", detail, verdict.delay().toMillis());
                if (state != GatekeeperState.FAILED) {
                    setState(GatekeeperState.STARTING, "restart: " + detail);
                }
                restartPending = true;
                nextAttemptNanos = System.nanoTime() + verdict.delay().toNanos();
            }
            case FAULT -> {
                problem = "gatekeeper failed after " + settings.restartAttempts() + " restarts (restart.attempts): " + detail;
                setState(GatekeeperState.FAILED, problem);
                restartPending = true;
                nextAttemptNanos = System.nanoTime() + verdict.delay().toNanos();
            }
            default -> {
                // Below the failure threshold: wait for the next probe.
            }
        }
    }

    // ---- helpers ----

    private void setState(GatekeeperState next, String why) {
        GatekeeperState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        if (next == GatekeeperState.FAILED) {
            LOG.error("Gatekeeper state {} -> {}: {}", previous.label(), next.label(), why);
        } else {
            LOG.info("Gatekeeper state {} -> {}: {}", previous.label(), next.label(), why);
        }
        if (previous.healthy() != next.healthy()) {
            notifyPending = true;
        }
    }

    /** Tells the guardian about a health change, outside the lock so that it may call back. */
    private void afterLock() {
        boolean fire;
        synchronized (lock) {
            fire = notifyPending;
            notifyPending = false;
        }
        if (fire) {
            try {
                healthListener.run();
            } catch (RuntimeException e) {
                LOG.error("The gatekeeper health listener failed", e);
            }
        }
    }

    private void stopQuietly(String why) {
        if (driver == null) {
            return;
        }
        try {
            driver.stop();
        } catch (DriverException e) {
            LOG.error("Stopping the gatekeeper ({}) failed: {}", why, e.getMessage());
        }
    }

    private void refreshDigestLocked() {
        synchronized (lock) {
            refreshDigest();
        }
    }

    /** Reads the files again only when their fingerprint changed, so that a node at rest reads nothing. */
    private void refreshDigest() {
        try {
            String now = mirrored.fingerprint();
            if (now.equals(fingerprint)) {
                return;
            }
            TreeMap<String, String> manifest = mirrored.manifest();
            String next = mirrored.isEmpty() ? "" : MirroredFiles.combine(manifest);
            if (!next.equals(digest)) {
                LOG.info("Mirrored configuration digest is now {}", next.isEmpty() ? "(nothing mirrored)" : next);
            }
            if (baseline == null) {
                baseline = manifest;
            }
            digest = next;
            localChanges = differences(baseline, manifest);
            fingerprint = now;
        } catch (IOException e) {
            if (fingerprint == null || !fingerprint.isEmpty()) {
                LOG.warn("Cannot compute the mirrored configuration digest: {}", e.getMessage());
            }
            digest = "";
            fingerprint = "";
        }
    }

    /** Paths added, changed or removed from {@code before} to {@code after}, sorted. */
    static List<String> differences(Map<String, String> before, Map<String, String> after) {
        java.util.TreeSet<String> changed = new java.util.TreeSet<>();
        before.forEach((path, sha) -> {
            if (!sha.equals(after.get(path))) {
                changed.add(path);
            }
        });
        after.keySet().stream().filter(path -> !before.containsKey(path)).forEach(changed::add);
        return List.copyOf(changed);
    }

    private static TreeMap<String, String> manifestOf(ConfigSnapshot snapshot) {
        TreeMap<String, String> manifest = new TreeMap<>();
        snapshot.files().forEach(f -> manifest.put(f.path(), f.sha256()));
        return manifest;
    }

    Map<String, String> environment(RoleContext context) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ENV_ROLE, context.role().label());
        env.put(ENV_EPOCH, Long.toString(context.epoch()));
        env.put(ENV_VIPS, context.vips().stream().map(VipAddress::cidr).collect(Collectors.joining(",")));
        env.put(ENV_NODE, nodeName(settings, context.node()));
        return Map.copyOf(env);
    }

    private static String nodeName(Settings s, String fromContext) {
        if (fromContext != null && !fromContext.isEmpty()) {
            return fromContext;
        }
        if (s != null && !s.nodeName().isEmpty()) {
            return s.nodeName();
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

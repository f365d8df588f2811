package org.gkguardian.ipbinding.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipControl;
import org.gkguardian.api.VipStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIPs of this node. Immediate: as soon as the bundle starts it removes what a previous run may
 * have left bound, so that the guardian never joins the cluster holding a VIP. While bound it re-announces the VIPs
 * periodically. On deactivation and on JVM shutdown it releases them. A release that cannot be verified is
 * retried with back-off and reported by {@link #releaseProblem()} until it takes. The VIP interfaces are watched
 * by an {@link AddressWatch}, so {@link #status()} answers from memory.
 *
 * <p>Without a valid configuration the component is inert: it binds nothing, and bind() refuses with
 * the configuration problem so that the node stays out of the master role. With no VIP configured,
 * bind/release/announce do nothing.
 */
@Component(name = "org.gkguardian.ipbinding", service = VipControl.class, immediate = true,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IpBindingConfig.class)
public class IpBinding implements VipControl {
    private static final Logger LOG = LoggerFactory.getLogger(IpBinding.class);
    static final long FIRST_RELEASE_RETRY_MS = 100;
    static final long MAX_RELEASE_RETRY_MS = 5_000;

    private final CommandRunner runner;
    /** ARP from the JVM, for every configuration this component gets; empty in tests that play the network. */
    private final Optional<SocketArpTool> socketArp;
    private final ScheduledExecutorService executor;
    private final Thread shutdownHook;
    // Read without the lock by configured() and status(), so that a bind in progress never blocks them.
    private volatile VipBinder binder;
    private AddressWatch watch;
    private String problem = "";
    private boolean bound;
    private final List<ScheduledFuture<?>> burst = new ArrayList<>();
    private ScheduledFuture<?> refresh;
    private volatile Optional<String> releaseProblem = Optional.empty();
    private ScheduledFuture<?> releaseRetry;
    private int releaseAttempts;
    private volatile VipBinder.BindTimes lastBindTimes;
    private volatile WatchdogKeepAlive watchdog;
    /** What the keep-alive is told before it may ask its launcher for the idle timeout: see {@link #settleVips}. */
    private volatile boolean vipsMayBeBound = true;
    private Optional<VipBinder.EarlyProbe> earlyProbe = Optional.empty();
    /** How soon a check ahead that found a holder starts again. */
    static final Duration PROBE_AHEAD_AGAIN_AFTER = Duration.ofMillis(5);
    /** How long a check ahead keeps starting again while it finds a holder; a bind after that checks by itself. */
    static final Duration PROBE_AHEAD_AGAIN_FOR = Duration.ofSeconds(2);

    @Activate
    public IpBinding(IpBindingConfig config, Map<String, Object> properties) {
        this(config, properties, addressesThroughNetlink(new ProcessCommandRunner()), Optional.of(new SocketArpTool()));
    }

    /** Routing netlink where this JVM can use it, so that a bind or a release starts no process; ip otherwise. */
    private static CommandRunner addressesThroughNetlink(CommandRunner processes) {
        NetlinkRoute.Result<NetlinkRoute> route;
        try {
            route = NetlinkRoute.open();
        } catch (LinkageError e) {
            // JNA is an optional import: without its bundle even the class may not link.
            route = NetlinkRoute.Result.failed("JNA is not available: " + e);
        }
        if (route.value().isEmpty()) {
            LOG.info("VIPs are added, removed and read with the ip program: {}", route.problem());
            return processes;
        }
        return new NetlinkAddresses(route.value().get(), processes);
    }

    IpBinding(IpBindingConfig config, CommandRunner runner) {
        this(config, Map.of(), runner, Optional.empty());
    }

    IpBinding(IpBindingConfig config, Map<String, ?> properties, CommandRunner runner) {
        this(config, properties, runner, Optional.empty());
    }

    IpBinding(IpBindingConfig config, Map<String, ?> properties, CommandRunner runner,
            Optional<SocketArpTool> socketArp) {
        this.runner = runner;
        this.socketArp = socketArp;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gkg-ipbinding");
            thread.setDaemon(true);
            return thread;
        });
        synchronized (this) {
            apply(config, properties);
            if (binder != null) {
                releaseOrRetry("at start-up");
            }
            settleVips();
        }
        this.shutdownHook = new Thread(this::releaseAtShutdown, "gkg-ipbinding-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    static Path defaultStateFile() {
        return Path.of(System.getProperty("karaf.data", "data"), "ipbinding", "bound-vips");
    }

    /** Validates; on success a new binder with its own address watch replaces the old one (stopped by the caller). */
    private boolean apply(IpBindingConfig config, Map<String, ?> properties) {
        try {
            VipSettings settings = ConfigValidator.validate(config, properties, defaultStateFile());
            AddressWatch newWatch = new AddressWatch(
                    settings.vips().stream().map(VipAddress::interfaceName).distinct().toList(), settings, runner,
                    runner instanceof AddressWatch.Reader reader ? reader : null, executor);
            newWatch.start();
            VipBinder newBinder = new VipBinder(settings, runner, newWatch, socketArp);
            newBinder.detectArping();
            watch = newWatch;
            binder = newBinder;
            problem = "";
            LOG.info("VIP binding configured: {} (state file {})",
                    settings.vips().isEmpty() ? "no VIP" : settings.vips(), settings.stateFile());
            return true;
        } catch (ConfigException e) {
            problem = "invalid configuration: " + e.getMessage();
            if (binder == null) {
                LOG.error("VIP binding has no valid configuration and stays inert: {}", e.getMessage());
            } else {
                LOG.error("VIP binding keeps its last good configuration: {}", e.getMessage());
            }
            return false;
        }
    }

    /** Outside OSGi (tests): a typed configuration without raw values. */
    void modified(IpBindingConfig config) {
        reconfigure(config, Map.of());
    }

    /** Named apart from {@link #modified}: DS picks a modified method by name, and an overload would be ambiguous. */
    @Modified
    synchronized void reconfigure(IpBindingConfig config, Map<String, ?> properties) {
        VipBinder previous = binder;
        AddressWatch previousWatch = watch;
        boolean wasBound = bound;
        if (!apply(config, properties)) {
            return;
        }
        cancelReleaseRetry();
        if (previous == null) {
            // The first valid configuration: clean up as activation would have.
            releaseOrRetry("at the first valid configuration");
        } else if (!previous.vips().equals(binder.vips())) {
            stopAnnouncing();
            previous.release();
            bound = false;
            if (wasBound) {
                try {
                    bindNow(false);
                } catch (VipException e) {
                    LOG.error("Could not bind the newly configured VIPs: {}", e.getMessage());
                }
            }
        }
        if (previousWatch != null) {
            previousWatch.stop();
        }
        settleVips();
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or will run; it releases as well.
        }
        synchronized (this) {
            earlyProbe.ifPresent(VipBinder.EarlyProbe::stop);
            stopAnnouncing();
            cancelReleaseRetry();
            if (binder != null) {
                binder.release();
            }
            bound = false;
            // From here on nothing tells the keep-alive about the VIPs: it must not count on their absence.
            tellWatchdog(true);
            if (watch != null) {
                watch.stop();
            }
        }
        socketArp.ifPresent(SocketArpTool::close);
        executor.shutdownNow();
    }

    private void releaseAtShutdown() {
        // Not synchronized: a bind stuck in a command must not keep the VIP through shutdown.
        VipBinder current = binder;
        if (current != null && !current.vips().isEmpty()) {
            current.release();
        }
    }

    @Override
    public List<VipAddress> configured() {
        VipBinder current = binder;
        return current == null ? List.of() : current.vips();
    }

    @Override
    public synchronized void bind(RoleContext context) throws VipException {
        bind(context, false);
    }

    @Override
    public synchronized void bindHandedOver(RoleContext context) throws VipException {
        bind(context, true);
    }

    private void bind(RoleContext context, boolean handedOver) throws VipException {
        if (binder == null) {
            throw new VipException("VIP binding is not configured: " + problem, false);
        }
        if (binder.vips().isEmpty()) {
            return;
        }
        // Binding supersedes a release still being retried: the VIP is wanted here now.
        cancelReleaseRetry();
        // The launcher must know the candidate's watchdog limit before the address is there, not one beat later.
        tellWatchdog(true);
        WatchdogKeepAlive keepAlive = watchdog;
        if (keepAlive != null) {
            keepAlive.beatNow();
        }
        VipBinder.BindTimes times = bindNow(handedOver);
        LOG.info("VIPs {} bound and announced for node {} epoch {} in {} ms ({}{})", binder.vips(),
                context == null ? "?" : context.node(), context == null ? -1 : context.epoch(), times.totalMs(), times,
                handedOver ? "; handed over by the previous master, no duplicate address check" : "");
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setWatchdog(WatchdogKeepAlive keepAlive) {
        watchdog = keepAlive;
        keepAlive.vipsMayBeBound(vipsMayBeBound);
    }

    /**
     * Tells the keep-alive whether a VIP may be bound here: one is bound, its release is not verified yet, or the
     * configuration is not known (no valid one). Called with this object's lock held, after every change of these.
     */
    private void settleVips() {
        tellWatchdog(binder == null || bound || releaseRetry != null);
    }

    private void tellWatchdog(boolean mayBeBound) {
        // Written before the reference is read, as setWatchdog writes the reference before it reads this: whichever
        // runs second tells the keep-alive the newest value.
        vipsMayBeBound = mayBeBound;
        WatchdogKeepAlive keepAlive = watchdog;
        if (keepAlive != null) {
            keepAlive.vipsMayBeBound(mayBeBound);
        }
    }

    void unsetWatchdog(WatchdogKeepAlive keepAlive) {
        if (watchdog == keepAlive) {
            watchdog = null;
        }
    }

    /** The phases of the last successful bind. */
    VipBinder.BindTimes lastBindTimes() {
        return lastBindTimes;
    }

    private VipBinder.BindTimes bindNow(boolean handedOver) throws VipException {
        stopAnnouncing();
        Optional<VipBinder.EarlyProbe> early = earlyProbe;
        earlyProbe = Optional.empty();
        VipBinder.BindTimes times = handedOver ? binder.bindHandedOver(early) : binder.bind(early);
        lastBindTimes = times;
        bound = true;
        startAnnouncing(binderSettings().garpCount() - 1);
        return times;
    }

    /** The probe window and what the ARP tool takes around it (an arping process ~100 ms, the socket next to nothing). */
    @Override
    public Duration probeTime() {
        VipBinder current = binder;
        return current == null ? Duration.ZERO : current.probeTime();
    }

    @Override
    public synchronized void probeAhead() {
        startProbeAhead(System.nanoTime() + PROBE_AHEAD_AGAIN_FOR.toNanos());
    }

    /**
     * A check ahead that finds a holder starts again shortly, until it finds nobody: the holder is usually the dead
     * master's launcher, about to release. The bind then waits for the rest of the newest check's window from the
     * release on, not for a whole new check from the bind on.
     */
    private void startProbeAhead(long againUntilNanos) {
        earlyProbe.ifPresent(VipBinder.EarlyProbe::stop);
        earlyProbe = binder == null || bound ? Optional.empty() : binder.startProbe();
        earlyProbe.ifPresent(probe -> probe.running().values().forEach(check -> check.outcome().thenAccept(outcome -> {
            if (outcome == Arping.Probe.TAKEN && System.nanoTime() < againUntilNanos) {
                try {
                    executor.schedule(() -> probeAheadAgain(probe, againUntilNanos), PROBE_AHEAD_AGAIN_AFTER.toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shuttingDown) {
                    // deactivated meanwhile
                }
            }
        })));
    }

    /** Only while the check that found the holder is still the one a bind would take (not bound, not superseded). */
    private synchronized void probeAheadAgain(VipBinder.EarlyProbe found, long againUntilNanos) {
        if (!bound && earlyProbe.isPresent() && earlyProbe.get() == found) {
            LOG.debug("The check ahead found a holder of {}; checking again", found.vips());
            startProbeAhead(againUntilNanos);
        }
    }

    @Override
    public synchronized void release() {
        earlyProbe.ifPresent(VipBinder.EarlyProbe::stop);
        earlyProbe = Optional.empty();
        stopAnnouncing();
        bound = false;
        if (binder != null && !binder.vips().isEmpty()) {
            cancelReleaseRetry();
            long started = System.nanoTime();
            boolean verified = releaseOrRetry("");
            LOG.info("VIPs {} released ({}) in {} ms", binder.vips(), verified ? "verified" : "NOT verified, retrying",
                    (System.nanoTime() - started) / 1_000_000);
        }
        settleVips();
    }

    @Override
    public Optional<String> releaseProblem() {
        return releaseProblem;
    }

    /** Releases; when that cannot be verified, says so and retries with back-off until it can. */
    private boolean releaseOrRetry(String when) {
        if (binder.release()) {
            if (releaseProblem.isPresent()) {
                LOG.info("VIP release verified after {} attempts", releaseAttempts + 1);
            }
            releaseProblem = Optional.empty();
            releaseAttempts = 0;
            return true;
        }
        String detail = binder.status().stream().filter(s -> !s.detail().isEmpty())
                .map(s -> s.vip() + ": " + s.detail()).reduce((a, b) -> a + "; " + b).orElse("see the log");
        if (releaseProblem.isEmpty()) {
            LOG.error("Could not verify the release of the VIPs {}{} ({}); retrying with back-off until it takes",
                    binder.vips(), when.isEmpty() ? "" : " " + when, detail);
        }
        releaseAttempts++;
        long delay = Math.min(MAX_RELEASE_RETRY_MS, FIRST_RELEASE_RETRY_MS << Math.min(16, releaseAttempts - 1));
        releaseProblem = Optional.of("VIP release not verified after " + releaseAttempts + " attempt"
                + (releaseAttempts == 1 ? "" : "s") + " (" + detail + "); retrying in " + delay + " ms");
        releaseRetry = executor.schedule(this::retryRelease, delay, TimeUnit.MILLISECONDS);
        return false;
    }

    private synchronized void retryRelease() {
        if (releaseRetry == null || bound || binder == null) {
            return;
        }
        releaseRetry = null;
        LOG.debug("Retrying the release of the VIPs {} (attempt {})", binder.vips(), releaseAttempts + 1);
        releaseOrRetry("");
        settleVips();
    }

    private void cancelReleaseRetry() {
        if (releaseRetry != null) {
            releaseRetry.cancel(false);
            releaseRetry = null;
        }
        releaseProblem = Optional.empty();
        releaseAttempts = 0;
    }

    @Override
    public synchronized void announce() {
        if (bound && binder != null) {
            stopAnnouncing();
            binder.announce();
            startAnnouncing(binderSettings().garpCount() - 1);
        }
    }

    @Override
    public List<VipStatus> status() {
        VipBinder current = binder;
        return current == null ? List.of() : current.status();
    }

    private VipSettings binderSettings() {
        return binder.settings();
    }

    /** The rest of the burst after the first announcement, then the periodic refresh. */
    private void startAnnouncing(int remaining) {
        VipSettings settings = binderSettings();
        long interval = settings.garpInterval().toMillis();
        for (int i = 1; i <= remaining; i++) {
            burst.add(executor.schedule(this::announceOnce, i * interval, TimeUnit.MILLISECONDS));
        }
        long refreshSeconds = settings.refreshInterval().toSeconds();
        if (refreshSeconds > 0) {
            refresh = executor.scheduleWithFixedDelay(this::refresh, refreshSeconds, refreshSeconds, TimeUnit.SECONDS);
        }
    }

    private synchronized void announceOnce() {
        if (bound) {
            binder.announce();
        }
    }

    private synchronized void refresh() {
        if (!bound) {
            return;
        }
        if (!binder.allBound()) {
            LOG.error("A bound VIP is no longer on its interface: {}", binder.status());
        }
        binder.announce();
    }

    private void stopAnnouncing() {
        burst.forEach(f -> f.cancel(false));
        burst.clear();
        if (refresh != null) {
            refresh.cancel(false);
            refresh = null;
        }
    }
}

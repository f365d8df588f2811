package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gkguardian.api.Guardian;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the keep-alives of {@link KeepAlive} from its own thread, so that a VIP command that takes a
 * while never delays them; only a stopped or stuck JVM does. A failure is logged once, not per beat. A service only
 * for {@link IpBinding} in this bundle, which asks for one keep-alive right before it binds.
 */
@Component(name = "org.gkguardian.ipbinding.watchdog", service = WatchdogKeepAlive.class, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public class WatchdogKeepAlive {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogKeepAlive.class);

    private static final long BEAT_NOW_WAIT_MS = 100;

    private final ScheduledExecutorService executor;
    private final Optional<KeepAlive> launcher;
    private boolean failing;
    private volatile Guardian guardian;
    private boolean withheld;
    /** The launcher's keep-alive interval. */
    private final Duration interval;
    /** The launcher's watchdog timeout for a node with no VIP bound, if it offers one. */
    private final Optional<Duration> idle;
    /**
     * False once {@link IpBinding} said that no VIP is bound here and none is being released; until it says so (or
     * without it) the keep-alives never ask for the idle timeout.
     */
    private volatile boolean vipsMayBeBound = true;
    /** The next keep-alive of the chain; read and written on the keep-alive thread only. */
    private ScheduledFuture<?> nextBeat;

    @Activate
    public WatchdogKeepAlive() {
        KeepAlive.Plan plan = readPlan();
        interval = plan.interval();
        idle = plan.idle();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gkg-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        launcher = plan.fifo().map(fifo -> new KeepAlive(fifo, ProcessHandle.current().pid()));
        if (!plan.any()) {
            LOG.info("No watchdog asked for keep-alives (GKG_WATCHDOG_FIFO, systemd WATCHDOG_USEC)");
            return;
        }
        launcher.ifPresent(keepAlive -> {
            executor.execute(() -> beatAndRearm(keepAlive, plan.interval()));
            LOG.info("Watchdog keep-alives to {} every {} ms (more often while master, as its lease needs{})",
                    plan.fifo().get(), plan.interval().toMillis(), idle.map(i -> "; every " + idleBeatMillis(interval, i)
                            + " ms while no VIP is bound here, within the launcher's idle timeout of " + i.toMillis()
                            + " ms").orElse(""));
        });
        plan.systemdInterval().ifPresent(every -> {
            ProcessCommandRunner runner = new ProcessCommandRunner();
            executor.scheduleAtFixedRate(() -> {
                if (!guardianProgressing()) {
                    return;
                }
                try {
                    CommandRunner.Result result = runner.run(KeepAlive.systemdNotify(), Duration.ofSeconds(2));
                    if (!result.ok()) {
                        LOG.warn("systemd-notify WATCHDOG=1 failed: {}", result.problem());
                    }
                } catch (IOException e) {
                    LOG.warn("Cannot run systemd-notify: {}", e.getMessage());
                }
            }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("systemd watchdog keep-alives every {} ms", every.toMillis());
        });
    }

    /**
     * Keep-alives follow the guardian's role thread: one that has not finished a step within its lease no longer
     * enforces the lease, so the launcher must kill this JVM and release the VIP rather than let it keep it.
     */
    boolean guardianProgressing() {
        Guardian g = guardian;
        boolean progressing = g == null || g.progressing();
        if (!progressing && !withheld) {
            withheld = true;
            LOG.error("The guardian's role thread has not finished a step within its lease: keep-alives withheld, "
                    + "so that the watchdog kills this JVM and its VIP is released");
        } else if (progressing && withheld) {
            withheld = false;
            LOG.warn("The guardian's role thread runs again: keep-alives resume");
        }
        return progressing;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setGuardian(Guardian g) {
        guardian = g;
    }

    void unsetGuardian(Guardian g) {
        if (guardian == g) {
            guardian = null;
        }
    }

    /**
     * Whether a VIP may be bound on this node (bound, or its release not verified yet): {@link IpBinding} says so
     * before it binds and after each release. Only a node without one may ask its launcher for the idle timeout: a
     * stalled JVM that holds no VIP keeps nothing from the next master, and a backup that writes five keep-alives a
     * second for a timeout that protects nothing costs its board for nothing.
     */
    void vipsMayBeBound(boolean mayBe) {
        vipsMayBeBound = mayBe;
    }

    boolean vipsMayBeBound() {
        return vipsMayBeBound;
    }

    /**
     * One keep-alive, then the next one scheduled: at the launcher's interval, or, while the guardian asks for a
     * tighter watchdog limit (a master whose lease leaves the launcher little time), five times within that limit, or,
     * while no VIP is bound here and the launcher offers an idle timeout, five times within that.
     */
    private void beatAndRearm(KeepAlive keepAlive, Duration interval) {
        long next = interval.toMillis();
        try {
            next = beat(keepAlive);
        } finally {
            try {
                nextBeat = executor.schedule(() -> beatAndRearm(keepAlive, interval), next, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // Deactivated: no more keep-alives.
            }
        }
    }

    /**
     * One keep-alive now, from the keep-alive thread, waited for briefly: called before a bind, so that the launcher
     * has the candidate's tighter limit before the VIP is on the interface. The next one is then due within that limit
     * too: the one scheduled at a backup's interval (200 ms) would come after the launcher's tighter limit (100 ms in
     * the fast profile) had run out, and the launcher would kill the new master.
     */
    void beatNow() {
        KeepAlive keepAlive = launcher.orElse(null);
        if (keepAlive == null) {
            return;
        }
        try {
            executor.submit(() -> {
                ScheduledFuture<?> pending = nextBeat;
                if (pending != null) {
                    pending.cancel(false);
                }
                beatAndRearm(keepAlive, interval);
            }).get(BEAT_NOW_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            LOG.debug("The keep-alive before the bind did not go out at once: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long nextBeatMillis(Duration interval, Optional<Duration> limit) {
        long every = interval.toMillis();
        return limit.map(l -> Math.max(4, Math.min(every, l.toMillis() / 5))).orElse(every);
    }

    static long idleBeatMillis(Duration interval, Duration idle) {
        return Math.max(interval.toMillis(), idle.toMillis() / 5);
    }

    /** One keep-alive (none while the guardian's role thread is stuck); returns when the next one is due, in ms. */
    private long beat(KeepAlive keepAlive) {
        Guardian g = guardian;
        Optional<Duration> limit = g == null ? Optional.empty() : g.watchdogLimit();
        boolean askIdle = limit.isEmpty() && idle.isPresent() && !vipsMayBeBound;
        long next = askIdle ? idleBeatMillis(interval, idle.get()) : nextBeatMillis(interval, limit);
        if (!guardianProgressing()) {
            return next;
        }
        try {
            if (askIdle) {
                keepAlive.beatIdle();
            } else {
                keepAlive.beat(limit);
            }
            if (failing) {
                failing = false;
                LOG.info("Watchdog keep-alives flow again");
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Cannot send the watchdog keep-alive: {} (logged once until it works again)", e.toString());
            }
        }
        return next;
    }

    private static KeepAlive.Plan readPlan() {
        try {
            return KeepAlive.plan(System::getProperty, System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("Watchdog keep-alives are off: {}", e.getMessage());
            return new KeepAlive.Plan(Optional.empty(), KeepAlive.DEFAULT_INTERVAL, Optional.empty(), Optional.empty());
        }
    }

    @Deactivate
    void deactivate() {
        // The FIFO is closed on the thread that writes it; a thread still waiting to open it is left alone.
        launcher.ifPresent(keepAlive -> executor.execute(keepAlive::close));
        executor.shutdown();
        try {
            if (!executor.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

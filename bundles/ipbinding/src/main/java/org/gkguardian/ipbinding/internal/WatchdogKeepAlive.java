package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the keep-alives of {@link KeepAlive} from its own thread, so that a VIP command that takes a
 * while never delays them; only a stopped or stuck JVM does.
 */
@Component(name = "org.gkguardian.ipbinding.watchdog", service = {}, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public class WatchdogKeepAlive {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogKeepAlive.class);

    private final ScheduledExecutorService executor;

    @Activate
    public WatchdogKeepAlive() {
        KeepAlive.Plan plan = readPlan();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gkg-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        if (!plan.any()) {
            LOG.info("No watchdog asked for keep-alives (GKG_WATCHDOG_FILE, systemd WATCHDOG_USEC)");
            return;
        }
        plan.file().ifPresent(file -> {
            KeepAlive keepAlive = new KeepAlive(file, ProcessHandle.current().pid());
            long every = plan.interval().toMillis();
            executor.scheduleAtFixedRate(() -> {
                try {
                    keepAlive.beat();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Cannot write the watchdog keep-alive {}: {}", file, e.toString());
                }
            }, 0, every, TimeUnit.MILLISECONDS);
            LOG.info("Watchdog keep-alives to {} every {} ms", file, every);
        });
        plan.systemdInterval().ifPresent(every -> {
            ProcessCommandRunner runner = new ProcessCommandRunner();
            executor.scheduleAtFixedRate(() -> {
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

    private static KeepAlive.Plan readPlan() {
        try {
            return KeepAlive.plan(System::getProperty, System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("Watchdog keep-alives are off: {}", e.getMessage());
            return new KeepAlive.Plan(Optional.empty(), KeepAlive.DEFAULT_INTERVAL, Optional.empty());
        }
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }
}

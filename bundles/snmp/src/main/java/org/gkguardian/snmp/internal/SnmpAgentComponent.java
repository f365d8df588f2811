package org.gkguardian.snmp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.gkguardian.api.Guardian;
import org.gkguardian.api.MirrorControl;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.GuardianListener;
import org.gkguardian.api.RoleTransition;
import org.gkguardian.api.VipStatus;
import org.osgi.framework.BundleContext;
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
 * The SNMP agent of one node: serves GK-GUARDIAN-MIB read live from the {@link Guardian}, submits
 * SETs to it, and turns every event it publishes into notifications.
 */
@Component(name = "org.gkguardian.snmp", service = GuardianListener.class, immediate = true,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SnmpAgentConfig.class)
public class SnmpAgentComponent implements GuardianListener {

    private static final Logger LOG = LoggerFactory.getLogger(SnmpAgentComponent.class);
    private static final long VIP_CHECK_SECONDS = 2;

    private final Guardian guardian;
    private volatile MirrorControl mirror;
    private final Path engineBootsFile;
    private final List<Path> legacyBootsFiles;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    private AgentSettings current;
    private AgentEngine engine;
    private volatile String problem = "";

    @Activate
    public SnmpAgentComponent(@Reference Guardian guardian, BundleContext context, SnmpAgentConfig config,
            Map<String, Object> properties) {
        this(guardian, EngineBoots.defaultFile().orElseGet(() -> dataFile(context, "snmp-engine-boots")),
                Optional.ofNullable(dataFile(context, "snmp-engine-boots")).stream().toList(), Clock.systemUTC(), config,
                properties);
    }

    /** The bundle's data area: where the count was kept before; it is lost when the bundle cache is cleaned. */
    private static Path dataFile(BundleContext context, String name) {
        java.io.File file = context.getDataFile(name);
        return file == null ? null : file.toPath();
    }

    SnmpAgentComponent(Guardian guardian, Path engineBootsFile, Clock clock, SnmpAgentConfig config) {
        this(guardian, engineBootsFile, List.of(), clock, config, Map.of());
    }

    SnmpAgentComponent(Guardian guardian, Path engineBootsFile, Clock clock, SnmpAgentConfig config,
            Map<String, ?> properties) {
        this(guardian, engineBootsFile, List.of(), clock, config, properties);
    }

    /** @param legacyBootsFiles earlier places of the boots count, read so that it never goes backwards */
    SnmpAgentComponent(Guardian guardian, Path engineBootsFile, List<Path> legacyBootsFiles, Clock clock,
            SnmpAgentConfig config, Map<String, ?> properties) {
        this.guardian = guardian;
        this.engineBootsFile = engineBootsFile;
        this.legacyBootsFiles = legacyBootsFiles.stream().filter(p -> !p.equals(engineBootsFile)).toList();
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gkg-snmp");
            t.setDaemon(true);
            return t;
        });
        apply(config, properties);
        executor.scheduleWithFixedDelay(this::checkVips, VIP_CHECK_SECONDS, VIP_CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /** Configuration mirroring, for gkgMirrorTable and the mirrorPush action; without it both are empty or refused. */
    @Reference(name = "mirrorControl", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetMirrorControl")
    void setMirrorControl(MirrorControl control) {
        mirror = control;
    }

    void unsetMirrorControl(MirrorControl control) {
        if (mirror == control) {
            mirror = null;
        }
    }

    /** The raw properties are checked too: DS turns a value that is not of its key's type into the default. */
    @Modified
    void modified(SnmpAgentConfig config, Map<String, ?> properties) {
        apply(config, properties);
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
        synchronized (this) {
            if (engine != null) {
                engine.close();
                engine = null;
            }
        }
        LOG.info("SNMP agent stopped");
    }

    /** The configuration problem that keeps the agent inert or on its last good configuration, or empty. */
    String problem() {
        return problem;
    }

    synchronized Optional<AgentEngine> engine() {
        return Optional.ofNullable(engine);
    }

    private synchronized void apply(SnmpAgentConfig config, Map<String, ?> properties) {
        SettingsValidator.Result result = SettingsValidator.validate(config, properties);
        if (!result.valid()) {
            problem = String.join("; ", result.problems());
            for (String p : result.problems()) {
                LOG.error("SNMP agent configuration refused: {}", p);
            }
            if (engine == null) {
                LOG.error("SNMP agent stays inert until it gets a valid configuration");
            } else {
                LOG.error("SNMP agent keeps running on its last good configuration ({})", current);
            }
            return;
        }
        AgentSettings settings = result.settings().orElseThrow();
        if (settings.equals(current) && engine != null) {
            problem = "";
            return;
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
        String node = nodeName();
        byte[] engineId = settings.engineId().orElseGet(() -> AgentEngine.derivedEngineId(node));
        try {
            int boots = engineBootsFile == null ? 1 : EngineBoots.next(engineBootsFile, legacyBootsFiles);
            engine = new AgentEngine(settings, guardian, () -> mirror, engineId, boots, clock, node,
                    "GK Guardian SNMP agent, node " + node);
            current = settings;
            problem = "";
            LOG.info("SNMP agent started, engine ID {}: {}", HexFormat.of().formatHex(engineId), settings);
        } catch (EngineBoots.UnknownBootsException e) {
            problem = e.getMessage();
            LOG.error("SNMP agent cannot start: {}", problem);
            current = null;
        } catch (IOException e) {
            problem = "cannot listen on " + settings.listen() + ": " + e.getMessage();
            LOG.error("SNMP agent cannot start: {}", problem);
            current = null;
        }
        executor.execute(this::checkVips);
    }

    private String nodeName() {
        try {
            return guardian.status().name();
        } catch (RuntimeException e) {
            LOG.warn("The guardian has no node name yet: {}", e.toString());
            return "gk-guardian";
        }
    }

    private void checkVips() {
        try {
            Optional<AgentEngine> running = engine();
            if (running.isPresent()) {
                List<VipStatus> vips = guardian.status().vips();
                Set<InetAddress> bound = vips.stream().filter(VipStatus::bound).map(v -> v.vip().address())
                        .collect(Collectors.toSet());
                running.get().listenOnVips(bound);
            }
        } catch (RuntimeException e) {
            LOG.debug("Checking the VIPs failed: {}", e.toString());
        }
    }

    @Override
    public void roleChanged(RoleTransition transition) {
        executor.execute(this::checkVips);
    }

    @Override
    public void eventRaised(GuardianEvent event) {
        try {
            executor.execute(() -> engine().ifPresent(e -> e.notify(event)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("SNMP agent stopping; {} not sent", event.type().label());
        }
    }
}

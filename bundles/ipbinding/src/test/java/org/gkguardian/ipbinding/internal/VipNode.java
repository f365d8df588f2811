package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gkguardian.api.Guardian;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipControl.VipException;
import org.gkguardian.api.VipStatus;

/**
 * A stand-in guardian for the namespace tests (testbed/tests/vip-failover.sh): the real IpBinding and
 * keep-alive components outside Karaf, steered through files. It polls CONTROL_DIR for files named
 * bind, release, announce, status and exit, deletes each and acts on it, printing one line per result:
 * {@code BOUND took_ms=N dad_ms=N add_ms=N first_announcement_ms=N ...}, {@code CONFLICT message},
 * {@code FAULT message}, {@code RELEASED took_ms=N}, {@code STATUS bound=true|false release_problem=... detail=...}
 * (what VipControl.status() and releaseProblem() say, answered from memory).
 *
 * <pre>java -Dkaraf.data=DATA -cp ... VipNode CFG_FILE CONTROL_DIR</pre>
 */
public final class VipNode {
    private VipNode() {
    }

    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            properties.load(in);
        }
        Path control = Path.of(args[1]);
        Files.createDirectories(control);
        WatchdogKeepAlive keepAlive = new WatchdogKeepAlive();
        // A master asks its launcher for a tighter watchdog (-Dvipnode.master.watchdog.ms): here "master" is
        // "holds the VIP", as nothing else elects.
        AtomicBoolean holding = new AtomicBoolean();
        long masterLimit = Long.getLong("vipnode.master.watchdog.ms", 0);
        if (masterLimit > 0) {
            keepAlive.setGuardian((Guardian) Proxy.newProxyInstance(Guardian.class.getClassLoader(),
                    new Class<?>[] {Guardian.class}, (proxy, method, methodArgs) -> switch (method.getName()) {
                        case "watchdogLimit" -> holding.get() ? Optional.of(Duration.ofMillis(masterLimit))
                                : Optional.empty();
                        case "progressing" -> true;
                        default -> throw new UnsupportedOperationException(method.getName());
                    }));
        }
        IpBinding binding = new IpBinding(Configs.fromProperties(properties), rawValues(properties));
        binding.setWatchdog(keepAlive);
        RoleContext context = new RoleContext("vipnode", Role.MASTER, 1, List.of());
        say("READY");
        while (true) {
            for (String command : List.of("bind", "release", "announce", "status", "exit")) {
                if (!Files.deleteIfExists(control.resolve(command))) {
                    continue;
                }
                long started = System.nanoTime();
                switch (command) {
                    case "bind" -> {
                        try {
                            holding.set(true);
                            binding.bind(context);
                            say("BOUND took_ms=" + (System.nanoTime() - started) / 1_000_000 + " "
                                    + binding.lastBindTimes());
                        } catch (VipException e) {
                            holding.set(false);
                            say((e.conflict() ? "CONFLICT " : "FAULT ") + e.getMessage());
                        }
                    }
                    case "release" -> {
                        holding.set(false);
                        binding.release();
                        say("RELEASED took_ms=" + (System.nanoTime() - started) / 1_000_000);
                    }
                    case "status" -> {
                        List<VipStatus> status = binding.status();
                        say("STATUS bound=" + (!status.isEmpty() && status.stream().allMatch(VipStatus::bound))
                                + " release_problem=" + binding.releaseProblem().orElse("none") + " detail="
                                + status.stream().map(VipStatus::detail).filter(d -> !d.isEmpty()).findFirst().orElse(""));
                    }
                    case "announce" -> {
                        binding.announce();
                        say("ANNOUNCED");
                    }
                    default -> {
                        binding.deactivate();
                        keepAlive.deactivate();
                        say("EXIT");
                        return;
                    }
                }
            }
            Thread.sleep(2);
        }
    }

    private static void say(String line) throws IOException {
        System.out.println(line);
        System.out.flush();
    }

    /** The file's keys and texts, as ConfigAdmin hands them to the component beside the typed configuration. */
    private static java.util.Map<String, Object> rawValues(Properties properties) {
        java.util.Map<String, Object> raw = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(key -> raw.put(key, properties.getProperty(key)));
        return raw;
    }
}

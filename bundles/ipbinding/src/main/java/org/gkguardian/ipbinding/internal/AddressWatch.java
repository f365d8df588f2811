package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of the VIP interfaces, kept in memory so that reading them never forks or blocks. One
 * long-running {@code ip -o monitor address} reports every change as it happens; a full read with
 * {@code ip -j addr show} at start, every {@code address.check.interval.s}, after each of our own changes and
 * whenever the monitor says something unexpected, is the safety net. A monitor that ends is started again
 * with back-off (100 ms doubling to 10 s); the interfaces are read in full every second until it runs again.
 */
public final class AddressWatch {
    private static final Logger LOG = LoggerFactory.getLogger(AddressWatch.class);
    static final Duration FIRST_RESTART = Duration.ofMillis(100);
    static final Duration MAX_RESTART = Duration.ofSeconds(10);
    /** A monitor that ran this long is healthy again: the next restart starts from the first delay. */
    static final Duration HEALTHY_RUN = Duration.ofSeconds(30);
    private static final Duration WHILE_DOWN = Duration.ofSeconds(1);

    /** What is known of one interface: its addresses, or why it cannot be read. */
    public record Known(Optional<InterfaceAddresses> addresses, String problem) {
        static Known of(InterfaceAddresses addresses) {
            return new Known(Optional.of(addresses), "");
        }

        static Known unreadable(String problem) {
            return new Known(Optional.empty(), problem);
        }
    }

    private final Set<String> interfaces;
    private final VipSettings settings;
    private final IpCommands commands;
    private final CommandRunner runner;
    private final Reader reader;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    /** Replaced as a whole under the lock, read without it. */
    private volatile Map<String, Known> known = Map.of();
    /** Per interface: how many monitor events changed it, so a full read never overwrites a newer event. */
    private final Map<String, Long> changes = new HashMap<>();
    private volatile boolean monitoring;
    private boolean running;
    private CommandRunner.Started monitor;
    private long monitorStarted;
    private Duration nextRestart = FIRST_RESTART;
    private ScheduledFuture<?> check;
    private ScheduledFuture<?> restart;

    /** Reads one interface's addresses in full, without ip (routing netlink). */
    public interface Reader {
        InterfaceAddresses read(String interfaceName, Duration timeout) throws IOException;
    }

    public AddressWatch(List<String> interfaces, VipSettings settings, CommandRunner runner,
            ScheduledExecutorService scheduler) {
        this(interfaces, settings, runner, null, scheduler);
    }

    /** @param reader reads an interface in full instead of {@code ip -j addr show}; null for ip */
    public AddressWatch(List<String> interfaces, VipSettings settings, CommandRunner runner, Reader reader,
            ScheduledExecutorService scheduler) {
        this.interfaces = Set.copyOf(new LinkedHashSet<>(interfaces));
        this.settings = settings;
        this.commands = new IpCommands(settings);
        this.runner = runner;
        this.reader = reader;
        this.scheduler = scheduler;
    }

    /** Starts the monitor, then reads every interface once (so no change between the two is missed). */
    public void start() {
        synchronized (lock) {
            if (running || interfaces.isEmpty()) {
                return;
            }
            running = true;
            startMonitor();
            long seconds = settings.addressCheckInterval().toSeconds();
            check = scheduler.scheduleWithFixedDelay(this::readAllQuietly, seconds, seconds, TimeUnit.SECONDS);
        }
        readAllQuietly();
    }

    public void stop() {
        synchronized (lock) {
            running = false;
            monitoring = false;
            if (check != null) {
                check.cancel(false);
            }
            if (restart != null) {
                restart.cancel(false);
            }
            if (monitor != null) {
                monitor.stop();
                monitor = null;
            }
        }
    }

    /** Whether the monitor runs now (otherwise what is known may be up to a second old). */
    public boolean monitoring() {
        return monitoring;
    }

    /** What is known of the interface now, from memory. */
    public Known current(String interfaceName) {
        Known k = known.get(interfaceName);
        return k != null ? k : Known.unreadable("interface " + interfaceName + " not read yet");
    }

    /** Reads the interface now (through netlink, or by forking ip) and keeps what it read. */
    public InterfaceAddresses read(String interfaceName) throws IOException {
        long changesBefore;
        synchronized (lock) {
            changesBefore = changes.getOrDefault(interfaceName, 0L);
        }
        InterfaceAddresses read;
        try {
            read = readNow(interfaceName);
        } catch (IOException e) {
            keep(interfaceName, Known.unreadable("cannot read interface " + interfaceName + ": " + e.getMessage()),
                    changesBefore);
            throw e;
        }
        keep(interfaceName, Known.of(read), changesBefore);
        return read;
    }

    /**
     * Waits, while the monitor runs, until what is known of the interface satisfies {@code done}: the kernel's
     * own report of a change we just made, without forking ip to read it back.
     *
     * @return what satisfied it; empty when the monitor is not running or the time is up (read then)
     */
    public Optional<InterfaceAddresses> awaitInMemory(String interfaceName,
            java.util.function.Predicate<InterfaceAddresses> done, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (lock) {
            while (monitoring) {
                Optional<InterfaceAddresses> now = current(interfaceName).addresses();
                if (now.isPresent() && done.test(now.get())) {
                    return now;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
        return Optional.empty();
    }

    /**
     * Waits, without forking while the monitor runs, until something changes on an interface or the time is up.
     */
    public void awaitChange(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (lock) {
            Map<String, Known> before = known;
            while (known == before && monitoring) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
        if (!monitoring) {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(deadline - System.nanoTime(), 50_000_000L)));
        }
    }

    private InterfaceAddresses readNow(String interfaceName) throws IOException {
        if (reader != null) {
            return reader.read(interfaceName, settings.commandTimeout());
        }
        CommandRunner.Result result = runner.run(commands.show(interfaceName), settings.commandTimeout());
        if (!result.ok()) {
            throw new IOException(result.problem());
        }
        try {
            return InterfaceAddresses.parse(result.stdout(), interfaceName);
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable output of ip -j addr show dev " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    private void keep(String interfaceName, Known value, long changesBefore) {
        synchronized (lock) {
            if (changes.getOrDefault(interfaceName, 0L) != changesBefore) {
                // A monitor event came in while ip ran: it may be newer than what was read; read again soon.
                scheduleRead(interfaceName);
                return;
            }
            put(interfaceName, value);
        }
    }

    private void put(String interfaceName, Known value) {
        Map<String, Known> next = new HashMap<>(known);
        next.put(interfaceName, value);
        known = Map.copyOf(next);
        lock.notifyAll();
    }

    private void scheduleRead(String interfaceName) {
        if (running) {
            scheduler.schedule(() -> readQuietly(interfaceName), 20, TimeUnit.MILLISECONDS);
        }
    }

    private void readAllQuietly() {
        for (String name : interfaces) {
            readQuietly(name);
        }
    }

    private void readQuietly(String name) {
        try {
            read(name);
        } catch (IOException e) {
            LOG.debug("Cannot read {}: {}", name, e.getMessage());
        }
    }

    /** One line from the monitor; runs on the monitor's reader thread. */
    void onLine(String line) {
        Optional<AddressEvent> event;
        try {
            event = AddressEvent.parse(line);
        } catch (IllegalArgumentException e) {
            LOG.debug("{}; reading the interfaces in full", e.getMessage());
            synchronized (lock) {
                interfaces.forEach(this::scheduleRead);
            }
            return;
        }
        if (event.isEmpty() || !interfaces.contains(event.get().interfaceName())) {
            return;
        }
        String name = event.get().interfaceName();
        synchronized (lock) {
            changes.merge(name, 1L, Long::sum);
            Known before = known.get(name);
            if (before == null || before.addresses().isEmpty()) {
                scheduleRead(name);
                return;
            }
            put(name, Known.of(event.get().applyTo(before.addresses().get())));
        }
    }

    private void startMonitor() {
        try {
            CommandRunner.Started started = runner.stream(commands.monitor(), this::onLine);
            monitor = started;
            monitorStarted = System.nanoTime();
            monitoring = true;
            started.exit().whenComplete((result, failure) -> monitorEnded(started, result, failure));
        } catch (IOException e) {
            LOG.warn("Cannot start {}: {}; reading the VIP interfaces every second until it runs",
                    String.join(" ", commands.monitor()), e.getMessage());
            scheduleRestart();
        }
    }

    private void monitorEnded(CommandRunner.Started which, CommandRunner.Result result, Throwable failure) {
        synchronized (lock) {
            if (!running || which != monitor) {
                return;
            }
            monitoring = false;
            monitor = null;
            lock.notifyAll();
            if (System.nanoTime() - monitorStarted > HEALTHY_RUN.toNanos()) {
                nextRestart = FIRST_RESTART;
            }
            LOG.warn("{} ended ({}); restarting it in {} ms", String.join(" ", commands.monitor()),
                    failure != null ? failure.toString() : result.problem(), nextRestart.toMillis());
            scheduleRestart();
        }
    }

    private void scheduleRestart() {
        Duration delay = nextRestart;
        nextRestart = nextRestart.multipliedBy(2).compareTo(MAX_RESTART) > 0 ? MAX_RESTART : nextRestart.multipliedBy(2);
        restart = scheduler.schedule(() -> {
            synchronized (lock) {
                if (!running || monitor != null) {
                    return;
                }
                startMonitor();
            }
            readAllQuietly();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        // Until the monitor runs again, changes are seen by reading.
        if (delay.compareTo(WHILE_DOWN) > 0) {
            for (long at = WHILE_DOWN.toMillis(); at < delay.toMillis(); at += WHILE_DOWN.toMillis()) {
                scheduler.schedule(this::readAllWhileDown, at, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void readAllWhileDown() {
        if (running && !monitoring) {
            readAllQuietly();
        }
    }
}

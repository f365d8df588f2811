package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipControl.VipException;
import org.gkguardian.api.VipStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds, announces, verifies and releases the configured VIPs with iproute2, ARP (a packet socket in the JVM, or
 * arping where that cannot be opened: {@link ArpTool}) and na6. The caller
 * serialises bind, release and announce; {@link #status()} answers from the {@link AddressWatch}'s memory and
 * never forks or blocks. Every change of ours is read back with {@code ip -j addr show}.
 */
public final class VipBinder {
    private static final Logger LOG = LoggerFactory.getLogger(VipBinder.class);
    /** How long after its window a probe that has not ended is given to end on its own. */
    private static final Duration PROBE_GRACE = Duration.ofMillis(50);
    /** How long after its window a check started ahead still counts: a host that took the VIP since would be late. */
    static final Duration EARLY_PROBE_MAX_AGE = Duration.ofMillis(500);
    /** How long the monitor's report of our own change is awaited before the interface is read instead. */
    private static final Duration REPORT_WAIT = Duration.ofMillis(200);

    /**
     * How long each phase of one bind took, in milliseconds: the duplicate address check, {@code ip addr add},
     * starting the first announcement, waiting for the kernel's IPv6 duplicate address detection, and reading
     * the interfaces back.
     */
    public record BindTimes(long dadMs, long addMs, long firstAnnouncementMs, long ipv6DadMs, long readBackMs,
            long totalMs) {
        @Override
        public String toString() {
            return "dad_ms=" + dadMs + " add_ms=" + addMs + " first_announcement_ms=" + firstAnnouncementMs
                    + " ipv6_dad_ms=" + ipv6DadMs + " read_back_ms=" + readBackMs + " total_ms=" + totalMs;
        }
    }

    private final VipSettings settings;
    private final CommandRunner runner;
    private final IpCommands commands;
    private final StateFile stateFile;
    private final AddressWatch watch;
    private final Map<VipAddress, String> problems = new ConcurrentHashMap<>();
    private final Set<ArpTool.Pending<?>> announcing = ConcurrentHashMap.newKeySet();
    /** Empty: ARP only through arping. */
    private final Optional<SocketArpTool> socketArp;
    private volatile ArpTool arp;
    private volatile String arpingProblem = "";

    /** ARP through arping only. */
    public VipBinder(VipSettings settings, CommandRunner runner, AddressWatch watch) {
        this(settings, runner, watch, Optional.empty());
    }

    /**
     * @param socketArp ARP through packet sockets, used unless {@code arp.socket} is false or it cannot be opened
     *        (then arping); the caller owns and closes it
     */
    public VipBinder(VipSettings settings, CommandRunner runner, AddressWatch watch, Optional<SocketArpTool> socketArp) {
        this.settings = settings;
        this.runner = runner;
        this.commands = new IpCommands(settings);
        this.stateFile = new StateFile(settings.stateFile());
        this.watch = watch;
        this.socketArp = settings.arpSocket() ? socketArp : Optional.empty();
    }

    public VipSettings settings() {
        return settings;
    }

    public List<VipAddress> vips() {
        return settings.vips();
    }

    private boolean needsArping() {
        return settings.vips().stream().anyMatch(v -> v.address() instanceof Inet4Address);
    }

    /**
     * Chooses how ARP is sent (when an IPv4 VIP needs it): the packet socket when it can be opened, else the arping
     * {@code arping.command} is, found out now. The socket tool says once why it cannot be used; one ERROR when arping
     * is unusable too, repeated only when the reason changes.
     *
     * @return empty when usable, else why not
     */
    public String detectArping() {
        if (!needsArping() || arp != null) {
            return "";
        }
        if (socketArp.isPresent()) {
            Optional<String> unavailable = socketArp.get().unavailable();
            if (unavailable.isEmpty()) {
                socketArp.get().open(settings.vips().stream().filter(v -> v.address() instanceof Inet4Address)
                        .map(VipAddress::interfaceName).distinct().toList());
                arp = socketArp.get();
                LOG.info("Using {}", arp.describe());
                return "";
            }
        }
        try {
            Arping found = ArpingDetector.detect(runner, settings.arpingCommand(), settings.commandTimeout());
            arp = new ArpingTool(found, runner);
            if (!arpingProblem.isEmpty()) {
                LOG.info("arping is usable now: {}", found.describe());
            } else {
                LOG.info("Using {}", found.describe());
            }
            arpingProblem = "";
            return "";
        } catch (ArpingDetector.UnusableArping e) {
            if (!e.getMessage().equals(arpingProblem)) {
                LOG.error("{}; no IPv4 VIP can be bound", e.getMessage());
            }
            arpingProblem = e.getMessage();
            return arpingProblem;
        }
    }

    /**
     * How long a duplicate address check takes from its start to its answer: the window and what the ARP tool needs
     * around it (an arping process ~100 ms, the socket next to nothing); zero without the check.
     */
    public Duration probeTime() {
        if (!settings.dadEnabled()) {
            return Duration.ZERO;
        }
        ArpTool tool = arp;
        return window(tool).plus(tool == null ? ArpingTool.PROCESS_ALLOWANCE : tool.overhead());
    }

    /** The check's window: as configured, but never below what the tool can be trusted with (arping: 100 ms). */
    private Duration window(ArpTool tool) {
        Duration minimum = tool == null ? ArpingTool.MINIMUM_WINDOW : tool.minimumWindow();
        return settings.dadTimeout().compareTo(minimum) < 0 ? minimum : settings.dadTimeout();
    }

    /**
     * Binds every VIP not yet bound, after checking that no other host answers for it, starts the first
     * announcement right after each address is added, and verifies the result. On any failure what this call
     * added is removed again.
     *
     * @throws VipException with conflict set when another host holds a VIP
     */
    public BindTimes bind() throws VipException {
        return bind(Optional.empty());
    }

    /**
     * A duplicate address check started ahead of a bind, for the IPv4 VIPs not bound when it started.
     *
     * @param vips    what it probes
     * @param running the checks, one per VIP
     * @param startedNanos when they were started
     */
    record EarlyProbe(List<VipAddress> vips, Map<VipAddress, ArpTool.Pending<Arping.Probe>> running, long startedNanos) {
        void stop() {
            running.values().forEach(ArpTool.Pending::stop);
        }
    }

    /**
     * Starts the duplicate address check for the IPv4 VIPs not bound now, without waiting for it; empty when there is
     * nothing to check or it cannot start (the bind will then say why).
     */
    Optional<EarlyProbe> startProbe() {
        if (!settings.dadEnabled() || settings.vips().isEmpty() || needsArping() && !detectArping().isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, InterfaceAddresses> before = currentInterfaces();
            List<VipAddress> missing = settings.vips().stream().filter(v -> v.address() instanceof Inet4Address)
                    .filter(v -> !before.get(v.interfaceName()).holds(v, IpCommands.label(v))).toList();
            if (missing.isEmpty()) {
                return Optional.empty();
            }
            long started = System.nanoTime();
            return Optional.of(new EarlyProbe(missing, startProbes(missing), started));
        } catch (VipException | RuntimeException e) {
            LOG.debug("No duplicate address check ahead of the bind: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * As {@link #bind()}, taking the answer of a check started ahead when it covers what is missing now, is recent
     * (started within its window and {@link #EARLY_PROBE_MAX_AGE} of now) and found nobody; otherwise a new check runs.
     * A holder it found is asked again: the check ran before the votes, perhaps before a dead master's launcher had
     * released the address.
     */
    BindTimes bind(Optional<EarlyProbe> early) throws VipException {
        try {
            return bindTaking(early, true);
        } finally {
            early.ifPresent(EarlyProbe::stop);
        }
    }

    /**
     * Binds without the duplicate address check: the previous master released the VIP, verified it gone and said so
     * (VipControl#bindHandedOver). A check still running ahead is stopped unread.
     */
    BindTimes bindHandedOver(Optional<EarlyProbe> early) throws VipException {
        early.ifPresent(EarlyProbe::stop);
        return bindTaking(Optional.empty(), false);
    }

    private BindTimes bindTaking(Optional<EarlyProbe> early, boolean check) throws VipException {
        long t0 = System.nanoTime();
        if (settings.vips().isEmpty()) {
            return new BindTimes(0, 0, 0, 0, 0, 0);
        }
        if (needsArping() && !detectArping().isEmpty()) {
            // Constant for as long as the cause lasts, and never a conflict: the node must not flap on it.
            throw new VipException(arpingProblem, false);
        }
        Map<String, InterfaceAddresses> before = currentInterfaces();
        List<VipAddress> missing = new ArrayList<>();
        for (VipAddress vip : settings.vips()) {
            if (!before.get(vip.interfaceName()).holds(vip, IpCommands.label(vip))) {
                missing.add(vip);
            }
        }
        if (missing.isEmpty()) {
            return new BindTimes(0, 0, 0, 0, 0, ms(t0));
        }
        long t1 = System.nanoTime();
        if (settings.dadEnabled() && check) {
            List<VipAddress> toProbe = missing.stream().filter(v -> v.address() instanceof Inet4Address).toList();
            Optional<EarlyProbe> usable = early.filter(e -> e.vips().containsAll(toProbe)
                    && t1 - e.startedNanos() <= window(arp).plus(EARLY_PROBE_MAX_AGE).toNanos());
            if (usable.isPresent()) {
                try {
                    awaitProbes(usable.get().running(), usable.get().startedNanos());
                } catch (VipException e) {
                    if (!e.conflict()) {
                        throw e;
                    }
                    // Started before the votes: the old master's launcher may not have released yet. Only an
                    // answer now counts.
                    LOG.debug("The check ahead found a holder ({}); checking again before the bind", e.getMessage());
                    probe(toProbe);
                }
            } else if (!toProbe.isEmpty()) {
                early.ifPresent(EarlyProbe::stop);
                probe(toProbe);
            }
        }
        long dad = ms(t1);
        try {
            Set<VipAddress> recorded = new LinkedHashSet<>(stateFile.read());
            recorded.addAll(settings.vips());
            stateFile.write(List.copyOf(recorded));
        } catch (IOException e) {
            throw fault("cannot record the VIPs in " + stateFile.path() + ": " + e.getMessage(), null);
        }
        long add = 0;
        long firstAnnouncement = 0;
        for (VipAddress vip : missing) {
            long t2 = System.nanoTime();
            // Same address with another prefix or label: not ours as configured, replace it.
            before.get(vip.interfaceName()).find(vip.address()).ifPresent(found -> runQuietly(commands.delete(
                    new VipAddress(found.address(), found.prefixLength(), vip.interfaceName()))));
            CommandRunner.Result result = runOrFault(commands.add(vip));
            if (!result.ok()) {
                throw fault("ip addr add " + vip + " failed: " + result.problem(), vip);
            }
            long t3 = System.nanoTime();
            add += t3 - t2;
            if (vip.address() instanceof Inet4Address) {
                // The first gratuitous ARP leaves now; the rest of the burst follows from the caller.
                announce(vip);
                firstAnnouncement += System.nanoTime() - t3;
            }
        }
        long t4 = System.nanoTime();
        List<VipAddress> ipv6 = missing.stream().filter(v -> v.address() instanceof Inet6Address).toList();
        awaitIpv6DuplicateDetection(ipv6);
        ipv6.forEach(this::announce);
        long ipv6Dad = ms(t4);
        long t5 = System.nanoTime();
        Map<String, InterfaceAddresses> after = readBack(settings.vips(), a -> settings.vips().stream()
                .filter(v -> v.interfaceName().equals(a.name())).allMatch(v -> a.holds(v, IpCommands.label(v))));
        for (VipAddress vip : settings.vips()) {
            if (!after.get(vip.interfaceName()).holds(vip, IpCommands.label(vip))) {
                throw fault("after binding, " + vip + " is not on its interface as configured (read back: "
                        + after.get(vip.interfaceName()).find(vip.address()).map(Object::toString).orElse("absent")
                        + ")", vip);
            }
            problems.remove(vip);
        }
        return new BindTimes(dad, add / 1_000_000, firstAnnouncement / 1_000_000, ipv6Dad, ms(t5), ms(t0));
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** All IPv4 probes at once, so the check costs one window however many VIPs there are. */
    private void probe(List<VipAddress> vips) throws VipException {
        long started = System.nanoTime();
        awaitProbes(startProbes(vips), started);
    }

    private Map<VipAddress, ArpTool.Pending<Arping.Probe>> startProbes(List<VipAddress> vips) throws VipException {
        try {
            return arp.startProbes(vips, settings.dadCount(), settings.dadInterval(), window(arp));
        } catch (IOException e) {
            throw fault("cannot run the duplicate address check: " + e.getMessage(), vips.isEmpty() ? null : vips.get(0));
        }
    }

    private void awaitProbes(Map<VipAddress, ArpTool.Pending<Arping.Probe>> running, long startedNanos)
            throws VipException {
        try {
            long deadline = startedNanos + window(arp).plus(PROBE_GRACE).toNanos();
            for (Map.Entry<VipAddress, ArpTool.Pending<Arping.Probe>> e : running.entrySet()) {
                VipAddress vip = e.getKey();
                Arping.Probe outcome;
                try {
                    outcome = e.getValue().outcome().get(Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                } catch (TimeoutException notEnded) {
                    // Nobody answered within the window (iputils counts whole seconds and would go on).
                    e.getValue().stop();
                    outcome = Arping.Probe.FREE;
                } catch (ExecutionException failed) {
                    Throwable cause = failed.getCause() == null ? failed : failed.getCause();
                    throw fault("duplicate address check for " + vip + " failed: " + cause.getMessage(), vip);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw fault("interrupted during the duplicate address check", null);
                }
                if (outcome == Arping.Probe.TAKEN) {
                    String message = "another host answers ARP for " + vip.address().getHostAddress() + " on "
                            + vip.interfaceName() + "; not binding";
                    problems.put(vip, message);
                    throw new VipException(message, true);
                }
            }
        } finally {
            running.values().forEach(ArpTool.Pending::stop);
        }
    }

    /** Waits on the watch (no fork while ip monitor runs) until no added IPv6 VIP is tentative. */
    private void awaitIpv6DuplicateDetection(List<VipAddress> added) throws VipException {
        if (added.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + settings.ipv6DadTimeout().toNanos();
        while (true) {
            boolean pending = false;
            for (VipAddress vip : added) {
                InterfaceAddresses.Entry entry = watch.monitoring() ? watch.current(vip.interfaceName()).addresses()
                        .flatMap(a -> a.find(vip.address())).orElse(null) : null;
                if (entry == null) {
                    // Not (yet) reported by the monitor: ask the kernel.
                    entry = readInterfaces(List.of(vip)).get(vip.interfaceName()).find(vip.address()).orElse(null);
                }
                if (entry == null) {
                    throw fault(vip + " vanished during duplicate address detection", vip);
                }
                if (entry.dadFailed()) {
                    String message = "another host holds " + vip.address().getHostAddress() + " on "
                            + vip.interfaceName() + " (IPv6 duplicate address detection failed); not binding";
                    problems.put(vip, message);
                    releaseAll();
                    throw new VipException(message, true);
                }
                pending |= entry.tentative();
            }
            if (!pending) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw fault("IPv6 duplicate address detection did not finish within "
                        + settings.ipv6DadTimeout().toMillis() + " ms", null);
            }
            try {
                watch.awaitChange(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fault("interrupted during IPv6 duplicate address detection", null);
            }
        }
    }

    /**
     * Starts one gratuitous ARP or unsolicited NA per VIP and returns without waiting for them; a failure
     * is logged and kept for status().
     */
    public void announce() {
        settings.vips().forEach(this::announce);
    }

    private void announce(VipAddress vip) {
        boolean ipv4 = vip.address() instanceof Inet4Address;
        ArpTool tool = arp;
        if (ipv4 && tool == null) {
            announceFailed(vip, arpingProblem);
            return;
        }
        try {
            ArpTool.Pending<?> started;
            if (ipv4) {
                started = tool.announce(vip);
            } else {
                List<String> command = commands.announceIpv6(vip);
                if (command.isEmpty()) {
                    return;
                }
                started = unsolicitedAdvertisement(runner.start(command));
            }
            announcing.add(started);
            started.outcome().whenComplete((result, failure) -> {
                announcing.remove(started);
                if (failure != null) {
                    Throwable cause = failure.getCause() == null ? failure : failure.getCause();
                    announceFailed(vip, cause instanceof IOException ? cause.getMessage() : cause.toString());
                }
            });
        } catch (IOException e) {
            announceFailed(vip, e.getMessage());
        }
    }

    /** na6's run as a pending announcement: it failed unless it exited 0. */
    private static ArpTool.Pending<Void> unsolicitedAdvertisement(CommandRunner.Started started) {
        CompletableFuture<Void> outcome = started.exit().thenApply(result -> {
            if (!result.ok()) {
                throw new CompletionException(new IOException(result.problem()));
            }
            return null;
        });
        return new ArpTool.Pending<>() {
            @Override
            public CompletableFuture<Void> outcome() {
                return outcome;
            }

            @Override
            public void stop() {
                started.stop();
            }
        };
    }

    private void announceFailed(VipAddress vip, String why) {
        String message = "announcing " + vip + " failed: " + why;
        problems.put(vip, message);
        LOG.warn("{}", message);
    }

    /** Ends announcements still running (iputils' arping lingers a second after sending). */
    public void stopAnnouncing() {
        announcing.forEach(ArpTool.Pending::stop);
    }

    /**
     * Removes every configured VIP, every address the state file names and every IPv4 address carrying
     * our label on those interfaces, then reads the interfaces back. Never throws.
     *
     * @return all of them are verified gone
     */
    public boolean release() {
        return releaseAll();
    }

    private boolean releaseAll() {
        stopAnnouncing();
        Set<VipAddress> candidates = new LinkedHashSet<>(settings.vips());
        candidates.addAll(stateFile.read());
        Set<String> interfaces = new LinkedHashSet<>();
        candidates.forEach(v -> interfaces.add(v.interfaceName()));
        boolean verified = true;
        for (String name : interfaces) {
            verified &= releaseOn(name, candidates);
        }
        if (verified) {
            try {
                stateFile.clear();
            } catch (IOException e) {
                LOG.warn("Cannot clear the VIP state file {}: {}", stateFile.path(), e.toString());
            }
        }
        return verified;
    }

    private boolean releaseOn(String interfaceName, Set<VipAddress> candidates) {
        InterfaceAddresses current;
        try {
            // Always read: releasing is the safety path and never trusts memory.
            current = watch.read(interfaceName);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
                return true;
            }
            LOG.error("Cannot read {} to release its VIPs: {}", interfaceName, e.getMessage());
            return false;
        }
        String ourLabel = IpCommands.label(interfaceName);
        List<VipAddress> present = new ArrayList<>();
        for (InterfaceAddresses.Entry entry : current.addresses()) {
            VipAddress asFound = new VipAddress(entry.address(), entry.prefixLength(), interfaceName);
            boolean listed = candidates.stream().anyMatch(
                    c -> c.interfaceName().equals(interfaceName) && c.address().equals(entry.address()));
            boolean labelled = !ourLabel.isEmpty() && ourLabel.equals(entry.label());
            if (listed || labelled) {
                present.add(asFound);
            }
        }
        if (present.isEmpty()) {
            return true;
        }
        for (VipAddress vip : present) {
            runQuietly(commands.delete(vip));
        }
        try {
            // Read, not the monitor's report: memory that missed an address would make a removal look done.
            InterfaceAddresses after = watch.read(interfaceName);
            boolean verified = true;
            for (VipAddress vip : present) {
                if (after.find(vip.address()).isPresent()) {
                    LOG.error("{} is still on {} after ip addr del", vip.cidr(), interfaceName);
                    problems.put(configuredOr(vip), "still bound after release");
                    verified = false;
                } else {
                    LOG.info("Released VIP {}", vip);
                    problems.remove(configuredOr(vip));
                }
            }
            return verified;
        } catch (IOException e) {
            LOG.error("Cannot read {} back after releasing its VIPs: {}", interfaceName, e.getMessage());
            return false;
        }
    }

    /** The configured VIP with this address and interface (problems are kept under it), or the VIP as found. */
    private VipAddress configuredOr(VipAddress found) {
        return settings.vips().stream().filter(v -> v.interfaceName().equals(found.interfaceName())
                && v.address().equals(found.address())).findFirst().orElse(found);
    }

    /** Each configured VIP as the watch knows its interface now: from memory, never forking or blocking. */
    public List<VipStatus> status() {
        List<VipStatus> statuses = new ArrayList<>();
        for (VipAddress vip : settings.vips()) {
            AddressWatch.Known known = watch.current(vip.interfaceName());
            String detail = problems.getOrDefault(vip, "");
            if (detail.isEmpty() && vip.address() instanceof Inet4Address) {
                detail = arpingProblem;
            }
            if (known.addresses().isEmpty()) {
                statuses.add(new VipStatus(vip, false, detail.isEmpty() ? known.problem() : detail));
                continue;
            }
            statuses.add(new VipStatus(vip, known.addresses().get().holds(vip, IpCommands.label(vip)), detail));
        }
        return statuses;
    }

    /** Whether every configured VIP is on its interface now, from memory. */
    public boolean allBound() {
        return !settings.vips().isEmpty() && status().stream().allMatch(VipStatus::bound);
    }

    /** The VIP interfaces from memory while the monitor runs, else read now. */
    private Map<String, InterfaceAddresses> currentInterfaces() throws VipException {
        Map<String, InterfaceAddresses> byName = new LinkedHashMap<>();
        for (VipAddress vip : settings.vips()) {
            String name = vip.interfaceName();
            if (!byName.containsKey(name) && watch.monitoring()) {
                watch.current(name).addresses().ifPresent(a -> byName.put(name, a));
            }
        }
        List<VipAddress> unknown = settings.vips().stream().filter(v -> !byName.containsKey(v.interfaceName())).toList();
        byName.putAll(readInterfaces(unknown));
        return byName;
    }

    /**
     * The interfaces after a change of ours: from the monitor's report when it shows the change (no fork),
     * else read.
     */
    private Map<String, InterfaceAddresses> readBack(List<VipAddress> vips,
            java.util.function.Predicate<InterfaceAddresses> done) throws VipException {
        Map<String, InterfaceAddresses> byName = new LinkedHashMap<>();
        for (VipAddress vip : vips) {
            if (!byName.containsKey(vip.interfaceName())) {
                try {
                    byName.put(vip.interfaceName(), readBack(vip.interfaceName(), done));
                } catch (IOException e) {
                    throw fault("cannot read interface " + vip.interfaceName() + ": " + e.getMessage(), vip);
                }
            }
        }
        return byName;
    }

    private InterfaceAddresses readBack(String interfaceName, java.util.function.Predicate<InterfaceAddresses> done)
            throws IOException {
        try {
            java.util.Optional<InterfaceAddresses> reported = watch.awaitInMemory(interfaceName, done, REPORT_WAIT);
            if (reported.isPresent()) {
                return reported.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return watch.read(interfaceName);
    }

    private Map<String, InterfaceAddresses> readInterfaces(List<VipAddress> vips) throws VipException {
        Map<String, InterfaceAddresses> byName = new LinkedHashMap<>();
        for (VipAddress vip : vips) {
            if (!byName.containsKey(vip.interfaceName())) {
                try {
                    byName.put(vip.interfaceName(), watch.read(vip.interfaceName()));
                } catch (IOException e) {
                    throw fault("cannot read interface " + vip.interfaceName() + ": " + e.getMessage(), vip);
                }
            }
        }
        return byName;
    }

    private CommandRunner.Result runOrFault(List<String> command) throws VipException {
        try {
            return runner.run(command, settings.commandTimeout());
        } catch (IOException e) {
            throw fault("cannot run " + String.join(" ", command) + ": " + e.getMessage(), null);
        }
    }

    private void runQuietly(List<String> command) {
        try {
            CommandRunner.Result result = runner.run(command, settings.commandTimeout());
            if (!result.ok()) {
                LOG.debug("{}: {}", String.join(" ", command), result.problem());
            }
        } catch (IOException e) {
            LOG.warn("cannot run {}: {}", String.join(" ", command), e.getMessage());
        }
    }

    /** A failed bind: undo what may have been added, remember why, and say so. */
    private VipException fault(String message, VipAddress vip) {
        if (vip != null) {
            problems.put(vip, message);
        }
        releaseAll();
        return new VipException(message, false);
    }
}

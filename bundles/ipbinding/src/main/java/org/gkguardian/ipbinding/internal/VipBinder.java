package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.gkguardian.api.VipAddress;
import org.gkguardian.api.VipControl.VipException;
import org.gkguardian.api.VipStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds, announces, verifies and releases the configured VIPs with iproute2, arping and na6. Holds no
 * threads; the caller serialises calls. Every change is read back with {@code ip -j addr show}.
 */
public final class VipBinder {
    private static final Logger LOG = LoggerFactory.getLogger(VipBinder.class);
    private static final long DAD_POLL_MS = 50;

    private final VipSettings settings;
    private final CommandRunner runner;
    private final IpCommands commands;
    private final StateFile stateFile;
    private final Map<VipAddress, String> problems = new ConcurrentHashMap<>();

    public VipBinder(VipSettings settings, CommandRunner runner) {
        this.settings = settings;
        this.runner = runner;
        this.commands = new IpCommands(settings);
        this.stateFile = new StateFile(settings.stateFile());
    }

    public VipSettings settings() {
        return settings;
    }

    public List<VipAddress> vips() {
        return settings.vips();
    }

    /**
     * Binds every VIP not yet bound, after checking that no other host answers for it, and verifies the
     * result. On any failure what this call added is removed again.
     *
     * @throws VipException with conflict set when another host holds a VIP
     */
    public void bind() throws VipException {
        if (settings.vips().isEmpty()) {
            return;
        }
        Map<String, InterfaceAddresses> before = readInterfaces(settings.vips());
        List<VipAddress> missing = new ArrayList<>();
        for (VipAddress vip : settings.vips()) {
            if (!before.get(vip.interfaceName()).holds(vip, IpCommands.label(vip))) {
                missing.add(vip);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (settings.dadEnabled()) {
            for (VipAddress vip : missing) {
                if (vip.address() instanceof Inet4Address) {
                    probe(vip);
                }
            }
        }
        try {
            Set<VipAddress> recorded = new LinkedHashSet<>(stateFile.read());
            recorded.addAll(settings.vips());
            stateFile.write(List.copyOf(recorded));
        } catch (IOException e) {
            throw fault("cannot record the VIPs in " + stateFile.path() + ": " + e.getMessage(), null);
        }
        for (VipAddress vip : missing) {
            // Same address with another prefix or label: not ours as configured, replace it.
            before.get(vip.interfaceName()).find(vip.address()).ifPresent(found -> runQuietly(commands.delete(
                    new VipAddress(found.address(), found.prefixLength(), vip.interfaceName()))));
            CommandRunner.Result result = runOrFault(commands.add(vip));
            if (!result.ok()) {
                throw fault("ip addr add " + vip + " failed: " + result.problem(), vip);
            }
        }
        awaitIpv6DuplicateDetection(missing);
        Map<String, InterfaceAddresses> after = readInterfaces(settings.vips());
        for (VipAddress vip : settings.vips()) {
            if (!after.get(vip.interfaceName()).holds(vip, IpCommands.label(vip))) {
                throw fault("after binding, " + vip + " is not on its interface as configured (read back: "
                        + after.get(vip.interfaceName()).find(vip.address()).map(Object::toString).orElse("absent")
                        + ")", vip);
            }
            problems.remove(vip);
        }
    }

    private void probe(VipAddress vip) throws VipException {
        CommandRunner.Result result = runOrFault(commands.probe(vip));
        if (result.exitCode() == 0) {
            String message = "another host answers ARP for " + vip.address().getHostAddress() + " on "
                    + vip.interfaceName() + "; not binding";
            problems.put(vip, message);
            throw new VipException(message, true);
        }
        if (result.exitCode() != 1 || !result.stderr().isBlank()) {
            throw fault("duplicate address check for " + vip + " failed: " + result.problem(), vip);
        }
    }

    private void awaitIpv6DuplicateDetection(List<VipAddress> added) throws VipException {
        List<VipAddress> ipv6 = added.stream().filter(v -> v.address() instanceof Inet6Address).toList();
        if (ipv6.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + settings.ipv6DadTimeout().toNanos();
        while (true) {
            Map<String, InterfaceAddresses> now = readInterfaces(ipv6);
            boolean pending = false;
            for (VipAddress vip : ipv6) {
                InterfaceAddresses.Entry entry = now.get(vip.interfaceName()).find(vip.address()).orElse(null);
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
                TimeUnit.MILLISECONDS.sleep(DAD_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fault("interrupted during IPv6 duplicate address detection", null);
            }
        }
    }

    /** Sends one gratuitous ARP or unsolicited NA per VIP. Failures are logged and kept for status(). */
    public void announce() {
        for (VipAddress vip : settings.vips()) {
            List<String> command = commands.announce(vip);
            if (command.isEmpty()) {
                continue;
            }
            try {
                CommandRunner.Result result = runner.run(command, settings.commandTimeout());
                // ARPing exits 1 when nobody answered, which a gratuitous ARP never expects.
                boolean sent = result.ok() || (vip.address() instanceof Inet4Address && result.exitCode() == 1
                        && result.stderr().isBlank());
                if (!sent) {
                    announceFailed(vip, result.problem());
                }
            } catch (IOException e) {
                announceFailed(vip, e.getMessage());
            }
        }
    }

    private void announceFailed(VipAddress vip, String why) {
        String message = "announcing " + vip + " failed: " + why;
        problems.put(vip, message);
        LOG.warn("{}", message);
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
            current = readInterface(interfaceName);
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
            InterfaceAddresses after = readInterface(interfaceName);
            boolean verified = true;
            for (VipAddress vip : present) {
                if (after.find(vip.address()).isPresent()) {
                    LOG.error("{} is still on {} after ip addr del", vip.cidr(), interfaceName);
                    problems.put(vip, "still bound after release");
                    verified = false;
                } else {
                    LOG.info("Released VIP {}", vip);
                    problems.remove(vip);
                }
            }
            return verified;
        } catch (IOException e) {
            LOG.error("Cannot read {} back after releasing its VIPs: {}", interfaceName, e.getMessage());
            return false;
        }
    }

    /** Each configured VIP as read back from its interface now. */
    public List<VipStatus> status() {
        List<VipStatus> statuses = new ArrayList<>();
        Map<String, InterfaceAddresses> read = new LinkedHashMap<>();
        for (VipAddress vip : settings.vips()) {
            InterfaceAddresses current = read.get(vip.interfaceName());
            String detail = problems.getOrDefault(vip, "");
            if (current == null) {
                try {
                    current = readInterface(vip.interfaceName());
                    read.put(vip.interfaceName(), current);
                } catch (IOException e) {
                    statuses.add(new VipStatus(vip, false, e.getMessage()));
                    continue;
                }
            }
            statuses.add(new VipStatus(vip, current.holds(vip, IpCommands.label(vip)), detail));
        }
        return statuses;
    }

    /** Whether every configured VIP is on its interface now. */
    public boolean allBound() {
        return !settings.vips().isEmpty() && status().stream().allMatch(VipStatus::bound);
    }

    private Map<String, InterfaceAddresses> readInterfaces(List<VipAddress> vips) throws VipException {
        Map<String, InterfaceAddresses> byName = new LinkedHashMap<>();
        for (VipAddress vip : vips) {
            if (!byName.containsKey(vip.interfaceName())) {
                try {
                    byName.put(vip.interfaceName(), readInterface(vip.interfaceName()));
                } catch (IOException e) {
                    throw fault("cannot read interface " + vip.interfaceName() + ": " + e.getMessage(), vip);
                }
            }
        }
        return byName;
    }

    InterfaceAddresses readInterface(String name) throws IOException {
        CommandRunner.Result result = runner.run(commands.show(name), settings.commandTimeout());
        if (!result.ok()) {
            throw new IOException(result.problem());
        }
        try {
            return InterfaceAddresses.parse(result.stdout(), name);
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable output of ip -j addr show dev " + name + ": " + e.getMessage(), e);
        }
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

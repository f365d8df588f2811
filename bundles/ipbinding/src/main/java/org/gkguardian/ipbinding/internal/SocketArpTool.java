package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.gkguardian.api.VipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ARP from the JVM: one packet socket per VIP interface ({@link ArpLink}), opened at its first use and kept until
 * {@link #close()}, and one thread per interface that runs its duplicate address checks (send the probes, listen for
 * the window). An announcement is sent from the caller's thread: two system calls, no process. A link that fails is
 * dropped and opened again at the next use (the interface may have been recreated).
 */
public final class SocketArpTool implements ArpTool, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketArpTool.class);
    /** The longest a check's thread waits without looking whether it was stopped. */
    private static final Duration SLICE = Duration.ofMillis(10);

    /** Opens the link of one interface. */
    public interface LinkOpener {
        ArpLink open(String interfaceName) throws IOException;
    }

    /** One interface's link and the thread that listens on it. */
    private record Interface(ArpLink link, ExecutorService thread) {
    }

    private final Supplier<Optional<String>> availability;
    private final LinkOpener opener;
    private final Map<String, Interface> interfaces = new LinkedHashMap<>();
    private Optional<String> unavailable;
    private boolean closed;

    /** With Linux packet sockets through JNA. */
    public SocketArpTool() {
        this(SocketArpTool::packetSocketsUsable, name -> PacketSocket.open(name));
    }

    /** PacketSocket is touched only here and at an open: without the JNA bundle it cannot even be linked. */
    private static Optional<String> packetSocketsUsable() {
        try {
            return PacketSocket.unavailable();
        } catch (LinkageError e) {
            return Optional.of("JNA is not available: " + e);
        }
    }

    SocketArpTool(Supplier<Optional<String>> availability, LinkOpener opener) {
        this.availability = availability;
        this.opener = opener;
    }

    /**
     * Whether this JVM can open packet sockets at all, found out once (CAP_NET_RAW, JNA) and said once at WARN when it
     * cannot: empty when it can, else why not.
     */
    public synchronized Optional<String> unavailable() {
        if (unavailable == null) {
            unavailable = availability.get();
            unavailable.ifPresent(why -> LOG.warn("Cannot send ARP from the JVM ({}); the arping program "
                    + "(arping.command) runs for every ARP probe and announcement instead", why));
        }
        return unavailable;
    }

    /**
     * Opens the sockets of these interfaces now, so that the first check of a failover does not pay for it; an
     * interface that cannot be opened yet (not there) is tried again at its first use.
     */
    public void open(Collection<String> interfaceNames) {
        for (String name : interfaceNames) {
            try {
                Interface nic = interfaceFor(name);
                nic.thread().execute(() -> warmUp(nic.link()));
            } catch (IOException | RejectedExecutionException e) {
                LOG.debug("The ARP packet socket of {} opens at its first use: {}", name, e.getMessage());
            }
        }
    }

    /**
     * Runs a check's receiving path once, sending nothing: the first check measured 20-120 ms more than the next ones
     * (JNA binding each native call at its first use, the check's thread and classes), and the first check is a
     * failover's.
     */
    private static void warmUp(ArpLink link) {
        try {
            link.discardQueued();
            link.receive(Duration.ofMillis(1));
            ArpPacket.parse(ArpPacket.probe(link.mac(), (Inet4Address) InetAddress.getByAddress(new byte[4])).toBytes(),
                    ArpPacket.LENGTH).ifPresent(p -> p.claims(p.targetIp(), link.mac()));
        } catch (IOException e) {
            LOG.debug("Warming up the ARP socket of {}: {}", link.interfaceName(), e.getMessage());
        }
    }

    /** Handing the check to the interface's thread and the futures back: well below a millisecond once warm. */
    @Override
    public Duration overhead() {
        return Duration.ofMillis(5);
    }

    /** The socket listens from before its first probe: the configured window is the window. */
    @Override
    public Duration minimumWindow() {
        return Duration.ZERO;
    }

    @Override
    public String describe() {
        return "ARP packet sockets in the JVM (AF_PACKET)";
    }

    @Override
    public Map<VipAddress, Pending<Arping.Probe>> startProbes(List<VipAddress> vips, int count, Duration interval,
            Duration window) throws IOException {
        Map<String, List<VipAddress>> byInterface = new LinkedHashMap<>();
        vips.forEach(v -> byInterface.computeIfAbsent(v.interfaceName(), k -> new ArrayList<>()).add(v));
        Map<VipAddress, Pending<Arping.Probe>> pending = new LinkedHashMap<>();
        List<Check> started = new ArrayList<>();
        try {
            for (Map.Entry<String, List<VipAddress>> e : byInterface.entrySet()) {
                Interface nic = interfaceFor(e.getKey());
                Check check = new Check(nic, e.getValue(), count, interval, window);
                try {
                    nic.thread().execute(check);
                } catch (RejectedExecutionException closing) {
                    throw new IOException("the ARP socket of " + e.getKey() + " is closing");
                }
                started.add(check);
                check.outcomes.forEach((vip, outcome) -> pending.put(vip, check.pending(outcome)));
            }
        } catch (IOException e) {
            started.forEach(Check::stop);
            throw e;
        }
        return pending;
    }

    @Override
    public Pending<Void> announce(VipAddress vip) throws IOException {
        Interface nic = interfaceFor(vip.interfaceName());
        Inet4Address address = (Inet4Address) vip.address();
        byte[] mac = nic.link().mac();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            // Both forms, as arping -U and -A send them: some neighbours learn only from requests, some only from replies.
            nic.link().send(ArpPacket.announcementRequest(mac, address).toBytes());
            nic.link().send(ArpPacket.announcementReply(mac, address).toBytes());
            sent.complete(null);
        } catch (IOException e) {
            drop(nic);
            sent.completeExceptionally(e);
        }
        return new Pending<>() {
            @Override
            public CompletableFuture<Void> outcome() {
                return sent;
            }

            @Override
            public void stop() {
                // Already sent.
            }
        };
    }

    private synchronized Interface interfaceFor(String name) throws IOException {
        if (closed) {
            throw new IOException("the ARP sockets are closed");
        }
        Interface nic = interfaces.get(name);
        if (nic == null) {
            ArpLink link = opener.open(name);
            ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "gkg-arp-" + name);
                t.setDaemon(true);
                return t;
            });
            nic = new Interface(link, thread);
            interfaces.put(name, nic);
            LOG.debug("Opened the ARP packet socket of {} ({})", name, ArpPacket.macText(link.mac()));
        }
        return nic;
    }

    /** Forgets a failed link; it is closed on its own thread, after any check still using it. */
    private synchronized void drop(Interface nic) {
        if (interfaces.remove(nic.link().interfaceName(), nic)) {
            LOG.debug("Dropping the ARP packet socket of {}; it is opened again at its next use",
                    nic.link().interfaceName());
            shut(nic);
        }
    }

    private static void shut(Interface nic) {
        try {
            nic.thread().execute(nic.link()::close);
        } catch (RejectedExecutionException alreadyShut) {
            // closed by the first shut
        }
        nic.thread().shutdown();
    }

    /** Closes every socket once the checks under way have ended (at most one window). */
    @Override
    public void close() {
        List<Interface> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(interfaces.values());
            interfaces.clear();
        }
        for (Interface nic : open) {
            shut(nic);
        }
        for (Interface nic : open) {
            try {
                if (!nic.thread().awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.warn("The ARP check on {} did not end within 1 s", nic.link().interfaceName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One duplicate address check on one interface, run on its thread. */
    private final class Check implements Runnable {
        final Interface nic;
        final int count;
        final Duration interval;
        final Duration window;
        final Map<VipAddress, CompletableFuture<Arping.Probe>> outcomes = new LinkedHashMap<>();
        volatile boolean stopped;

        Check(Interface nic, List<VipAddress> vips, int count, Duration interval, Duration window) {
            this.nic = nic;
            this.count = count;
            this.interval = interval;
            this.window = window;
            vips.forEach(v -> outcomes.put(v, new CompletableFuture<>()));
        }

        Pending<Arping.Probe> pending(CompletableFuture<Arping.Probe> outcome) {
            return new Pending<>() {
                @Override
                public CompletableFuture<Arping.Probe> outcome() {
                    return outcome;
                }

                @Override
                public void stop() {
                    Check.this.stop();
                }
            };
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            ArpLink link = nic.link();
            try {
                link.discardQueued();
                byte[] mac = link.mac();
                long start = System.nanoTime();
                for (int i = 0; i < count && !done(); i++) {
                    listenUntil(start + i * interval.toNanos(), mac);
                    for (Map.Entry<VipAddress, CompletableFuture<Arping.Probe>> e : outcomes.entrySet()) {
                        if (!e.getValue().isDone() && !stopped) {
                            link.send(ArpPacket.probe(mac, (Inet4Address) e.getKey().address()).toBytes());
                        }
                    }
                }
                listenUntil(start + window.toNanos(), mac);
                if (!stopped) {
                    outcomes.values().forEach(o -> o.complete(Arping.Probe.FREE));
                }
            } catch (IOException | RuntimeException e) {
                drop(nic);
                outcomes.values().forEach(o -> o.completeExceptionally(
                        e instanceof IOException ? e : new IOException(e.toString(), e)));
            }
        }

        private boolean done() {
            return stopped || outcomes.values().stream().allMatch(CompletableFuture::isDone);
        }

        /** Reads what arrives until the given time, deciding each VIP another host is seen to hold. */
        private void listenUntil(long nanos, byte[] mac) throws IOException {
            while (!done()) {
                long left = nanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                Optional<ArpLink.Received> received = nic.link().receive(Duration.ofNanos(Math.min(left,
                        SLICE.toNanos())));
                if (received.isEmpty() || received.get().outgoing()) {
                    continue;
                }
                Optional<ArpPacket> packet = ArpPacket.parse(received.get().bytes(), received.get().length());
                if (packet.isEmpty()) {
                    continue;
                }
                for (Map.Entry<VipAddress, CompletableFuture<Arping.Probe>> e : outcomes.entrySet()) {
                    if (packet.get().claims((Inet4Address) e.getKey().address(), mac)) {
                        LOG.debug("Duplicate address check of {}: {}", e.getKey(), packet.get());
                        e.getValue().complete(Arping.Probe.TAKEN);
                    }
                }
            }
        }
    }
}

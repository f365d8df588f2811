package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.gkguardian.api.VipAddress;

/**
 * The arping found on this host. Debian has two that replace each other: Thomas Habets' ARPing 2.x
 * (package arping) and iputils' (package iputils-arping, Ubuntu's default). They share a name and little
 * else: options, units and exit codes differ, so each has its own arguments and reading of the result.
 */
public sealed interface Arping permits Arping.Habets, Arping.Iputils {

    /** What a duplicate address probe found. */
    enum Probe {
        /** No host answered within the window. */
        FREE,
        /** A host answered for the address. */
        TAKEN
    }

    /** For log lines: which arping, at which path. */
    String describe();

    /**
     * ARP probes from 0.0.0.0 (RFC 5227) for the VIP: {@code count} probes {@code interval} apart, listening
     * for {@code window}. The caller ends the command when the window is over if it has not ended by then.
     */
    List<String> probe(VipAddress vip, int count, Duration interval, Duration window);

    /**
     * What the probe's result says.
     *
     * @throws IOException when it says the probe did not work (bad option, no such interface...)
     */
    Probe probeResult(CommandRunner.Result result) throws IOException;

    /** One gratuitous ARP request: sender and target the VIP, to the broadcast address. */
    List<String> announce(VipAddress vip);

    /** Whether the announcement was sent, from the command's result. */
    boolean announced(CommandRunner.Result result);

    /** Thomas Habets' ARPing 2.x: {@code -0}, {@code -i IF}, fractional seconds; exit 0 when a host answered. */
    record Habets(String command) implements Arping {
        @Override
        public String describe() {
            return command + " (Thomas Habets' ARPing 2.x)";
        }

        @Override
        public List<String> probe(VipAddress vip, int count, Duration interval, Duration window) {
            return List.of(command, "-q", "-0", "-i", vip.interfaceName(), "-c", Integer.toString(count), "-C", "1",
                    "-W", IpCommands.seconds(interval), "-w", IpCommands.seconds(window),
                    vip.address().getHostAddress());
        }

        @Override
        public Probe probeResult(CommandRunner.Result result) throws IOException {
            if (result.exitCode() == 0) {
                return Probe.TAKEN;
            }
            // Exit 1 is also what its errors give: only a silent 1 means nobody answered.
            if (result.exitCode() == 1 && result.stderr().isBlank()) {
                return Probe.FREE;
            }
            throw new IOException(result.problem());
        }

        @Override
        public List<String> announce(VipAddress vip) {
            String address = vip.address().getHostAddress();
            // -w 0: send and leave; a gratuitous ARP gets no answer worth waiting for.
            return List.of(command, "-q", "-U", "-i", vip.interfaceName(), "-S", address, "-c", "1", "-w", "0", address);
        }

        @Override
        public boolean announced(CommandRunner.Result result) {
            // It exits 1 when nobody answered, which a gratuitous ARP never expects.
            return result.stderr().isBlank() && (result.exitCode() == 0 || result.exitCode() == 1);
        }
    }

    /**
     * iputils' arping: {@code -D} (source 0.0.0.0, quits on the first reply), {@code -I IF}, whole seconds
     * only; in {@code -D} mode exit 0 when nobody answered and 1 when a host did, 2 on errors. In {@code -U}
     * mode it sends at once, then lingers for its one-second interval before exiting 0.
     */
    record Iputils(String command) implements Arping {
        @Override
        public String describe() {
            return command + " (iputils' arping)";
        }

        @Override
        public List<String> probe(VipAddress vip, int count, Duration interval, Duration window) {
            // Its interval and deadline are whole seconds; the caller ends it when a shorter window is over.
            long seconds = Math.max(1, (window.toMillis() + 999) / 1000);
            return List.of(command, "-q", "-D", "-I", vip.interfaceName(), "-c", Integer.toString(count),
                    "-w", Long.toString(seconds), vip.address().getHostAddress());
        }

        @Override
        public Probe probeResult(CommandRunner.Result result) throws IOException {
            if (result.stderr().isBlank() && result.exitCode() == 0) {
                return Probe.FREE;
            }
            if (result.stderr().isBlank() && result.exitCode() == 1) {
                return Probe.TAKEN;
            }
            throw new IOException(result.problem());
        }

        @Override
        public List<String> announce(VipAddress vip) {
            String address = vip.address().getHostAddress();
            // -U: ARP request with sender and target the VIP (iputils' -A would send a reply instead).
            return List.of(command, "-q", "-U", "-I", vip.interfaceName(), "-s", address, "-c", "1", address);
        }

        @Override
        public boolean announced(CommandRunner.Result result) {
            return result.ok() && result.stderr().isBlank();
        }
    }
}

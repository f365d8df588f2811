package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Plays iproute2 (addr show/add/del and a running {@code ip -o monitor address}), either arping and na6 on an
 * in-memory host: interfaces with addresses, addresses other hosts hold, and a log of every command run.
 */
final class FakeNetwork implements CommandRunner {
    record Addr(String cidr, String label, boolean dadFailed) {
    }

    /** Which arping the host has. */
    enum ArpingKind { HABETS, IPUTILS, BUSYBOX, MISSING }

    final Map<String, List<Addr>> interfaces = new LinkedHashMap<>();
    final Set<String> heldElsewhere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<List<String>> log = new CopyOnWriteArrayList<>();
    final List<Monitor> monitors = new CopyOnWriteArrayList<>();
    boolean ignoreDelete;
    volatile ArpingKind arping = ArpingKind.HABETS;
    /** iputils' arping in -D mode goes on for whole seconds when nobody answers: here, until stopped. */
    boolean iputilsLingers = true;
    boolean monitorCannotStart;
    /** The monitor runs but reports nothing (late, as under load). */
    volatile boolean monitorSilent;

    /** A running ip monitor: the lines it printed, and how to end it. */
    final class Monitor implements Started {
        final Consumer<String> sink;
        final CompletableFuture<Result> exit = new CompletableFuture<>();

        Monitor(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public CompletableFuture<Result> exit() {
            return exit;
        }

        @Override
        public void stop() {
            exit.complete(new Result(137, "", ""));
        }

        void die(String why) {
            exit.complete(new Result(1, "", why));
        }

        boolean alive() {
            return !exit.isDone();
        }
    }

    FakeNetwork withInterface(String name, String... cidrs) {
        List<Addr> addrs = new ArrayList<>();
        for (String cidr : cidrs) {
            addrs.add(new Addr(cidr, cidr.contains(":") ? "" : name, false));
        }
        interfaces.put(name, addrs);
        return this;
    }

    List<String> cidrs(String name) {
        return interfaces.get(name).stream().map(Addr::cidr).toList();
    }

    long count(String program, String option) {
        return log.stream().filter(c -> c.get(0).equals(program) && c.contains(option)).count();
    }

    long forks() {
        return log.size();
    }

    List<Monitor> liveMonitors() {
        return monitors.stream().filter(Monitor::alive).toList();
    }

    /** What a running ip monitor prints when an address comes or goes, in iproute2's one-line form. */
    void emit(boolean deleted, String name, Addr a) {
        String[] parts = a.cidr().split("/");
        boolean v6 = a.cidr().contains(":");
        String line = (deleted ? "Deleted " : "") + "3: " + name + "    " + (v6 ? "inet6 " : "inet ") + a.cidr()
                + (v6 ? " scope global" + (a.dadFailed() ? " tentative dadfailed" : "") + " "
                        : " brd 203.0.113.255 scope global " + a.label())
                + "\\       valid_lft forever preferred_lft forever";
        if (!monitorSilent) {
            monitors.stream().filter(Monitor::alive).forEach(m -> m.sink.accept(line));
        }
        if (parts.length != 2) {
            throw new IllegalStateException(a.cidr());
        }
    }

    static boolean sameAddress(String cidrOrAddress, String address) {
        try {
            return java.net.InetAddress.getByName(cidrOrAddress.split("/")[0])
                    .equals(java.net.InetAddress.getByName(address));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public Started start(List<String> command) throws IOException {
        if (arping == ArpingKind.IPUTILS && iputilsLingers && command.contains("-D") && command.get(0).equals("arping")
                && heldElsewhere.stream().noneMatch(h -> sameAddress(h, command.get(command.size() - 1)))) {
            log.add(command);
            CompletableFuture<Result> exit = new CompletableFuture<>();
            return new Started() {
                @Override
                public CompletableFuture<Result> exit() {
                    return exit;
                }

                @Override
                public void stop() {
                    exit.complete(new Result(137, "", ""));
                }
            };
        }
        Result result = run(command, Duration.ofSeconds(5));
        return new Started() {
            @Override
            public CompletableFuture<Result> exit() {
                return CompletableFuture.completedFuture(result);
            }

            @Override
            public void stop() {
            }
        };
    }

    @Override
    public Started stream(List<String> command, Consumer<String> lines) throws IOException {
        log.add(command);
        if (monitorCannotStart) {
            throw new IOException("Cannot run program \"ip\": error=2, No such file or directory");
        }
        Monitor monitor = new Monitor(lines);
        monitors.add(monitor);
        return monitor;
    }

    @Override
    public synchronized Result run(List<String> command, Duration timeout) throws IOException {
        log.add(command);
        String program = command.get(0);
        if (program.equals("ip")) {
            return ip(command);
        }
        if (program.equals("arping")) {
            return arping(command);
        }
        if (program.equals("na6")) {
            return new Result(0, "", "");
        }
        throw new IOException("unknown program " + program);
    }

    private Result arping(List<String> command) throws IOException {
        String target = command.get(command.size() - 1);
        boolean held = !target.startsWith("-") && heldElsewhere.stream().anyMatch(h -> sameAddress(h, target));
        switch (arping) {
            case MISSING:
                throw new IOException("Cannot run program \"arping\": error=2, No such file or directory");
            case BUSYBOX:
                return new Result(1, "", "BusyBox v1.36.1 (Debian 1:1.36.1-3) multi-call binary.\n\nUsage: arping [-fqbDUA] "
                        + "[-c CNT] [-w TIMEOUT] [-I IFACE] [-s SRC_IP] DST_IP\n");
            case IPUTILS:
                if (command.contains("-V")) {
                    return new Result(0, "arping from iputils 20221126\nlibcap: yes, IDN: yes\n", "");
                }
                if (command.contains("-0") || command.contains("-i")) {
                    return new Result(2, "", "arping: invalid option -- '0'\n");
                }
                if (command.contains("-D")) {
                    return new Result(held ? 1 : 0, "", "");
                }
                return new Result(0, "", "");
            default:
                if (command.contains("-V") || command.contains("--help")) {
                    return new Result(command.contains("-V") ? 1 : 0,
                            "ARPing 2.23, by Thomas Habets <thomas@habets.se>\nusage: arping [ -0aAbdDeFpPqrRuUvzZ ]\n",
                            command.contains("-V") ? "arping: option requires an argument -- 'V'\n" : "");
                }
                if (command.contains("-I")) {
                    return new Result(1, "", "arping: invalid option -- 'I'\n");
                }
                if (command.contains("-0")) {
                    return new Result(held ? 0 : 1, "", "");
                }
                return new Result(1, "", "");
        }
    }

    private Result ip(List<String> c) {
        if (c.get(1).equals("-j")) {
            String name = c.get(5);
            List<Addr> addrs = interfaces.get(name);
            if (addrs == null) {
                return new Result(1, "", "Device \"" + name + "\" does not exist.\n");
            }
            StringBuilder json = new StringBuilder("[{\"ifindex\":2,\"ifname\":\"" + name
                    + "\",\"address\":\"02:00:00:00:00:01\",\"addr_info\":[");
            for (int i = 0; i < addrs.size(); i++) {
                Addr a = addrs.get(i);
                String[] parts = a.cidr().split("/");
                json.append(i > 0 ? "," : "").append("{\"family\":\"").append(a.cidr().contains(":") ? "inet6" : "inet")
                        .append("\",\"local\":\"").append(parts[0]).append("\",\"prefixlen\":").append(parts[1]);
                if (!a.label().isEmpty()) {
                    json.append(",\"label\":\"").append(a.label()).append('"');
                }
                if (a.dadFailed()) {
                    json.append(",\"tentative\":true,\"dadfailed\":true");
                }
                json.append('}');
            }
            return new Result(0, json.append("]}]").toString(), "");
        }
        String verb = c.get(2);
        String cidr = c.get(3);
        String name = c.get(5);
        List<Addr> addrs = interfaces.get(name);
        if (addrs == null) {
            return new Result(1, "", "Cannot find device \"" + name + "\"\n");
        }
        String address = cidr.split("/")[0];
        if (verb.equals("add")) {
            if (addrs.stream().anyMatch(a -> sameAddress(a.cidr(), address))) {
                return new Result(2, "", "RTNETLINK answers: File exists\n");
            }
            String label = c.size() > 7 ? c.get(7) : (cidr.contains(":") ? "" : name);
            Addr added = new Addr(cidr, label, cidr.contains(":")
                    && heldElsewhere.stream().anyMatch(h -> sameAddress(h, address)));
            addrs.add(added);
            emit(false, name, added);
            return new Result(0, "", "");
        }
        if (ignoreDelete) {
            return new Result(0, "", "");
        }
        List<Addr> removed = addrs.stream().filter(a -> sameAddress(a.cidr(), address)
                && a.cidr().split("/")[1].equals(cidr.split("/")[1])).toList();
        addrs.removeAll(removed);
        removed.forEach(a -> emit(true, name, a));
        return removed.isEmpty() ? new Result(2, "", "RTNETLINK answers: Cannot assign requested address\n")
                : new Result(0, "", "");
    }

    /** An operator's {@code ip addr del} by hand: the address goes and the monitor says so. */
    synchronized void operatorDeletes(String name, String cidr) {
        List<Addr> removed = interfaces.get(name).stream().filter(a -> a.cidr().equals(cidr)).toList();
        interfaces.get(name).removeAll(removed);
        removed.forEach(a -> emit(true, name, a));
    }
}

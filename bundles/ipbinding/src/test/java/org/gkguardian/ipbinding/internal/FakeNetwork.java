package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * Plays iproute2, arping and na6 on an in-memory host: interfaces with addresses, addresses other hosts
 * hold, and a log of every command run.
 */
final class FakeNetwork implements CommandRunner {
    record Addr(String cidr, String label, boolean dadFailed) {
    }

    final Map<String, List<Addr>> interfaces = new LinkedHashMap<>();
    final Set<String> heldElsewhere = new HashSet<>();
    final List<List<String>> log = new ArrayList<>();
    boolean ignoreDelete;
    boolean arpingMissing;

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

    static boolean sameAddress(String cidrOrAddress, String address) {
        try {
            return java.net.InetAddress.getByName(cidrOrAddress.split("/")[0])
                    .equals(java.net.InetAddress.getByName(address));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public Result run(List<String> command, Duration timeout) throws IOException {
        log.add(command);
        String program = command.get(0);
        if (program.equals("ip")) {
            return ip(command);
        }
        if (program.equals("arping")) {
            if (arpingMissing) {
                throw new IOException("Cannot run program \"arping\": error=2, No such file or directory");
            }
            String target = command.get(command.size() - 1);
            if (command.contains("-0")) {
                return new Result(heldElsewhere.stream().anyMatch(h -> sameAddress(h, target)) ? 0 : 1, "", "");
            }
            return new Result(1, "", "");
        }
        if (program.equals("na6")) {
            return new Result(0, "", "");
        }
        throw new IOException("unknown program " + program);
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
            addrs.add(new Addr(cidr, label, cidr.contains(":")
                    && heldElsewhere.stream().anyMatch(h -> sameAddress(h, address))));
            return new Result(0, "", "");
        }
        if (ignoreDelete) {
            return new Result(0, "", "");
        }
        boolean removed = addrs.removeIf(a -> sameAddress(a.cidr(), address)
                && a.cidr().split("/")[1].equals(cidr.split("/")[1]));
        return removed ? new Result(0, "", "") : new Result(2, "", "RTNETLINK answers: Cannot assign requested address\n");
    }
}

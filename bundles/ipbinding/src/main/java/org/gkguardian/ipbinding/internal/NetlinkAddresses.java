package org.gkguardian.ipbinding.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.gkguardian.config.IpLiteral;

/**
 * Adds and deletes VIPs and reads interfaces through the kernel's routing netlink instead of the {@code ip} program:
 * the commands {@link IpCommands} builds for {@code ip addr add}, {@code ip addr del} are carried out as the netlink
 * requests {@code ip} itself would send, and {@link #read} answers what {@code ip -j addr show dev NAME} would. A bind
 * or a release on the role thread then waits for the kernel only, never for a process to be forked and scheduled.
 * Every other command (the monitor, arping) and an {@code ip.command} that is not {@code ip} go to the processes as
 * before.
 */
final class NetlinkAddresses implements CommandRunner, AddressWatch.Reader {
    private final RouteLink link;
    private final CommandRunner processes;

    NetlinkAddresses(RouteLink link, CommandRunner processes) {
        this.link = link;
        this.processes = processes;
    }

    @Override
    public Result run(List<String> command, Duration timeout) throws IOException {
        boolean ip = command.size() >= 6 && Path.of(command.get(0)).getFileName().toString().equals("ip")
                && command.get(1).equals("addr") && command.get(4).equals("dev");
        if (ip && command.get(2).equals("add") && (command.size() == 6
                || (command.size() == 8 && command.get(6).equals("label")))) {
            return change(true, command.get(3), command.get(5), command.size() == 8 ? command.get(7) : "", timeout);
        }
        if (ip && command.get(2).equals("del") && command.size() == 6) {
            return change(false, command.get(3), command.get(5), "", timeout);
        }
        return processes.run(command, timeout);
    }

    @Override
    public Started start(List<String> command) throws IOException {
        return processes.start(command);
    }

    @Override
    public Started stream(List<String> command, Consumer<String> lines) throws IOException {
        return processes.stream(command, lines);
    }

    /** As ip answers: exit status 0, or 2 with "RTNETLINK answers: ..." (1 for an unknown device, as ip). */
    private Result change(boolean add, String cidr, String interfaceName, String label, Duration timeout)
            throws IOException {
        int slash = cidr.indexOf('/');
        InetAddress address;
        int prefix;
        try {
            address = IpLiteral.parse(slash < 0 ? cidr : cidr.substring(0, slash));
            prefix = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            return new Result(1, "", "Error: an inet prefix is expected rather than \"" + cidr + "\".");
        }
        OptionalInt index = link.interfaceIndex(interfaceName);
        if (index.isEmpty()) {
            return new Result(1, "", "Cannot find device \"" + interfaceName + "\"");
        }
        int seq = link.nextSequence();
        byte[] message = add ? RtNetlink.addAddress(seq, index.getAsInt(), address, prefix, label)
                : RtNetlink.deleteAddress(seq, index.getAsInt(), address, prefix);
        int error = link.request(message, seq, timeout);
        return error == 0 ? new Result(0, "", "") : new Result(2, "", "RTNETLINK answers: " + link.errorText(error));
    }

    @Override
    public InterfaceAddresses read(String interfaceName, Duration timeout) throws IOException {
        OptionalInt index = link.interfaceIndex(interfaceName);
        if (index.isEmpty()) {
            throw new IOException("Device \"" + interfaceName + "\" does not exist.");
        }
        int seq = link.nextSequence();
        List<InterfaceAddresses.Entry> entries = new ArrayList<>();
        for (RtNetlink.Address a : link.dump(RtNetlink.dumpAddresses(seq), seq, timeout)) {
            if (a.ifindex() == index.getAsInt()) {
                entries.add(new InterfaceAddresses.Entry(a.address(), a.prefixLength(), a.label(),
                        (a.flags() & RtNetlink.IFA_F_TENTATIVE) != 0, (a.flags() & RtNetlink.IFA_F_DADFAILED) != 0));
            }
        }
        return new InterfaceAddresses(interfaceName, mac(interfaceName), entries);
    }

    /** The Ethernet address as ip prints it (aa:bb:...), or empty. */
    private static String mac(String interfaceName) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(interfaceName);
            byte[] mac = nic == null ? null : nic.getHardwareAddress();
            return mac == null ? "" : HexFormat.ofDelimiter(":").formatHex(mac);
        } catch (SocketException e) {
            return "";
        }
    }
}

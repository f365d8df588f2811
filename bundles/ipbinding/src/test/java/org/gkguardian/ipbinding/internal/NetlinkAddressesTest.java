package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class NetlinkAddressesTest {
    private static final Duration T = Duration.ofSeconds(1);

    /** The kernel as far as these requests go: eth1 is index 3, answers as told. */
    static final class FakeKernel implements RouteLink {
        final List<byte[]> requests = new ArrayList<>();
        int answer;
        List<RtNetlink.Address> table = List.of();
        int seq;

        @Override
        public OptionalInt interfaceIndex(String name) {
            return name.equals("eth1") ? OptionalInt.of(3) : OptionalInt.empty();
        }

        @Override
        public int request(byte[] message, int seq, Duration timeout) {
            requests.add(message);
            return answer;
        }

        @Override
        public List<RtNetlink.Address> dump(byte[] message, int seq, Duration timeout) {
            requests.add(message);
            return table;
        }

        @Override
        public int nextSequence() {
            return ++seq;
        }

        @Override
        public String errorText(int negativeErrno) {
            return negativeErrno == -17 ? "File exists" : "errno " + -negativeErrno;
        }
    }

    /** Records what would have been run as a process. */
    static final class Processes implements CommandRunner {
        final List<List<String>> ran = new ArrayList<>();

        @Override
        public Result run(List<String> command, Duration timeout) {
            ran.add(command);
            return new Result(0, "", "");
        }

        @Override
        public Started start(List<String> command) throws IOException {
            throw new IOException("not here");
        }

        @Override
        public Started stream(List<String> command, Consumer<String> lines) throws IOException {
            throw new IOException("not here");
        }
    }

    private final FakeKernel kernel = new FakeKernel();
    private final Processes processes = new Processes();
    private final NetlinkAddresses addresses = new NetlinkAddresses(kernel, processes);

    private static int type(byte[] m) {
        return ByteBuffer.wrap(m).order(ByteOrder.nativeOrder()).getShort(4);
    }

    @Test
    void addAndDeleteBecomeNetlinkRequestsWithoutAProcess() throws Exception {
        var add = addresses.run(List.of("ip", "addr", "add", "203.0.113.10/24", "dev", "eth1", "label", "eth1:gkg"), T);
        var del = addresses.run(List.of("/usr/sbin/ip", "addr", "del", "203.0.113.10/24", "dev", "eth1"), T);
        assertTrue(add.ok() && del.ok());
        assertEquals(List.of(), processes.ran);
        assertEquals(RtNetlink.RTM_NEWADDR, type(kernel.requests.get(0)));
        assertEquals(RtNetlink.RTM_DELADDR, type(kernel.requests.get(1)));
    }

    @Test
    void aRefusalReadsAsIpWouldPrintIt() throws Exception {
        kernel.answer = -17;
        var add = addresses.run(List.of("ip", "addr", "add", "203.0.113.10/24", "dev", "eth1"), T);
        assertEquals(2, add.exitCode());
        assertEquals("RTNETLINK answers: File exists", add.stderr());
        var missing = addresses.run(List.of("ip", "addr", "add", "203.0.113.10/24", "dev", "eth9"), T);
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("eth9"), missing.stderr());
    }

    @Test
    void everythingElseStillRunsAsAProcess() throws Exception {
        addresses.run(List.of("ip", "-j", "addr", "show", "dev", "eth1"), T);
        addresses.run(List.of("/opt/wrap/my-ip", "addr", "add", "203.0.113.10/24", "dev", "eth1"), T);
        addresses.run(List.of("arping", "-0", "-c", "1", "203.0.113.10"), T);
        assertEquals(3, processes.ran.size());
        assertEquals(List.of(), kernel.requests);
    }

    @Test
    void aReadKeepsTheInterfacesOwnAddressesWithTheirFlags() throws Exception {
        kernel.table = List.of(
                new RtNetlink.Address(3, InetAddress.getByName("203.0.113.11"), 24, "eth1", 0),
                new RtNetlink.Address(2, InetAddress.getByName("198.51.100.11"), 24, "eth0", 0),
                new RtNetlink.Address(3, InetAddress.getByName("2001:db8::10"), 64, "", RtNetlink.IFA_F_DADFAILED));
        InterfaceAddresses eth1 = addresses.read("eth1", T);
        assertEquals(2, eth1.addresses().size());
        assertEquals("eth1", eth1.addresses().get(0).label());
        assertTrue(eth1.addresses().get(1).dadFailed());
        assertThrows(IOException.class, () -> addresses.read("eth9", T));
    }
}

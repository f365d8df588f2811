package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleContext;
import org.gkguardian.api.VipControl.VipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpBindingTest {
    @TempDir
    Path dir;

    private final FakeNetwork net = new FakeNetwork().withInterface("eth1", "203.0.113.11/24");
    private final RoleContext master = new RoleContext("n1", Role.MASTER, 7, List.of());

    private IpBindingConfig config(String... vips) {
        return Configs.config("vips", vips, "state_file", dir.resolve("bound-vips").toString(), "garp_count", 1);
    }

    @Test
    void withNoVipEverythingIsANoOp() throws Exception {
        IpBinding binding = new IpBinding(Configs.config(), net);
        binding.bind(master);
        binding.announce();
        binding.release();
        assertTrue(binding.configured().isEmpty());
        assertTrue(binding.status().isEmpty());
        assertTrue(net.log.isEmpty());
        binding.deactivate();
    }

    @Test
    void releasesStaleLabelledAddressesOnActivation() {
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.10/24", "eth1:gkg", false));
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
        binding.deactivate();
    }

    @Test
    void aCheckAheadThatFindsAHolderChecksAgainUntilItHasLetGoAndTheBindTakesThatAnswer() throws Exception {
        // The dead master's launcher has not released yet when the successor's check ahead starts.
        net.heldElsewhere.add("203.0.113.10");
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
        binding.probeAhead();
        await().atMost(Duration.ofSeconds(10)).until(() -> net.count("arping", "-0") >= 3);
        net.heldElsewhere.clear();
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long now = net.count("arping", "-0");
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        });
        binding.bind(master);
        assertEquals(last[0], net.count("arping", "-0"), "the newest check ahead, which found nobody, answered");
        assertTrue(binding.status().get(0).bound());
        binding.deactivate();
    }

    @Test
    void bindAnnouncesAndDeactivateReleases() throws Exception {
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
        binding.bind(master);
        assertTrue(binding.status().get(0).bound());
        assertEquals(1, net.count("arping", "-U"));
        binding.deactivate();
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
    }

    @Test
    void invalidConfigurationIsInertAndRefusesToBind() {
        IpBinding binding = new IpBinding(config("203.0.113.10/24@bad/name"), net);
        assertTrue(binding.configured().isEmpty());
        VipException e = assertThrows(VipException.class, () -> binding.bind(master));
        assertFalse(e.conflict());
        assertTrue(e.getMessage().contains("bad/name"), e.getMessage());
        assertTrue(net.log.isEmpty());
        binding.deactivate();
    }

    @Test
    void aRefusedChangeKeepsTheLastGoodConfiguration() throws Exception {
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
        binding.bind(master);
        binding.modified(config("203.0.113.300/24@eth1"));
        assertEquals("203.0.113.10/24@eth1", binding.configured().get(0).cidr() + "@eth1");
        assertTrue(binding.status().get(0).bound());
        binding.modified(config("203.0.113.20/24@eth1"));
        assertEquals(List.of("203.0.113.11/24", "203.0.113.20/24"), net.cidrs("eth1"));
        binding.deactivate();
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
    }

    @Test
    void theFirstValidConfigurationReleasesStaleAddresses() throws Exception {
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.10/24", "eth1:gkg", false));
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1/"), net);
        assertEquals(2, net.cidrs("eth1").size(), "an inert component touches nothing");
        binding.modified(config("203.0.113.10/24@eth1"));
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
        binding.bind(master);
        assertTrue(binding.status().get(0).bound());
        binding.deactivate();
    }

    @Test
    void aReleaseThatDoesNotTakeIsReportedAndRetriedWithBackOffUntilItTakes() throws Exception {
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
        binding.bind(master);
        assertTrue(binding.releaseProblem().isEmpty());
        net.ignoreDelete = true;
        binding.release();
        String problem = binding.releaseProblem().orElseThrow();
        assertTrue(problem.contains("203.0.113.10/24 dev eth1: still bound after release"), problem);
        long deletes = net.count("ip", "del");
        // The retry deletes first and says how it went after: wait for what it says, not for the delete.
        await().atMost(Duration.ofSeconds(2)).until(() -> binding.releaseProblem().orElse("").contains("after 3 attempts"));
        assertTrue(net.count("ip", "del") >= deletes + 2);
        net.ignoreDelete = false;
        await().atMost(Duration.ofSeconds(3)).until(() -> binding.releaseProblem().isEmpty());
        assertEquals(List.of("203.0.113.11/24"), net.cidrs("eth1"));
        assertFalse(binding.status().get(0).bound());
        binding.deactivate();
    }

    /**
     * The keep-alive may ask its launcher for the long idle timeout only while no VIP can be on an interface here: not
     * from the bind on, not while a release is unverified and retried, and not once nothing tells it any more.
     */
    @Test
    void theKeepAliveLearnsThatNoVipIsBoundOnlyOnceNoneIsBoundOrBeingReleased() throws Exception {
        WatchdogKeepAlive watchdog = new WatchdogKeepAlive();
        try {
            assertTrue(watchdog.vipsMayBeBound(), "nobody said otherwise yet");
            IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
            binding.setWatchdog(watchdog);
            assertFalse(watchdog.vipsMayBeBound(), "nothing bound after the clean-up at start");
            binding.bind(master);
            assertTrue(watchdog.vipsMayBeBound());
            net.ignoreDelete = true;
            binding.release();
            assertTrue(watchdog.vipsMayBeBound(), "a release that did not take is retried: the VIP may still be here");
            net.ignoreDelete = false;
            await().atMost(Duration.ofSeconds(3)).until(() -> binding.releaseProblem().isEmpty());
            assertFalse(watchdog.vipsMayBeBound(), "the retried release took");
            binding.bind(master);
            binding.release();
            assertFalse(watchdog.vipsMayBeBound());
            binding.deactivate();
            assertTrue(watchdog.vipsMayBeBound(), "a deactivated binding no longer vouches for anything");
        } finally {
            watchdog.deactivate();
        }
    }

    @Test
    void anInvalidConfigurationNeverLetsTheKeepAliveCountOnNoVip() throws Exception {
        WatchdogKeepAlive watchdog = new WatchdogKeepAlive();
        try {
            IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1/"), net);
            binding.setWatchdog(watchdog);
            assertTrue(watchdog.vipsMayBeBound(), "an inert binding knows nothing of the VIPs");
            binding.modified(config("203.0.113.10/24@eth1"));
            assertFalse(watchdog.vipsMayBeBound());
            binding.deactivate();
        } finally {
            watchdog.deactivate();
        }
    }

    @Test
    void aBindSupersedesARetriedRelease() throws Exception {
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
        binding.bind(master);
        net.ignoreDelete = true;
        binding.release();
        assertTrue(binding.releaseProblem().isPresent());
        net.ignoreDelete = false;
        binding.bind(master);
        assertTrue(binding.releaseProblem().isEmpty());
        long deletes = net.count("ip", "del");
        Thread.sleep(300);
        assertEquals(deletes, net.count("ip", "del"), "no retry removes the VIP bound again");
        assertTrue(binding.status().get(0).bound());
        binding.deactivate();
    }

    @Test
    void withAnUnusableArpingTheBindFailsWithTheSameClearErrorEveryTime() throws Exception {
        net.arping = FakeNetwork.ArpingKind.BUSYBOX;
        IpBinding binding = new IpBinding(config("203.0.113.10/24@eth1"), net);
        VipException first = assertThrows(VipException.class, () -> binding.bind(master));
        VipException second = assertThrows(VipException.class, () -> binding.bind(master));
        assertFalse(first.conflict());
        assertEquals(first.getMessage(), second.getMessage());
        assertTrue(first.getMessage().contains("iputils-arping"), first.getMessage());
        assertEquals(0, net.count("ip", "add"));
        binding.deactivate();
    }
}

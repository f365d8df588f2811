package org.gkguardian.ipbinding.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AddressWatchTest {
    private final FakeNetwork net = new FakeNetwork().withInterface("eth1", "203.0.113.11/24");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AddressWatch watch;

    AddressWatchTest() throws Exception {
        VipSettings settings = ConfigValidator.validate(Configs.config("vips", new String[] {"203.0.113.10/24@eth1"}),
                Path.of("/tmp/unused"));
        watch = new AddressWatch(List.of("eth1"), settings, net, scheduler);
    }

    @AfterEach
    void stop() {
        watch.stop();
        scheduler.shutdownNow();
    }

    private boolean knows(String address) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        return watch.current("eth1").addresses().map(i -> i.find(a).isPresent()).orElse(false);
    }

    @Test
    void startsTheMonitorBeforeTheFirstReadAndFollowsItsEvents() throws Exception {
        watch.start();
        assertEquals(List.of("ip", "-o", "monitor", "address"), net.log.get(0));
        assertEquals(List.of("ip", "-j", "addr", "show", "dev", "eth1"), net.log.get(1));
        assertTrue(knows("203.0.113.11"));
        net.run(List.of("ip", "addr", "add", "203.0.113.10/24", "dev", "eth1", "label", "eth1:gkg"), Duration.ZERO);
        long forks = net.forks();
        assertTrue(knows("203.0.113.10"));
        net.operatorDeletes("eth1", "203.0.113.10/24");
        assertFalse(knows("203.0.113.10"));
        assertEquals(forks, net.forks(), "events are applied from memory");
        assertTrue(watch.monitoring());
    }

    @Test
    void aMonitorThatEndsIsStartedAgainAndTheInterfacesAreReadAgain() throws Exception {
        watch.start();
        net.liveMonitors().get(0).die("Killed");
        assertFalse(watch.monitoring());
        // A change while no monitor runs is caught by the read that follows the restart.
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.10/24", "eth1:gkg", false));
        await().atMost(Duration.ofSeconds(2)).until(() -> net.liveMonitors().size() == 1 && knows("203.0.113.10"));
        assertTrue(watch.monitoring());
        assertEquals(2, net.monitors.size());
    }

    @Test
    void restartsBackOffWhileTheMonitorKeepsDying() throws Exception {
        watch.start();
        long t0 = System.nanoTime();
        for (int i = 1; i <= 3; i++) {
            int started = i;
            await().atMost(Duration.ofSeconds(3)).until(() -> net.monitors.size() == started);
            net.monitors.get(i - 1).die("Killed");
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> net.monitors.size() == 4);
        // 100 + 200 + 400 ms of back-off at least between the first death and the fourth start.
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(700).toNanos());
    }

    @Test
    void aMonitorThatCannotStartLeavesTheWatchReadingAndRetrying() throws Exception {
        net.monitorCannotStart = true;
        watch.start();
        assertFalse(watch.monitoring());
        assertTrue(knows("203.0.113.11"));
        net.monitorCannotStart = false;
        await().atMost(Duration.ofSeconds(2)).until(watch::monitoring);
    }

    @Test
    void anUnreadableMonitorLineLeadsToAFullRead() throws Exception {
        watch.start();
        net.interfaces.get("eth1").add(new FakeNetwork.Addr("203.0.113.10/24", "eth1:gkg", false));
        net.liveMonitors().get(0).sink.accept("3: eth1    inet 203.0.113.999/24 scope global eth1");
        await().atMost(Duration.ofSeconds(2)).until(() -> knows("203.0.113.10"));
    }

    @Test
    void anInterfaceThatCannotBeReadSaysWhy() throws Exception {
        net.interfaces.remove("eth1");
        watch.start();
        AddressWatch.Known known = watch.current("eth1");
        assertTrue(known.addresses().isEmpty());
        assertTrue(known.problem().contains("does not exist"), known.problem());
    }
}

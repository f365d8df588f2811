package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.gkguardian.api.GatekeeperState;
import org.gkguardian.api.MemberState;
import org.gkguardian.api.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The heartbeat thread wakes when a renewal or the state is due, and at once when its node starts renewing. */
class HeartbeatPacingTest {

    private static final long MS = 1_000_000L;
    private static final long HEARTBEAT = 100 * MS;
    private static final long RENEW = 25 * MS;

    private final List<Wire.Message> sent = new ArrayList<>();
    private long now;
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1);

    private final Membership membership = new Membership() {
        @Override
        public void send(byte[] payload) {
            sent.add(Wire.decode(payload, 0, payload.length));
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    private Outbox outbox() throws Exception {
        InetAddress self = InetAddress.getByName("198.51.100.11");
        PeerTracker peers = new PeerTracker(self, List.of(self, InetAddress.getByName("198.51.100.12")), 1, 600 * MS);
        Outbox outbox = new Outbox(membership, peers, () -> now, 1, HEARTBEAT, RENEW, new DatagramAnswers(RENEW));
        outbox.publish(new Outbox.Outgoing(new MemberState("n1", self, 100, true, Role.BACKUP, 1, false, "", false),
                GatekeeperState.UNKNOWN, "", Set.of(self), ""));
        return outbox;
    }

    @Test
    void aBackupWakesOncePerHeartbeatToRepeatItsState() throws Exception {
        Outbox outbox = outbox();
        sent.clear();
        now = 25 * MS;
        assertEquals(75 * MS, outbox.beat(true), "nothing due before the heartbeat");
        assertEquals(List.of(), sent);
        now = 100 * MS;
        assertEquals(HEARTBEAT, outbox.beat(true));
        assertEquals(1, sent.size());
        assertInstanceOf(Wire.StateMessage.class, sent.get(0));
    }

    @Test
    void aMasterWakesEveryRenewalPeriodAndWakesTheHeartbeatThreadWhenItStartsRenewing() throws Exception {
        Outbox outbox = outbox();
        AtomicInteger wakes = new AtomicInteger();
        outbox.onRenewingStarted(wakes::incrementAndGet);
        sent.clear();
        now = 10 * MS;
        outbox.renewing(new Wire.LeaseRenew(2, InetAddress.getByName("198.51.100.11"), 1, 0));
        assertEquals(1, wakes.get(), "the heartbeat thread may be asleep for a whole heartbeat");
        assertInstanceOf(Wire.LeaseRenew.class, sent.get(0));
        now = 35 * MS;
        assertEquals(RENEW, outbox.beat(true));
        assertEquals(2, sent.size(), "the second renewal, one period after the first");
        outbox.renewing(null);
        assertEquals(65 * MS, outbox.beat(true), "a backup again: the state is next, at 100 ms");
        assertEquals(1, wakes.get(), "stopping needs no wake-up");
    }

    @Test
    void aStuckRoleThreadSendsNothingAndIsLookedAtAgainAfterARenewalPeriod() throws Exception {
        Outbox outbox = outbox();
        outbox.renewing(new Wire.LeaseRenew(2, InetAddress.getByName("198.51.100.11"), 1, 0));
        sent.clear();
        now = 200 * MS;
        assertEquals(RENEW, outbox.beat(false));
        assertEquals(List.of(), sent);
    }

    @Test
    void aWakeUpBringsTheNextBeatForward() throws Exception {
        AtomicInteger beats = new AtomicInteger();
        HeartbeatPacer pacer = new HeartbeatPacer(thread, () -> {
            beats.incrementAndGet();
            return TimeUnit.HOURS.toNanos(1);
        }, () -> true, RENEW);
        pacer.start(TimeUnit.HOURS.toNanos(1));
        pacer.wakeNow();
        drain();
        assertEquals(1, beats.get(), "the woken beat, not the one due in an hour");
        assertEquals(1L, pending(), "the next beat, an hour away");
    }

    @Test
    void aBeatRunningWhileTheThreadIsWokenStartsNoSecondChainOfBeats() throws Exception {
        AtomicInteger beats = new AtomicInteger();
        CountDownLatch inBeat = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HeartbeatPacer pacer = new HeartbeatPacer(thread, () -> {
            if (beats.incrementAndGet() == 1) {
                inBeat.countDown();
                await(release);
            }
            return TimeUnit.HOURS.toNanos(1);
        }, () -> true, RENEW);
        pacer.start(0);
        assertTrue(inBeat.await(10, TimeUnit.SECONDS));
        pacer.wakeNow();
        release.countDown();
        drain();
        drain();
        assertEquals(2, beats.get(), "the running beat and the woken one");
        assertEquals(1L, pending(), "one chain of beats goes on, not two");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void noBeatIsScheduledOnceThePacersClusterIsGone() throws Exception {
        AtomicInteger beats = new AtomicInteger();
        AtomicBoolean current = new AtomicBoolean(true);
        HeartbeatPacer pacer = new HeartbeatPacer(thread, () -> {
            beats.incrementAndGet();
            current.set(false);
            return 0;
        }, current::get, RENEW);
        pacer.start(0);
        drain();
        drain();
        assertEquals(1, beats.get());
        assertEquals(0L, pending(), "no beat after the cluster stopped");
    }

    /** Runs what is due on the heartbeat thread now: a task submitted after them runs after them. */
    private void drain() throws Exception {
        thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /** Beats scheduled and still to run (superseded ones are cancelled). */
    private long pending() {
        return thread.getQueue().stream().filter(task -> !((Future<?>) task).isCancelled()).count();
    }
}

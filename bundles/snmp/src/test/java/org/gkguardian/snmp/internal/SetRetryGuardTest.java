package org.gkguardian.snmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.gkguardian.api.OperatorResult;
import org.junit.jupiter.api.Test;

class SetRetryGuardTest {

    private Instant now = Instant.parse("2026-12-02T03:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    private final AtomicInteger submitted = new AtomicInteger();

    private OperatorResult switchover() {
        return OperatorResult.accepted("switching over #" + submitted.incrementAndGet());
    }

    private static SetRetryGuard.Key key(String manager, int requestId) {
        return new SetRetryGuard.Key(manager, 3, "admin", requestId, 2, 0);
    }

    @Test
    void theSameRequestWithinTheWindowIsAnsweredAsTheFirstTime() {
        SetRetryGuard guard = new SetRetryGuard(clock, Duration.ofSeconds(60), 16);
        SetRetryGuard.Outcome first = guard.once(key("127.0.0.1/40000", 7), this::switchover);
        now = now.plusSeconds(5);
        SetRetryGuard.Outcome retry = guard.once(key("127.0.0.1/40000", 7), this::switchover);
        assertFalse(first.retransmission());
        assertTrue(retry.retransmission());
        assertEquals(first.result(), retry.result());
        assertEquals(1, submitted.get());
    }

    @Test
    void anotherRequestIdManagerOrAnExpiredWindowIsANewRequest() {
        SetRetryGuard guard = new SetRetryGuard(clock, Duration.ofSeconds(60), 16);
        guard.once(key("127.0.0.1/40000", 7), this::switchover);
        guard.once(key("127.0.0.1/40000", 8), this::switchover);
        guard.once(key("127.0.0.2/40000", 7), this::switchover);
        now = now.plusSeconds(61);
        guard.once(key("127.0.0.1/40000", 7), this::switchover);
        assertEquals(4, submitted.get());
    }

    @Test
    void memoryIsBounded() {
        SetRetryGuard guard = new SetRetryGuard(clock, Duration.ofSeconds(60), 2);
        guard.once(key("m", 1), this::switchover);
        guard.once(key("m", 2), this::switchover);
        guard.once(key("m", 3), this::switchover);
        guard.once(key("m", 1), this::switchover);
        assertEquals(4, submitted.get(), "the oldest was forgotten");
    }
}

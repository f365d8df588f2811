package org.gkguardian.ipbinding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gkguardian.api.Guardian;
import org.junit.jupiter.api.Test;

class WatchdogKeepAliveTest {

    @Test
    void keepAlivesComeFiveTimesWithinAMastersLimitAndAtTheLaunchersIntervalOtherwise() {
        Duration interval = Duration.ofMillis(100);
        assertEquals(100, WatchdogKeepAlive.nextBeatMillis(interval, Optional.empty()));
        assertEquals(20, WatchdogKeepAlive.nextBeatMillis(interval, Optional.of(Duration.ofMillis(100))));
        assertEquals(100, WatchdogKeepAlive.nextBeatMillis(interval, Optional.of(Duration.ofMillis(1450))));
        assertEquals(4, WatchdogKeepAlive.nextBeatMillis(interval, Optional.of(Duration.ofMillis(10))));
    }

    @Test
    void keepAlivesFollowTheGuardiansRoleThread() {
        AtomicBoolean progressing = new AtomicBoolean(true);
        Guardian guardian = (Guardian) Proxy.newProxyInstance(Guardian.class.getClassLoader(),
                new Class<?>[] {Guardian.class}, (proxy, method, args) -> {
                    if (method.getName().equals("progressing")) {
                        return progressing.get();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        WatchdogKeepAlive watchdog = new WatchdogKeepAlive();
        try {
            assertTrue(watchdog.guardianProgressing(), "no guardian yet: nothing to hold back");
            watchdog.setGuardian(guardian);
            assertTrue(watchdog.guardianProgressing());
            progressing.set(false);
            assertFalse(watchdog.guardianProgressing(), "a stuck role thread withholds the keep-alives");
            progressing.set(true);
            assertTrue(watchdog.guardianProgressing());
            watchdog.unsetGuardian(guardian);
            progressing.set(false);
            assertTrue(watchdog.guardianProgressing());
        } finally {
            watchdog.deactivate();
        }
    }
}

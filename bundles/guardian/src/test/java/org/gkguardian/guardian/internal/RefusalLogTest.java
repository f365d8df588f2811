package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Refusals on the internal LAN: one report per source per quiet period, on virtual time. */
class RefusalLogTest {

    private final List<String> reported = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final RefusalLog log = new RefusalLog(reported::add, now::get);

    @Test
    void aFloodFromOneSourceIsReportedOncePerQuietPeriodAndEachSourceOnItsOwn() throws Exception {
        InetAddress hostile = InetAddress.getByName("198.51.100.66");
        InetAddress other = InetAddress.getByName("198.51.100.67");
        for (int i = 0; i < 10_000; i++) {
            log.refused(hostile, "garbage");
            now.addAndGet(1_000_000); // 1 ms apart: 10 s in all
        }
        log.refused(other, "another key");
        assertEquals(List.of("198.51.100.66", "198.51.100.67"), reported);

        now.addAndGet(RefusalLog.QUIET_NANOS);
        log.refused(hostile, "garbage");
        assertEquals(List.of("198.51.100.66", "198.51.100.67", "198.51.100.66"), reported);
    }
}

package org.gkguardian.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoleWatchTest {

    @Test
    void settlesAtTheFirstSampleWithOneMasterAfterTheLastDisagreement() {
        RoleWatch watch = RoleWatch.parse(List.of(
                "1000000 3 2 2",
                "2000000 - 3 2",      // the cut master does not answer the NMS
                "3000000 3 3 2",      // heal at 2.5 s: the old master is back and still says master
                "3200000 2 3 2",
                "3400000 2 3 2"));

        assertEquals(700.0, watch.settleMillis(2_500_000), 0.001);
    }

    @Test
    void oneMasterThroughoutHasSettledAtOnceAndNeverIsMinusOne() {
        RoleWatch steady = RoleWatch.parse(List.of("1000000 3 2 2", "2000000 3 2 2", "3000000 3 2 -"));
        assertEquals(0.0, steady.settleMillis(1_500_000), 0.001);

        RoleWatch none = RoleWatch.parse(List.of("1000000 3 2 2", "2000000 2 2 2", "3000000 2 2 2"));
        assertEquals(-1, none.settleMillis(1_500_000), 0.001);
    }
}

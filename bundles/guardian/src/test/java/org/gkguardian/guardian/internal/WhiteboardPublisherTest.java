package org.gkguardian.guardian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gkguardian.api.Cause;
import org.gkguardian.api.EventType;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.GuardianListener;
import org.gkguardian.api.Role;
import org.gkguardian.api.RoleTransition;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

class WhiteboardPublisherTest {

    @Test
    void everyListenerHearsEverythingInOrderEvenAfterOneThrows() throws Exception {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        List<Event> posted = Collections.synchronizedList(new ArrayList<>());
        GuardianListener broken = new GuardianListener() {
            @Override
            public void roleChanged(RoleTransition t) {
                throw new IllegalStateException("boom");
            }
        };
        GuardianListener good = new GuardianListener() {
            @Override
            public void roleChanged(RoleTransition t) {
                heard.add("role:" + t.to());
            }

            @Override
            public void eventRaised(GuardianEvent e) {
                heard.add("event:" + e.type());
            }
        };
        EventAdmin admin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                posted.add(event);
            }
        };
        ExecutorService thread = Executors.newSingleThreadExecutor();
        WhiteboardPublisher p = new WhiteboardPublisher(thread, () -> List.of(broken, good), () -> admin);
        p.transition(new RoleTransition("n1", Role.BACKUP, Role.MASTER, 2, Cause.FAILURE, Instant.EPOCH,
                Duration.ofMillis(5), "n1", ""));
        p.event(new GuardianEvent(EventType.QUORUM_LOST, "n1", 2, Cause.QUORUM, Instant.EPOCH, Map.of()));
        thread.shutdown();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        assertEquals(List.of("role:MASTER", "event:QUORUM_LOST"), heard);
        assertEquals("org/gkguardian/ROLE_CHANGED", posted.get(0).getTopic());
        assertEquals("master", posted.get(0).getProperty("role"));
        assertEquals(2L, posted.get(0).getProperty("epoch"));
        assertEquals("org/gkguardian/QUORUM_LOST", posted.get(1).getTopic());
    }
}

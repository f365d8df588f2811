package org.gkguardian.guardian.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.gkguardian.api.GuardianEvent;
import org.gkguardian.api.GuardianListener;
import org.gkguardian.api.RoleTransition;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands transitions and events to every {@link GuardianListener} and to EventAdmin, in order, from one thread of
 * its own, so a slow listener never holds the role machine up.
 */
final class WhiteboardPublisher implements Publisher {

    static final String TOPIC_PREFIX = "org/gkguardian/";
    static final String ROLE_CHANGED = TOPIC_PREFIX + "ROLE_CHANGED";

    private static final Logger LOG = LoggerFactory.getLogger(WhiteboardPublisher.class);

    private final ExecutorService thread;
    private final Supplier<List<GuardianListener>> listeners;
    private final Supplier<EventAdmin> eventAdmin;

    WhiteboardPublisher(ExecutorService thread, Supplier<List<GuardianListener>> listeners,
            Supplier<EventAdmin> eventAdmin) {
        this.thread = thread;
        this.listeners = listeners;
        this.eventAdmin = eventAdmin;
    }

    @Override
    public void transition(RoleTransition t) {
        submit(() -> {
            for (GuardianListener l : listeners.get()) {
                try {
                    l.roleChanged(t);
                } catch (RuntimeException e) {
                    LOG.warn("Guardian listener {} failed on a role change", l, e);
                }
            }
            Map<String, Object> p = new HashMap<>();
            p.put("node", t.node());
            p.put("from", t.from().label());
            p.put("to", t.to().label());
            p.put("role", t.to().label());
            p.put("epoch", t.epoch());
            p.put("cause", t.cause().label());
            p.put("master", t.master());
            p.put("detail", t.detail());
            p.put("took.ms", t.took().toMillis());
            p.put("timestamp", t.at().toEpochMilli());
            post(ROLE_CHANGED, p);
        });
    }

    @Override
    public void event(GuardianEvent e) {
        submit(() -> {
            for (GuardianListener l : listeners.get()) {
                try {
                    l.eventRaised(e);
                } catch (RuntimeException ex) {
                    LOG.warn("Guardian listener {} failed on event {}", l, e.type(), ex);
                }
            }
            Map<String, Object> p = new HashMap<>(e.details());
            p.put("type", e.type().name());
            p.put("node", e.node());
            p.put("epoch", e.epoch());
            p.put("cause", e.cause().label());
            p.put("timestamp", e.at().toEpochMilli());
            post(TOPIC_PREFIX + e.type().name(), p);
        });
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin.get();
        if (admin != null) {
            try {
                admin.postEvent(new Event(topic, properties));
            } catch (RuntimeException ex) {
                LOG.warn("EventAdmin refused {}: {}", topic, ex.toString());
            }
        }
    }

    private void submit(Runnable r) {
        try {
            thread.execute(r);
        } catch (RejectedExecutionException ignored) {
            // Shutting down: nobody is left to tell.
        }
    }
}

package org.gkguardian.guardian.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gkguardian.api.Alarm;
import org.gkguardian.api.Cause;
import org.gkguardian.api.RoleTransition;

/**
 * What outlives a restart of the role machine within one activation: transition history, active alarms, failover
 * count. Written by the role machine's thread, read by anyone.
 */
final class Journal {

    private final Deque<RoleTransition> history = new ArrayDeque<>();
    private final Map<String, Alarm> alarms = new LinkedHashMap<>();
    private int historySize;
    private long failoverCount;
    private Instant lastFailover;
    private Cause lastFailoverCause;

    Journal(int historySize) {
        this.historySize = historySize;
    }

    synchronized void historySize(int size) {
        this.historySize = size;
        trim();
    }

    synchronized void record(RoleTransition t) {
        history.addLast(t);
        trim();
    }

    private void trim() {
        while (history.size() > historySize) {
            history.removeFirst();
        }
    }

    synchronized List<RoleTransition> history() {
        return List.copyOf(history);
    }

    /** Returns true when the alarm was not active before. */
    synchronized boolean raise(Alarm alarm) {
        return alarms.putIfAbsent(alarm.id(), alarm) == null;
    }

    /** Returns true when the alarm was active. */
    synchronized boolean clear(String id) {
        return alarms.remove(id) != null;
    }

    /** Removes the alarm and returns it, or empty when it was not active. */
    synchronized Optional<Alarm> remove(String id) {
        return Optional.ofNullable(alarms.remove(id));
    }

    synchronized boolean active(String id) {
        return alarms.containsKey(id);
    }

    synchronized List<Alarm> alarms() {
        List<Alarm> out = new ArrayList<>(alarms.values());
        out.sort(Comparator.comparing(Alarm::raised));
        return List.copyOf(out);
    }

    synchronized void failover(Instant at, Cause cause) {
        failoverCount++;
        lastFailover = at;
        lastFailoverCause = cause;
    }

    synchronized long failoverCount() {
        return failoverCount;
    }

    synchronized Optional<Instant> lastFailover() {
        return Optional.ofNullable(lastFailover);
    }

    synchronized Optional<Cause> lastFailoverCause() {
        return Optional.ofNullable(lastFailoverCause);
    }
}

package org.gkguardian.guardian.internal;

import java.util.HashMap;
import java.util.Map;

/** Rate limit for a warning that the same cause would repeat with every message: at most once a minute per key. */
final class OncePerMinute {

    private static final long MINUTE_NANOS = 60_000_000_000L;
    private final Map<Object, Long> lastWarned = new HashMap<>();

    /** Whether a warning about {@code key} is due now (none in the last minute), and if so remembers it. */
    boolean due(Object key, long now) {
        Long last = lastWarned.get(key);
        if (last != null && now - last <= MINUTE_NANOS) {
            return false;
        }
        lastWarned.put(key, now);
        return true;
    }
}

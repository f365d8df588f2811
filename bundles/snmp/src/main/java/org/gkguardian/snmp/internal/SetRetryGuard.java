package org.gkguardian.snmp.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.gkguardian.api.OperatorResult;

/**
 * A manager that hears no answer in time sends the same SET again, with the same request-id. A switchover is not
 * idempotent (target 0, "the best other member", would switch back), so a retransmission must get the first
 * answer instead of a second switchover: the first submission's result is kept for a while per manager, security
 * name, request-id and content.
 */
final class SetRetryGuard {

    /** What makes two SETs the same request: who sent it, as whom, its request-id, and what it asks. */
    record Key(String manager, int securityModel, String securityName, int requestId, int action, long target) {
    }

    private record Entry(Instant at, CompletableFuture<OperatorResult> result) {
    }

    private final Clock clock;
    private final Duration window;
    private final int capacity;
    private final Map<Key, Entry> seen = new LinkedHashMap<>();

    /**
     * @param window how long a request is remembered; longer than a manager's timeout times its retries
     * @param capacity how many requests are remembered at most (the oldest goes first)
     */
    SetRetryGuard(Clock clock, Duration window, int capacity) {
        this.clock = clock;
        this.window = window;
        this.capacity = capacity;
    }

    /** Whether the result came from {@code action} now or from an earlier submission of the same request. */
    record Outcome(OperatorResult result, boolean retransmission) {
    }

    /** Runs {@code action} unless the same request was submitted within the window; then answers as it did. */
    Outcome once(Key key, Supplier<OperatorResult> action) {
        CompletableFuture<OperatorResult> mine = new CompletableFuture<>();
        CompletableFuture<OperatorResult> earlier;
        synchronized (this) {
            Instant now = clock.instant();
            for (Iterator<Entry> it = seen.values().iterator(); it.hasNext();) {
                if (it.next().at().plus(window).isBefore(now)) {
                    it.remove();
                }
            }
            Entry entry = seen.get(key);
            earlier = entry == null ? null : entry.result();
            if (earlier == null) {
                seen.put(key, new Entry(now, mine));
                while (seen.size() > capacity) {
                    seen.remove(seen.keySet().iterator().next());
                }
            }
        }
        if (earlier != null) {
            return new Outcome(await(earlier), true);
        }
        OperatorResult result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            result = OperatorResult.refused(OperatorResult.Outcome.REFUSED, "the guardian failed: " + e.getMessage());
        }
        mine.complete(result);
        return new Outcome(result, false);
    }

    private OperatorResult await(CompletableFuture<OperatorResult> earlier) {
        try {
            return earlier.get(window.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OperatorResult.refused(OperatorResult.Outcome.REFUSED, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return OperatorResult.refused(OperatorResult.Outcome.REFUSED,
                    "the first transmission of this request has no result yet");
        }
    }
}

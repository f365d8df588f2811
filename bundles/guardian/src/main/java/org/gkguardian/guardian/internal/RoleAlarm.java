package org.gkguardian.guardian.internal;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Wakes the role thread at the role machine's next deadline (see {@link RoleMachine#wake}) with one one-shot task. A
 * deadline earlier than the one set replaces it; a later one waits, since most deadlines only ever move later (a
 * promise or a lease renewed every few milliseconds) and the wake-up at the old one sets the new one for the price of
 * a comparison. Role thread only: the machine reports its deadlines there and the one-shot runs there.
 */
final class RoleAlarm implements LongConsumer {

    /** Runs a task once after a delay, on the role thread. */
    interface Scheduler {
        /** @return what cancels the task if it has not run yet */
        Runnable after(long delayNanos, Runnable task);
    }

    private final LongSupplier nanos;
    private final Scheduler scheduler;
    private Runnable wake = () -> {
    };
    private long setFor = Long.MAX_VALUE;
    private Runnable cancel = () -> {
    };

    RoleAlarm(LongSupplier nanos, Scheduler scheduler) {
        this.nanos = nanos;
        this.scheduler = scheduler;
    }

    /** What runs at the deadline: the role machine's wake-up, which exists only once the machine does. */
    void wakes(Runnable task) {
        this.wake = task;
    }

    /** The next deadline, on {@code nanos}'s clock; MAX_VALUE for none. */
    @Override
    public void accept(long deadline) {
        if (deadline >= setFor) {
            return;
        }
        cancel.run();
        setFor = deadline;
        cancel = scheduler.after(Math.max(0, deadline - nanos.getAsLong()), this::ring);
    }

    private void ring() {
        setFor = Long.MAX_VALUE;
        cancel = () -> {
        };
        wake.run();
    }
}

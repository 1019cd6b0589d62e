package io.bess.wsms.auth;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for the token expiries of every connection (never a thread per client): each connection with
 * an expiring token has one scheduled task, replaced when the client refreshes its token and removed when it
 * leaves. The tasks only ask a session to close, which never blocks.
 */
public final class ExpiryTimer implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ExpiryTimer.class.getName());

    private final ScheduledThreadPoolExecutor timer;

    /** Starts the timer thread. */
    public ExpiryTimer() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "token-expiry");
            thread.setDaemon(true);
            return thread;
        });
        // cancelled deadlines (refreshed tokens, closed connections) leave the queue at once
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A scheduled expiry; cancelling it is safe more than once and after it ran. */
    @FunctionalInterface
    public interface Deadline {
        /** Nothing is scheduled. */
        Deadline NONE = () -> { };

        /** Cancels the expiry. */
        void cancel();
    }

    /**
     * Runs an action when a token expires.
     *
     * @param expiry the token's {@code exp}; {@link Instant#MAX} schedules nothing
     * @param action what to do then; must not block
     * @return the deadline, to cancel
     */
    public Deadline at(Instant expiry, Runnable action) {
        if (expiry.equals(Instant.MAX)) {
            return Deadline.NONE;
        }
        long delay = Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis());
        ScheduledFuture<?> task = timer.schedule(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "Token expiry action failed: " + e, e);
            }
        }, delay, TimeUnit.MILLISECONDS);
        return () -> task.cancel(false);
    }

    /** Expiries waiting, for tests. */
    int pending() {
        return timer.getQueue().size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

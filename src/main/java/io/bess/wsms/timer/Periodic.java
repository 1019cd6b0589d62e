package io.bess.wsms.timer;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Runs an action every period on its own virtual thread until closed: one of the service's housekeeping loops
 * (fleet polling, keepalive pings, slow-client checks, stale batteries, subscriber liveness, topology). An action
 * that throws does not end the loop: the error is logged once per distinct error, counted, and the next pass runs
 * as usual. The time of the last finished pass tells {@link Housekeeping} whether the loop still works.
 */
public final class Periodic implements AutoCloseable {
    /** Distinct errors remembered per loop, so that a loop failing in many ways cannot grow memory. */
    private static final int MAX_DISTINCT_ERRORS = 16;
    private static final System.Logger LOGGER = System.getLogger(Periodic.class.getName());

    private final String name;
    private final Duration period;
    private final Duration longestPass;
    private final Runnable action;
    private final Housekeeping.Failures failures;
    /** Errors already logged; touched by the loop's thread only. */
    private final Set<String> logged = new HashSet<>();
    private final Thread thread;
    private volatile long lastPassNanos = System.nanoTime();

    Periodic(String name, Duration period, Duration longestPass, Runnable action, Housekeeping.Failures failures) {
        this.name = name;
        this.period = period;
        this.longestPass = longestPass;
        this.action = action;
        this.failures = failures;
        this.thread = Thread.ofVirtual().name(name).start(this::loop);
    }

    /** The loop's name (its thread's name too). */
    public String name() {
        return name;
    }

    /**
     * Whether the loop has not finished a pass for three periods, plus the longest a pass may take (a pass that
     * waits for Redis may take its timeouts): it is stuck or dead.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return true when it is late
     */
    boolean late(long nowNanos) {
        return nowNanos - lastPassNanos > period.multipliedBy(3).plus(longestPass).toNanos();
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            try {
                action.run();
            } catch (RuntimeException | StackOverflowError | LinkageError | AssertionError e) {
                failed(e);
            }
            lastPassNanos = System.nanoTime();
        }
    }

    private void failed(Throwable error) {
        failures.failed(name);
        String key = error.getClass().getName() + ": " + error.getMessage();
        if (logged.size() < MAX_DISTINCT_ERRORS && logged.add(key)) {
            LOGGER.log(Level.WARNING, "Housekeeping loop " + name + " failed (" + key + "); it keeps running, and"
                    + " further failures like this one are only counted in wsms_housekeeping_failures_total", error);
        }
    }

    /** Stops the loop; an action that is running is interrupted. */
    @Override
    public void close() {
        thread.interrupt();
    }
}

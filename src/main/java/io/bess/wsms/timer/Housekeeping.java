package io.bess.wsms.timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The service's housekeeping loops: starts them ({@link #every}) and tells which have stopped making passes, for the
 * liveness check. Loops that died or hang are what an orchestrator should restart the process for.
 */
public final class Housekeeping implements AutoCloseable {
    private final Failures failures;
    private final List<Periodic> loops = new CopyOnWriteArrayList<>();

    /** Counts the failed passes of a loop (a metric). */
    @FunctionalInterface
    public interface Failures {
        /** Counts nothing. */
        Failures NONE = loop -> { };

        /**
         * A pass of the loop threw.
         *
         * @param loop the loop's name
         */
        void failed(String loop);
    }

    /**
     * Creates the registry.
     *
     * @param failures counts failed passes
     */
    public Housekeeping(Failures failures) {
        this.failures = failures;
    }

    /**
     * Starts a loop whose passes never wait on anything; the first pass is one period from now.
     *
     * @param name   loop (and thread) name
     * @param period time between passes
     * @param action one pass
     * @return the running loop
     */
    public Periodic every(String name, Duration period, Runnable action) {
        return every(name, period, Duration.ZERO, action);
    }

    /**
     * Starts a loop whose passes may wait (for Redis, within its timeouts); the first pass is one period from now.
     *
     * @param name        loop (and thread) name
     * @param period      time between passes
     * @param longestPass the longest a healthy pass may take
     * @param action      one pass
     * @return the running loop
     */
    public Periodic every(String name, Duration period, Duration longestPass, Runnable action) {
        Periodic loop = new Periodic(name, period, longestPass, action, failures);
        loops.add(loop);
        return loop;
    }

    /**
     * The loops that have not finished a pass in three periods (plus their longest pass).
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return their names, empty when every loop works
     */
    public List<String> late(long nowNanos) {
        List<String> late = new ArrayList<>();
        for (Periodic loop : loops) {
            if (loop.late(nowNanos)) {
                late.add(loop.name());
            }
        }
        return late;
    }

    /**
     * Stops a loop and forgets it.
     *
     * @param loop a loop started here
     */
    public void stop(Periodic loop) {
        loop.close();
        loops.remove(loop);
    }

    /** Stops every loop. */
    @Override
    public void close() {
        loops.forEach(Periodic::close);
        loops.clear();
    }
}

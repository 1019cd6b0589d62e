package io.bess.wsms.timer;

import java.time.Duration;

/**
 * Runs an action every period on its own virtual thread until closed: the one timer loop of the service's
 * housekeeping (fleet polling, keepalive pings, slow-client checks). The action must not throw.
 */
public final class Periodic implements AutoCloseable {
    private final Thread thread;

    private Periodic(String name, Duration period, Runnable action) {
        this.thread = Thread.ofVirtual().name(name).start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(period);
                    action.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Starts the loop; the first run is one period from now.
     *
     * @param name   thread name
     * @param period time between runs
     * @param action what to run
     * @return the running loop
     */
    public static Periodic every(String name, Duration period, Runnable action) {
        return new Periodic(name, period, action);
    }

    /** Stops the loop; an action that is running is interrupted. */
    @Override
    public void close() {
        thread.interrupt();
    }
}

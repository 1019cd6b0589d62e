package io.bess.wsms.hub;

import java.time.Duration;

/**
 * Tells every client's writer once per ping interval that a ping is due. One timer for all clients keeps the
 * writers' waits untimed: a timed wait per writer park costs a scheduler task every time a writer sleeps.
 */
public final class KeepaliveTicker {
    private final Hub hub;
    private final Duration interval;
    private volatile Thread thread;

    /**
     * Creates the ticker.
     *
     * @param hub      the clients
     * @param interval the ping interval
     */
    public KeepaliveTicker(Hub hub, Duration interval) {
        this.hub = hub;
        this.interval = interval;
    }

    /** Starts ticking on a virtual thread. */
    public void start() {
        thread = Thread.ofVirtual().name("keepalive-ticker").start(this::run);
    }

    /** Stops ticking. */
    public void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(interval);
                for (ClientSession session : hub.sessions()) {
                    session.pingDue();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

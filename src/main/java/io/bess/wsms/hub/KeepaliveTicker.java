package io.bess.wsms.hub;

import java.time.Duration;

import io.bess.wsms.timer.Periodic;

/**
 * Tells every client's writer once per ping interval that a ping is due. One timer for all clients keeps the
 * writers' waits untimed: a timed wait per writer park costs a scheduler task every time a writer sleeps.
 */
public final class KeepaliveTicker {
    private final Hub hub;
    private final Duration interval;
    private volatile Periodic loop;

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
        loop = Periodic.every("keepalive-ticker", interval, this::tick);
    }

    /** Stops ticking. */
    public void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private void tick() {
        for (ClientSession session : hub.sessions()) {
            session.pingDue();
        }
    }
}

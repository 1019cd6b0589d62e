package io.bess.wsms.hub;

import java.time.Duration;

import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.timer.Periodic;

/**
 * Tells every client's writer once per ping interval that a ping is due. One timer for all clients keeps the
 * writers' waits untimed. The clients are spread over {@value #SLOTS} slots of the interval, so that 10,000 clients
 * do not get their pings (and send their pongs) in the same instant, which made every client's update wait behind
 * a burst of 10,000 writes once per interval.
 */
public final class KeepaliveTicker {
    /** Parts of the ping interval over which the clients' pings are spread. */
    static final int SLOTS = 16;

    private final Hub hub;
    private final Duration interval;
    private final Housekeeping housekeeping;
    private volatile Periodic loop;
    /** Which slot is due next; touched by the ticker's thread only. */
    private int next;

    /**
     * Creates the ticker.
     *
     * @param hub      the clients
     * @param interval     the ping interval
     * @param housekeeping runs the ticks
     */
    public KeepaliveTicker(Hub hub, Duration interval, Housekeeping housekeeping) {
        this.hub = hub;
        this.interval = interval;
        this.housekeeping = housekeeping;
    }

    /** Starts ticking on a virtual thread. */
    public void start() {
        loop = housekeeping.every("keepalive-ticker", interval.dividedBy(SLOTS), this::tick);
    }

    /** Stops ticking. */
    public void stop() {
        if (loop != null) {
            housekeeping.stop(loop);
        }
    }

    /** One slot of the interval; visible to tests, which need not wait for the timer. */
    void tick() {
        int slot = next;
        next = (next + 1) % SLOTS;
        for (ClientSession session : hub.sessions()) {
            if (Math.floorMod(System.identityHashCode(session), SLOTS) == slot) {
                session.pingDue();
            }
        }
    }
}

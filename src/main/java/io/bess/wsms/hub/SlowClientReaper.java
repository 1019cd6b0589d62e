package io.bess.wsms.hub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.timer.Periodic;

/**
 * Closes clients whose writer has made no progress for the configured time. The close frame (1008) is queued
 * first, in case the peer reads again; when the writer is still stuck after a short grace, the connection is
 * dropped, since a peer that reads nothing cannot receive a close frame either. Also removes clients whose
 * connection ended without a close frame (the server learns of that from no callback): without this they would stay
 * registered, and count against the connection limit, until a write to them failed.
 */
public final class SlowClientReaper {
    private static final System.Logger LOGGER = System.getLogger(SlowClientReaper.class.getName());

    private final Hub hub;
    private final DeliveryMetrics metrics;
    private final long timeoutNanos;
    private final long graceNanos;
    private final Duration period;
    private final Map<ClientSession, Long> closing = new ConcurrentHashMap<>();
    private final Housekeeping housekeeping;
    private volatile Periodic loop;

    /**
     * Creates the reaper.
     *
     * @param hub     the clients
     * @param metrics where closes are counted
     * @param timeout      how long a writer may be stuck
     * @param housekeeping runs the checks
     */
    public SlowClientReaper(Hub hub, DeliveryMetrics metrics, Duration timeout, Housekeeping housekeeping) {
        this.hub = hub;
        this.housekeeping = housekeeping;
        this.metrics = metrics;
        this.timeoutNanos = timeout.toNanos();
        this.graceNanos = Math.min(timeout.toNanos(), Duration.ofSeconds(2).toNanos());
        this.period = Duration.ofNanos(Math.max(Duration.ofMillis(50).toNanos(),
                                                Math.min(timeout.toNanos() / 4, Duration.ofSeconds(1).toNanos())));
    }

    /** Starts checking on a virtual thread. */
    public void start() {
        loop = housekeeping.every("slow-client-reaper", period, () -> check(System.nanoTime()));
    }

    /** Stops checking. */
    public void stop() {
        if (loop != null) {
            housekeeping.stop(loop);
        }
    }

    /**
     * Clients whose writer has been stuck longer than the reaper needs to end it (the timeout, the grace after the
     * close frame, and three passes): the reaper has failed them, and only a restart frees them.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return how many
     */
    public int unreaped(long nowNanos) {
        long limit = timeoutNanos + graceNanos + 3 * period.toNanos();
        int stuck = 0;
        for (ClientSession session : hub.sessions()) {
            if (session.stalledNanos(nowNanos) > limit) {
                stuck++;
            }
        }
        return stuck;
    }

    /** One pass over every client; visible to tests, which need not wait for the timer. */
    void check(long nowNanos) {
        closing.keySet().retainAll(hub.sessions());
        for (ClientSession session : hub.sessions()) {
            if (!session.isOpen()) {
                hub.unregister(session);
                continue;
            }
            long stalled = session.stalledNanos(nowNanos);
            Long since = closing.get(session);
            if (since != null) {
                if (stalled > 0 && nowNanos - since > graceNanos) {
                    session.abort();
                }
            } else if (stalled > timeoutNanos) {
                closing.put(session, nowNanos);
                metrics.clientClosed("slow");
                LOGGER.log(Level.INFO, () -> session + " made no progress for "
                        + Duration.ofNanos(stalled).toSeconds() + " s: closing it (1008)");
                session.close(1008, "slow client: no progress");
            }
        }
    }
}

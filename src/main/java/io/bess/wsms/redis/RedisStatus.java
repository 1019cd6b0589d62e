package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether Redis can be read, as the service's reads see it (a lost subscriber connection alone is no outage: the
 * data is still there and its lane reconnects by itself). Logs each outage once when it starts and once when it
 * ends (never per message or per connection) and tells listeners when clients need a fresh snapshot: Redis is back
 * after an outage, or its master moved.
 */
public final class RedisStatus {
    /** Reads that Redis keeps refusing (see {@link ReadFailure}) for this long, with no read working, are an outage. */
    static final Duration REFUSALS_BECOME_OUTAGE = Duration.ofSeconds(5);
    /** A refusal is logged at most this often (with the count since the last line): an ACL mistake is not a flood. */
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);
    private static final System.Logger LOGGER = System.getLogger(RedisStatus.class.getName());

    private final AtomicBoolean up = new AtomicBoolean(true);
    private final List<Runnable> onResync = new CopyOnWriteArrayList<>();
    private final List<Runnable> onOutage = new CopyOnWriteArrayList<>();
    /** When the latest read that worked was sent ({@link System#nanoTime()}; at first, long before any read). */
    private final AtomicLong lastWorkedNanos = new AtomicLong(System.nanoTime() - Duration.ofDays(1).toNanos());
    private volatile long downSinceNanos;
    /** Since when reads have been refused with no read working since, 0 when they are not; guarded by this. */
    private long refusedSinceNanos;
    /** Whether refusals are running: read without the lock by every successful read, which must stay cheap. */
    private volatile boolean refusing;
    /** Whether the current run of refusals was logged, so that its end is logged too; guarded by this. */
    private boolean refusalsLogged;
    private long lastRefusalLogNanos;
    private long refusalsSinceLog;

    /** Whether Redis answered the last time the service read it. */
    public boolean isUp() {
        return up.get();
    }

    /**
     * Registers what to do when clients need a fresh snapshot (Redis is back, or its master moved).
     *
     * @param listener runs on the thread that noticed
     */
    public void onResync(Runnable listener) {
        onResync.add(listener);
    }

    /**
     * Registers what to do when an outage starts: the subscriber connections are suspect too (a path that swallows
     * reads swallows their messages, and their own liveness probes notice only after seconds of silence).
     *
     * @param listener runs on the thread that noticed; must not block
     */
    public void onOutage(Runnable listener) {
        onOutage.add(listener);
    }

    /**
     * A read failed in a way that is an outage ({@link ReadFailure.Kind#OUTAGE}).
     *
     * @param failure      what happened
     * @param startedNanos when the failed read was sent: older than a read that worked since, it is ignored
     */
    void failed(ReadFailure failure, long startedNanos) {
        if (startedNanos - lastWorkedNanos.get() < 0) {
            return;
        }
        down(failure.describe());
    }

    private void down(String why) {
        if (!up.get()) {
            return;
        }
        synchronized (this) {
            if (!up.compareAndSet(true, false)) {
                return;
            }
            downSinceNanos = System.nanoTime();
            refusedSinceNanos = 0;
            refusing = false;
            refusalsLogged = false;
            LOGGER.log(Level.WARNING, "Redis cannot be read (" + why + "): clients stay connected, reads and"
                    + " subscribers retry with backoff, new connections get 503 until it is back");
        }
        // outside the lock: the listeners take locks of their own
        onOutage.forEach(Runnable::run);
    }

    /**
     * Redis answered a read with a refusal that should pass ({@link ReadFailure.Kind#TRANSIENT}): no outage yet, the
     * reader retries and owes its batteries. Refusals with no working read for {@link #REFUSALS_BECOME_OUTAGE} are
     * an outage.
     *
     * @param failure      what Redis answered
     * @param startedNanos when the refused read was sent: older than a read that worked since, it is ignored
     */
    void refused(ReadFailure failure, long startedNanos) {
        if (!up.get() || startedNanos - lastWorkedNanos.get() < 0) {
            return;
        }
        boolean outage = false;
        synchronized (this) {
            long now = System.nanoTime();
            if (refusedSinceNanos == 0) {
                refusedSinceNanos = now;
                refusing = true;
            } else if (now - refusedSinceNanos > REFUSALS_BECOME_OUTAGE.toNanos()) {
                outage = true;
            }
            refusalsSinceLog++;
            if (!outage && (lastRefusalLogNanos == 0 || now - lastRefusalLogNanos > REFUSAL_LOG_INTERVAL.toNanos())) {
                String reads = refusalsSinceLog == 1 ? " read" : " reads";
                LOGGER.log(Level.WARNING, "Redis refused " + refusalsSinceLog + reads + " (" + failure.describe()
                        + "): retrying with backoff; the batteries not read are owed and sent as soon as Redis"
                        + " answers; refusals lasting " + REFUSALS_BECOME_OUTAGE.toSeconds() + " s are an outage");
                lastRefusalLogNanos = now;
                refusalsSinceLog = 0;
                refusalsLogged = true;
            }
        }
        if (outage) {
            down("every read refused for " + REFUSALS_BECOME_OUTAGE.toSeconds() + " s, the last with "
                         + failure.describe());
        }
    }

    /**
     * A read worked. When Redis was down, the listeners run before the status reads "up" again, under the same lock
     * that other threads noticing the return wait on: a subscriber that reconnects at the same moment publishes its
     * catch-up update only after every client's fresh snapshot has been requested, so the snapshot comes first.
     *
     * @param startedNanos when it was sent
     */
    void succeeded(long startedNanos) {
        lastWorkedNanos.accumulateAndGet(startedNanos, (a, b) -> b - a > 0 ? b : a);
        if (up.get()) {
            if (refusing) {
                endRefusals();
            }
            return;
        }
        synchronized (this) {
            if (up.get()) {
                return;
            }
            long millis = (System.nanoTime() - downSinceNanos) / 1_000_000;
            LOGGER.log(Level.INFO, "Redis is back after " + millis + " ms: resubscribing and sending every client a"
                    + " fresh snapshot");
            onResync.forEach(Runnable::run);
            up.set(true);
        }
    }

    private synchronized void endRefusals() {
        if (refusedSinceNanos == 0) {
            return;
        }
        if (refusalsLogged) {
            long millis = (System.nanoTime() - refusedSinceNanos) / 1_000_000;
            LOGGER.log(Level.INFO, "Redis answers reads again after " + millis + " ms of refusals: the owed batteries"
                    + " are being read");
        }
        refusedSinceNanos = 0;
        refusing = false;
        refusalsLogged = false;
    }

    /**
     * Redis's master moved (a Sentinel failover): every client gets a fresh snapshot from the new one. During an
     * outage (the old master died) nothing is sent now: the snapshot follows when reads work again.
     */
    void moved() {
        synchronized (this) {
            if (up.get()) {
                LOGGER.log(Level.INFO, "Sending every client a fresh snapshot from the new Redis master");
                onResync.forEach(Runnable::run);
            }
        }
    }
}

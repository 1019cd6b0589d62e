package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether Redis is reachable, as every Redis user of the service sees it. Logs each outage once when it starts and
 * once when it ends (never per message or per subscriber) and tells listeners when Redis is back.
 */
public final class RedisStatus {
    private static final System.Logger LOGGER = System.getLogger(RedisStatus.class.getName());

    private final AtomicBoolean up = new AtomicBoolean(true);
    private final List<Runnable> onRestored = new CopyOnWriteArrayList<>();
    private final LongAdder reconnects = new LongAdder();
    private volatile long downSinceNanos;

    /** Whether Redis answered the last time anyone asked. */
    public boolean isUp() {
        return up.get();
    }

    /** How many times a subscriber connected again after losing its connection. */
    public long reconnects() {
        return reconnects.sum();
    }

    /**
     * Registers what to do when Redis comes back.
     *
     * @param listener runs on the thread that noticed
     */
    public void onRestored(Runnable listener) {
        onRestored.add(listener);
    }

    void failed(Throwable cause) {
        if (!up.get()) {
            return;
        }
        synchronized (this) {
            if (!up.compareAndSet(true, false)) {
                return;
            }
            downSinceNanos = System.nanoTime();
            LOGGER.log(Level.WARNING, "Redis is unreachable (" + cause.getMessage() + "): clients stay connected,"
                    + " subscribers retry with backoff, new connections get 503 until it is back");
        }
    }

    /**
     * Redis answered. When it was down, the listeners run before the status reads "up" again, under the same lock
     * that other threads noticing the return wait on: a subscriber that reconnects at the same moment publishes its
     * catch-up update only after every client's fresh snapshot has been requested, so the snapshot comes first.
     */
    void succeeded() {
        if (up.get()) {
            return;
        }
        synchronized (this) {
            if (up.get()) {
                return;
            }
            long millis = (System.nanoTime() - downSinceNanos) / 1_000_000;
            LOGGER.log(Level.INFO, "Redis is back after " + millis + " ms: resubscribing and sending every client a"
                    + " fresh snapshot");
            onRestored.forEach(Runnable::run);
            up.set(true);
        }
    }

    void reconnected() {
        reconnects.increment();
    }
}

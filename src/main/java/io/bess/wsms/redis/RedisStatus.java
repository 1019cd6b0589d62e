package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether Redis can be read, as the service's reads see it (a lost subscriber connection alone is no outage: the
 * data is still there and its lane reconnects by itself). Logs each outage once when it starts and once when it
 * ends (never per message or per connection) and tells listeners when clients need a fresh snapshot: Redis is back
 * after an outage, or its master moved.
 */
public final class RedisStatus {
    private static final System.Logger LOGGER = System.getLogger(RedisStatus.class.getName());

    private final AtomicBoolean up = new AtomicBoolean(true);
    private final List<Runnable> onResync = new CopyOnWriteArrayList<>();
    private volatile long downSinceNanos;

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

    void failed(Throwable cause) {
        if (!up.get()) {
            return;
        }
        synchronized (this) {
            if (!up.compareAndSet(true, false)) {
                return;
            }
            downSinceNanos = System.nanoTime();
            LOGGER.log(Level.WARNING, "Redis is unreachable (" + RedisConnector.rootMessage(cause) + "): clients stay"
                    + " connected, subscribers retry with backoff, new connections get 503 until it is back");
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
            onResync.forEach(Runnable::run);
            up.set(true);
        }
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

package io.bess.wsms.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.bess.wsms.hub.Hub;
import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.timer.Periodic;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Polls the set of battery ids (SMEMBERS, every poll interval) so that clients of every battery get batteries that
 * appear later: the pipeline announces a new battery only by SADD, which publishes nothing. A short poll is
 * cheaper and simpler than keyspace notifications, which would need Redis configuration we do not own.
 * The same poll is the service's Redis probe: it notices an outage, and its end, even with no client connected.
 */
public final class FleetWatcher {
    private final RedisStore store;
    private final Hub hub;
    private final Duration interval;
    private final Duration longestPoll;
    private final Housekeeping housekeeping;
    private volatile Periodic loop;
    private final AtomicBoolean pollAsked = new AtomicBoolean();
    private volatile boolean stopped;

    /**
     * Creates the watcher.
     *
     * @param store    where the ids are read (it tells the Redis status how the read went)
     * @param hub      told about the fleet
     * @param interval     time between polls
     * @param longestPoll  the longest a poll may wait for Redis (its timeouts)
     * @param housekeeping runs the poll
     */
    public FleetWatcher(RedisStore store, Hub hub, Duration interval, Duration longestPoll,
                        Housekeeping housekeeping) {
        this.store = store;
        this.hub = hub;
        this.interval = interval;
        this.longestPoll = longestPoll;
        this.housekeeping = housekeeping;
    }

    /** Polls once now, then starts polling on a virtual thread. */
    public void start() {
        poll();
        loop = housekeeping.every("fleet-watcher", interval, longestPoll, this::poll);
    }

    /**
     * Polls once more as soon as possible, on a virtual thread of its own; asks made while one is pending are the
     * same poll, so a flood of clients selecting unknown ids costs one read at a time.
     */
    public void pollSoon() {
        if (!stopped && pollAsked.compareAndSet(false, true)) {
            Thread.ofVirtual().name("fleet-watcher-now").start(() -> {
                pollAsked.set(false);
                poll();
            });
        }
    }

    /** Stops polling. */
    public void stop() {
        stopped = true;
        if (loop != null) {
            housekeeping.stop(loop);
        }
    }

    /** One poll; polls never overlap, so an older answer never replaces a newer one. */
    private synchronized void poll() {
        try {
            hub.knownBatteries(store.batteryIds());
        } catch (JedisException | ReadFailedException e) {
            // the store has counted it and told the Redis status (or reported the bad key); the next poll tries again
        }
    }
}

package io.bess.wsms.redis;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.bess.wsms.hub.BatteryState;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One battery channel's blocking SUBSCRIBE: its own virtual thread and its own connection. Reconnects with
 * capped exponential backoff and jitter until stopped.
 */
final class ChannelSubscriber {
    private static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    private static final Duration BACKOFF_CAP = Duration.ofSeconds(5);

    private final int battery;
    private final String channel;
    private final RedisConnector connector;
    private final SignalHandler handler;
    private final RedisStatus status;
    private final Backoff backoff = new Backoff(BACKOFF_BASE, BACKOFF_CAP);
    private volatile boolean stopped;
    private volatile Adapter current;
    private volatile Thread thread;
    private volatile Jedis connection;

    ChannelSubscriber(int battery, RedisConnector connector, SignalHandler handler, RedisStatus status) {
        this.battery = battery;
        this.channel = BatteryState.key(battery);
        this.connector = connector;
        this.handler = handler;
        this.status = status;
    }

    void start() {
        thread = Thread.ofVirtual().name("redis-sub-" + battery).start(this::run);
    }

    /**
     * Unsubscribes, which makes the blocking SUBSCRIBE return and the thread end. No interrupt: it would close
     * whatever socket the thread is using at that moment, a pooled one included, and look like an outage. A thread
     * waiting between attempts is unparked and ends at once.
     */
    void stop() {
        stopped = true;
        Adapter adapter = current;
        if (adapter != null) {
            adapter.quietlyUnsubscribe();
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Pings the subscribed connection, or drops it when nothing (message, pong) came back for {@code silence}: the
     * blocking SUBSCRIBE then fails and the subscriber reconnects like after any lost connection.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @param silence  longest silence tolerated
     */
    void checkAlive(long nowNanos, Duration silence) {
        Adapter adapter = current;
        if (adapter == null || !adapter.isSubscribed()) {
            return;
        }
        if (nowNanos - adapter.lastHeardNanos > silence.toNanos()) {
            Jedis dead = connection;
            if (dead != null) {
                dead.disconnect();
            }
            return;
        }
        try {
            adapter.ping();
        } catch (RuntimeException e) {
            // the connection is broken: the subscriber's own thread sees it and reconnects
        }
    }

    private void run() {
        boolean lostConnection = false;
        while (!stopped) {
            Adapter adapter = new Adapter(lostConnection);
            current = adapter;
            try (Jedis jedis = connector.dedicatedConnection()) {
                connection = jedis;
                jedis.subscribe(adapter, channel);
            } catch (JedisException e) {
                if (stopped) {
                    return;
                }
                lostConnection = true;
                status.failed(e);
            }
            pause(backoff.next());
        }
    }

    /** Waits, or less when {@link #stop()} unparks the thread. */
    private void pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long remaining = wait.toNanos();
        while (!stopped && remaining > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(this, remaining);
            remaining = deadline - System.nanoTime();
        }
        if (Thread.currentThread().isInterrupted()) {
            stopped = true;
        }
    }

    /** Forwards Jedis's callbacks to our own handler, so that nothing else in the code subclasses JedisPubSub. */
    private final class Adapter extends JedisPubSub {
        private final boolean afterFailure;
        private volatile long lastHeardNanos = System.nanoTime();

        Adapter(boolean afterFailure) {
            this.afterFailure = afterFailure;
        }

        @Override
        public void onPong(String pattern) {
            lastHeardNanos = System.nanoTime();
        }

        @Override
        public void onSubscribe(String subscribedChannel, int count) {
            lastHeardNanos = System.nanoTime();
            if (stopped) {
                quietlyUnsubscribe();
                return;
            }
            backoff.reset();
            if (afterFailure) {
                status.reconnected();
            }
            status.succeeded();
            handler.onSubscribed(battery);
        }

        @Override
        public void onMessage(String messageChannel, String message) {
            lastHeardNanos = System.nanoTime();
            // the payload is only a signal ("updates"): the hash holds the data
            handler.onSignal(battery, System.currentTimeMillis(), System.nanoTime());
        }

        void quietlyUnsubscribe() {
            try {
                if (isSubscribed()) {
                    unsubscribe();
                }
            } catch (RuntimeException ignored) {
                // the connection is already gone: the thread ends on its own
            }
        }
    }
}

package io.bess.wsms.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.bess.wsms.hub.ChannelWatch;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;

/**
 * One pub/sub connection: a blocking (S)SUBSCRIBE on a virtual thread of its own, for a set of channels that
 * changes while it runs. Channels come and go in batches on the live subscription (one command per batch, sent by
 * one thread at a time); after the connection is lost, the lane reconnects with capped exponential backoff and
 * subscribes everything it should hold in one go. Confirmed channels get a catch-up read, since publishes sent
 * before the confirmation were missed.
 */
final class SubscriberLane {
    private static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    private static final Duration BACKOFF_CAP = Duration.ofSeconds(5);

    private final LaneKey key;
    private final Function<Integer, HostAndPort> target;
    private final Function<HostAndPort, Connection> connect;
    private final boolean sharded;
    private final SignalBatcher batcher;
    private final ChannelWatch watch;
    private final Listener listener;
    private final Backoff backoff = new Backoff(BACKOFF_BASE, BACKOFF_CAP);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wanted = lock.newCondition();
    /** What the connection should hold, asked for and has confirmed; guarded by the lock. */
    private final LaneChannels channels = new LaneChannels();
    private final AtomicBoolean syncScheduled = new AtomicBoolean();
    private final Events events = new Events();
    private LiveSubscription live;
    private Connection connection;
    private boolean attached;
    private volatile long lastHeardNanos;
    private volatile boolean stopped;
    /** Set by {@link #reconnect()}: the next failure is the lane's own doing, not Redis's. */
    private volatile boolean hurry;
    private volatile Thread thread;
    /** Failed attempts since the last confirmed subscription; touched by the lane's thread only. */
    private int failures;
    private long failingSinceNanos;

    /** What a lane reports upward; called on the lane's thread, never under its lock. */
    interface Listener {
        /**
         * Connecting or subscribing failed, or the connection was lost.
         *
         * @param lane     the lane
         * @param node     where it was connected or connecting
         * @param failure  what happened
         * @param attempts failed attempts in a row, this one included
         */
        void failed(SubscriberLane lane, HostAndPort node, RuntimeException failure, int attempts);

        /**
         * The lane holds a subscription again after failures.
         *
         * @param lane       the lane
         * @param downMillis how long it had none
         */
        void recovered(SubscriberLane lane, long downMillis);

        /**
         * Redis ended the subscription of a channel the lane still should hold (its slot moved to another node).
         *
         * @param lane    the lane
         * @param channel the channel
         */
        void moved(SubscriberLane lane, String channel);
    }

    /**
     * Creates an idle lane; it connects once it has channels.
     *
     * @param key      its name
     * @param target   where to connect, given the failed attempts so far (so that a Cluster lane tries other nodes)
     * @param connect  opens a connection of its own to a node
     * @param sharded  SSUBSCRIBE instead of SUBSCRIBE
     * @param batcher  reads the hashes of signalled batteries
     * @param watch    told when a battery's subscription is confirmed and when it ends
     * @param listener told about failures, recoveries and moved channels
     */
    SubscriberLane(LaneKey key, Function<Integer, HostAndPort> target, Function<HostAndPort, Connection> connect,
                   boolean sharded, SignalBatcher batcher, ChannelWatch watch, Listener listener) {
        this.key = key;
        this.target = target;
        this.connect = connect;
        this.sharded = sharded;
        this.batcher = batcher;
        this.watch = watch;
        this.listener = listener;
    }

    void start() {
        thread = Thread.ofVirtual().name("redis-sub-" + key).start(this::run);
    }

    LaneKey key() {
        return key;
    }

    /**
     * Changes the channels this connection should hold; the live subscription follows on another virtual thread,
     * so the caller never waits for Redis.
     *
     * @param add    channel to battery id
     * @param remove channels to drop
     */
    void want(Map<String, Integer> add, Set<String> remove) {
        List<Integer> dropped;
        lock.lock();
        try {
            dropped = channels.want(add, remove);
            if (!channels.isEmpty()) {
                wanted.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (!dropped.isEmpty()) {
            batcher.forget(dropped);
        }
        requestSync();
    }

    /** Batteries of this connection whose read failed and that are still to be read. */
    int owed() {
        return batcher.owed();
    }

    /** The channels this connection should hold. */
    int channels() {
        lock.lock();
        try {
            return channels.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a subscription is running on a connection now. */
    boolean connected() {
        lock.lock();
        try {
            return attached;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Probes the connection, or drops it when nothing came back for {@code silence}: the blocking subscribe then
     * fails and the lane reconnects like after any lost connection.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @param silence  longest silence tolerated
     */
    void checkAlive(long nowNanos, Duration silence) {
        lock.lock();
        try {
            String probe = channels.anyRequested();
            if (!attached || probe == null) {
                return;
            }
            if (nowNanos - lastHeardNanos > silence.toNanos()) {
                dropConnection();
                return;
            }
            live.probe(probe);
        } catch (RuntimeException e) {
            // the connection is broken: the lane's thread sees it and reconnects
            dropConnection();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the connection and reconnects at once (the node to use has changed), skipping any backoff wait. */
    void reconnect() {
        hurry = true;
        lock.lock();
        try {
            dropConnection();
        } finally {
            lock.unlock();
        }
        wake();
    }

    /** Ends the lane: its connection is closed and its thread ends. */
    void stop() {
        stopped = true;
        batcher.stop();
        lock.lock();
        try {
            dropConnection();
            wanted.signalAll();
        } finally {
            lock.unlock();
        }
        wake();
    }

    @Override
    public String toString() {
        return "subscriber connection " + key;
    }

    private void run() {
        while (true) {
            List<String> first = awaitChannels();
            if (first.isEmpty()) {
                return;
            }
            hurry = false;
            HostAndPort node = null;
            RuntimeException failure = null;
            try {
                node = target.apply(failures);
                try (Connection c = connect.apply(node)) {
                    LiveSubscription subscription = attach(c, first);
                    if (subscription != null) {
                        subscription.run(c, first);
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                detach();
            }
            if (stopped) {
                return;
            }
            if (hurry) {
                // dropped on purpose (the node to use changed): straight to the new one
                backoff.reset();
            } else if (failure != null) {
                if (failures++ == 0) {
                    failingSinceNanos = System.nanoTime();
                }
                listener.failed(this, node, failure, failures);
                pause(backoff.next());
            }
        }
    }

    /** Waits until the lane should hold channels; empty when stopped. */
    private List<String> awaitChannels() {
        lock.lock();
        try {
            while (!stopped && channels.isEmpty()) {
                wanted.awaitUninterruptibly();
            }
            if (stopped) {
                return List.of();
            }
            LiveSubscription subscription = sharded ? new ShardedSubscription(events) : new ClassicSubscription(events);
            live = subscription;
            return subscription.firstCommand(channels.desired());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the new connection as the lane's; null when the lane was stopped meanwhile, or told to reconnect while
     * it was connecting (the connection may go to the node that was current before).
     */
    private LiveSubscription attach(Connection c, List<String> first) {
        lock.lock();
        try {
            if (stopped || hurry) {
                return null;
            }
            connection = c;
            attached = false;
            channels.connected(first);
            lastHeardNanos = System.nanoTime();
            return live;
        } finally {
            lock.unlock();
        }
    }

    private void detach() {
        List<String> lost;
        lock.lock();
        try {
            live = null;
            connection = null;
            attached = false;
            lost = channels.disconnected();
        } finally {
            lock.unlock();
        }
        lost.forEach(this::lostChannel);
    }

    private void lostChannel(String channel) {
        Integer battery = BatteryChannel.battery(channel);
        if (battery != null) {
            watch.lost(battery);
        }
    }

    /** Sends the difference between what the lane should hold and what it asked for, on another virtual thread. */
    private void requestSync() {
        if (syncScheduled.compareAndSet(false, true)) {
            Thread.ofVirtual().name("redis-sub-sync-" + key).start(() -> {
                syncScheduled.set(false);
                sync();
            });
        }
    }

    private void sync() {
        lock.lock();
        try {
            if (!attached) {
                // the first confirmation syncs; a lane that has no connection subscribes everything when it has one
                return;
            }
            LaneChannels.Change change = channels.sync();
            // additions first: removing every channel ends the subscription, and then the additions would be lost
            if (!change.add().isEmpty()) {
                live.add(change.add());
            }
            if (!change.remove().isEmpty()) {
                live.remove(change.remove());
            }
        } catch (RuntimeException e) {
            // the connection is broken: the lane's thread reconnects and subscribes what it should hold then
            dropConnection();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the socket under the blocking subscribe, which then fails; called with the lock held. */
    private void dropConnection() {
        Connection c = connection;
        if (c != null) {
            c.disconnect();
        }
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Waits, or less when the lane is stopped or told to reconnect at once. */
    private void pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long remaining = wait.toNanos();
        while (!stopped && !hurry && remaining > 0) {
            LockSupport.parkNanos(this, remaining);
            remaining = deadline - System.nanoTime();
        }
    }

    /** The live subscription's callbacks, on the lane's thread. */
    private final class Events implements LiveSubscription.Events {
        @Override
        public void subscribed(String channel) {
            boolean first;
            Integer battery;
            lock.lock();
            try {
                first = !attached;
                attached = true;
                lastHeardNanos = System.nanoTime();
                battery = channels.confirmed(channel);
            } finally {
                lock.unlock();
            }
            if (first) {
                backoff.reset();
                if (failures > 0) {
                    listener.recovered(SubscriberLane.this, (System.nanoTime() - failingSinceNanos) / 1_000_000);
                    failures = 0;
                }
                // channels wanted while connecting, and the rest of a sharded lane's slots
                requestSync();
            }
            if (battery != null) {
                watch.confirmed(battery);
                batcher.catchUp(battery);
            }
        }

        @Override
        public void unsubscribed(String channel) {
            LaneChannels.Ended ended;
            lock.lock();
            try {
                lastHeardNanos = System.nanoTime();
                ended = channels.ended(channel);
            } finally {
                lock.unlock();
            }
            if (ended.wasConfirmed()) {
                lostChannel(channel);
            }
            if (ended.moved()) {
                listener.moved(SubscriberLane.this, channel);
            }
        }

        @Override
        public void message(String channel) {
            lastHeardNanos = System.nanoTime();
            Integer battery = BatteryChannel.battery(channel);
            if (battery != null) {
                batcher.published(battery);
            }
        }

        @Override
        public void heard() {
            lastHeardNanos = System.nanoTime();
        }
    }
}

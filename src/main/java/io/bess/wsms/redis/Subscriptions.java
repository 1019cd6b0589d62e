package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

import io.bess.wsms.hub.ChannelInterest;
import io.bess.wsms.hub.ChannelWatch;
import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.timer.Periodic;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * The battery channels some client wants, spread by battery id over at most {@code subscriber-connections}
 * pub/sub connections ({@link SubscriberLane}s), however many batteries are watched. With sharded pub/sub a
 * connection serves the node that owns its channels' slots, so the connections are split among the masters.
 * Follows the topology: a lane that loses its connection reconnects by itself; a master that Sentinel replaced
 * moves every lane; a slot that moved in a Cluster moves its channel to a lane of the new owner.
 */
public final class Subscriptions implements ChannelInterest, AutoCloseable {
    /** How often the topology's epoch (the Sentinel master) is compared: a failover is followed within this. */
    static final Duration TOPOLOGY_CHECK = Duration.ofMillis(250);
    /** At most one warning about failed subscriber connections this often: a reset fails all of them at once. */
    private static final Duration LANE_WARNING_INTERVAL = Duration.ofMinutes(1);
    private static final System.Logger LOGGER = System.getLogger(Subscriptions.class.getName());

    private final RedisConnector connector;
    private final RedisBackend backend;
    private final RedisStatus status;
    private final int connections;
    private final BooleanSupplier redisAnswers;
    /** The batteries some client wants, as last told. */
    private Set<Integer> wanted = Set.of();
    /** Battery to its lane; a wanted battery is missing only while its slot has no known owner. */
    private final Map<Integer, LaneKey> assigned = new HashMap<>();
    private final Map<LaneKey, SubscriberLane> lanes = new HashMap<>();
    private final LongAdder reconnects = new LongAdder();
    /** Subscriber connection failures not logged as warnings since the last one: many lanes fail together. */
    private final LongAdder laneFailuresNotLogged = new LongAdder();
    /** When a failed subscriber connection was last logged as a warning; touched by lane threads. */
    private volatile long lastLaneWarningNanos = System.nanoTime() - LANE_WARNING_INTERVAL.toNanos() - 1;
    private final AtomicBoolean rerouteScheduled = new AtomicBoolean();
    /** Lanes whose failure was logged as a warning, so that their recovery is logged too. */
    private final Set<SubscriberLane> warned = ConcurrentHashMap.newKeySet();
    private final List<Periodic> timers;
    private final Housekeeping housekeeping;
    /** Set once by {@link #deliverTo}, read by every lane created later. */
    private volatile UpdateRelay relay;
    private volatile ChannelWatch watch = ChannelWatch.NONE;
    private int lanesPerNode;
    private Object epoch;

    /**
     * Creates the registry and starts its timers; {@link #deliverTo} must be called before the first
     * {@link #retain}.
     *
     * @param connector    opens the connections
     * @param status       told when the master moves (clients need fresh snapshots)
     * @param connections  pub/sub connections held at most
     * @param pingInterval how often each connection is probed; one silent for three intervals is replaced
     * @param redisAnswers whether Redis itself answers now: tells a lost subscriber connection from an outage
     * @param housekeeping runs the liveness and topology checks
     */
    public Subscriptions(RedisConnector connector, RedisStatus status, int connections, Duration pingInterval,
                         BooleanSupplier redisAnswers, Housekeeping housekeeping) {
        this.connector = connector;
        this.backend = connector.backend();
        this.status = status;
        this.connections = connections;
        this.redisAnswers = redisAnswers;
        this.epoch = backend.epoch();
        this.lanesPerNode = lanesPerNode();
        this.housekeeping = housekeeping;
        // a topology check may wait for Redis: a slot-map refresh, and Sentinel's answer, each within the timeouts
        Duration longestCheck = connector.timeout().multipliedBy(4);
        status.onOutage(this::outage);
        this.timers = List.of(
                housekeeping.every("redis-sub-liveness", pingInterval, longestCheck,
                                   () -> checkAlive(pingInterval.multipliedBy(3))),
                housekeeping.every("redis-topology", TOPOLOGY_CHECK, longestCheck, this::checkTopology));
    }

    /**
     * Where signals go, and who hears about confirmed and lost subscriptions.
     *
     * @param updates  the update relay
     * @param channels told when a battery's subscription is confirmed or lost
     */
    public void deliverTo(UpdateRelay updates, ChannelWatch channels) {
        this.relay = updates;
        this.watch = channels;
    }

    @Override
    public synchronized void retain(Set<Integer> batteries) {
        wanted = Set.copyOf(batteries);
        Map<LaneKey, Change> changes = new HashMap<>();
        Iterator<Map.Entry<Integer, LaneKey>> it = assigned.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, LaneKey> entry = it.next();
            if (!batteries.contains(entry.getKey())) {
                changes.computeIfAbsent(entry.getValue(), k -> new Change()).remove(entry.getKey());
                it.remove();
            }
        }
        assignMissing(changes);
        changes.forEach((lane, change) -> lane(lane).want(change.add, change.remove));
    }

    /** Gives every wanted battery without a lane its lane; one whose slot has no known owner waits for a reroute. */
    private void assignMissing(Map<LaneKey, Change> changes) {
        for (Integer battery : wanted) {
            if (!assigned.containsKey(battery)) {
                try {
                    LaneKey lane = laneOf(battery);
                    assigned.put(battery, lane);
                    changes.computeIfAbsent(lane, k -> new Change()).add(battery);
                } catch (RuntimeException e) {
                    LOGGER.log(Level.DEBUG, () -> "no lane for battery " + battery + " yet: " + e.getMessage());
                }
            }
        }
    }

    /**
     * An outage started. The subscriber connections go the same way as the reads that failed, but a path that
     * swallows packets leaves them silently deaf until their own probes notice (three ping intervals): meanwhile the
     * states held for their batteries would pass for current. So every connection is replaced now; its channels
     * count as lost until confirmed again (held states are read from Redis meanwhile), and each confirmation brings
     * a catch-up read.
     */
    private synchronized void outage() {
        lanes.values().forEach(SubscriberLane::reconnect);
    }

    /** Channels subscribed now (wanted by some client). */
    public synchronized int size() {
        return assigned.size();
    }

    /** Pub/sub connections holding a subscription now. */
    public synchronized int connected() {
        return (int) lanes.values().stream().filter(SubscriberLane::connected).count();
    }

    /** Batteries whose read failed and that are still to be read, over every connection. */
    public synchronized int owed() {
        int owed = 0;
        for (SubscriberLane lane : lanes.values()) {
            owed += lane.owed();
        }
        return owed;
    }

    /** How many times a subscriber connection subscribed again after losing its connection. */
    public long reconnects() {
        return reconnects.sum();
    }

    /** Stops every subscriber and the timers. */
    @Override
    public synchronized void close() {
        timers.forEach(housekeeping::stop);
        lanes.values().forEach(SubscriberLane::stop);
        lanes.clear();
        assigned.clear();
        wanted = Set.of();
    }

    private SubscriberLane lane(LaneKey key) {
        return lanes.computeIfAbsent(key, k -> {
            SubscriberLane lane = new SubscriberLane(k, failures -> target(k, failures),
                                                     connector::subscriberConnection, connector.sharded(),
                                                     new SignalBatcher("redis-read-" + k, relay), watch,
                                                     laneListener);
            lane.start();
            return lane;
        });
    }

    /** Which connection a battery's channel belongs on. */
    private LaneKey laneOf(int battery) {
        if (!connector.sharded()) {
            return new LaneKey(null, Math.floorMod(battery, connections));
        }
        HostAndPort owner = backend.owner(BatteryChannel.of(battery));
        return new LaneKey(owner, Math.floorMod(battery, lanesPerNode));
    }

    /** Where a lane connects: its own node when sharded, else one of the pub/sub nodes, the next after a failure. */
    private HostAndPort target(LaneKey key, int failures) {
        if (key.node() != null) {
            return key.node();
        }
        List<HostAndPort> nodes = backend.subscriberNodes();
        return nodes.get(Math.floorMod(key.index() + failures, nodes.size()));
    }

    /** With sharded pub/sub the connections are split among the masters, at least one each. */
    private int lanesPerNode() {
        return connector.sharded() ? Math.max(1, connections / backend.subscriberNodes().size()) : connections;
    }

    private synchronized void checkAlive(Duration silence) {
        long now = System.nanoTime();
        lanes.values().forEach(lane -> lane.checkAlive(now, silence));
    }

    private void checkTopology() {
        synchronized (this) {
            if (assigned.size() < wanted.size()) {
                scheduleReroute();
            }
        }
        Object now;
        try {
            now = backend.epoch();
        } catch (RuntimeException e) {
            return;
        }
        if (now.equals(epoch)) {
            return;
        }
        Object before = epoch;
        epoch = now;
        LOGGER.log(Level.INFO, "Redis master moved from " + before + " to " + now + ": moving the subscriber"
                + " connections");
        if (connector.sharded()) {
            reroute();
        } else {
            synchronized (this) {
                lanes.values().forEach(SubscriberLane::reconnect);
            }
        }
        status.moved();
    }

    /**
     * Re-reads the topology and moves every channel whose lane changed (sharded pub/sub); lanes left with nothing
     * end. Runs on a virtual thread of its own, at most one at a time.
     */
    private void scheduleReroute() {
        if (rerouteScheduled.compareAndSet(false, true)) {
            Thread.ofVirtual().name("redis-reroute").start(() -> {
                rerouteScheduled.set(false);
                reroute();
            });
        }
    }

    private void reroute() {
        try {
            backend.refresh();
        } catch (RuntimeException e) {
            LOGGER.log(Level.DEBUG, () -> "topology refresh failed: " + e);
        }
        synchronized (this) {
            lanesPerNode = lanesPerNode();
            Map<LaneKey, Change> changes = new HashMap<>();
            Iterator<Map.Entry<Integer, LaneKey>> entries = assigned.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<Integer, LaneKey> entry = entries.next();
                LaneKey next;
                try {
                    next = laneOf(entry.getKey());
                } catch (RuntimeException e) {
                    // no known owner now: unassigned until a later reroute finds one
                    changes.computeIfAbsent(entry.getValue(), k -> new Change()).remove(entry.getKey());
                    entries.remove();
                    continue;
                }
                if (!next.equals(entry.getValue())) {
                    changes.computeIfAbsent(entry.getValue(), k -> new Change()).remove(entry.getKey());
                    changes.computeIfAbsent(next, k -> new Change()).add(entry.getKey());
                    entry.setValue(next);
                }
            }
            assignMissing(changes);
            changes.forEach((lane, change) -> lane(lane).want(change.add, change.remove));
            Iterator<SubscriberLane> it = lanes.values().iterator();
            while (it.hasNext()) {
                SubscriberLane lane = it.next();
                if (lane.channels() == 0) {
                    lane.stop();
                    it.remove();
                } else {
                    // a channel Redis unsubscribed but whose owner did not change is asked for again
                    lane.want(Map.of(), Set.of());
                }
            }
        }
    }

    private final SubscriberLane.Listener laneListener = new SubscriberLane.Listener() {
        @Override
        public void failed(SubscriberLane lane, HostAndPort node, RuntimeException failure, int attempts) {
            if (connector.sharded()) {
                // a MOVED reply, or a node gone for good (a Cluster failover): the slots may have a new owner
                scheduleReroute();
                if (failure instanceof JedisRedirectionException
                        || failure instanceof JedisClusterOperationException) {
                    LOGGER.log(Level.DEBUG, () -> lane + ": " + failure.getMessage() + ", slots re-read");
                    return;
                }
            }
            if (attempts != 1) {
                return;
            }
            // one connection failing while Redis answers (e.g. maxclients reached) is no outage: no 503, no resync
            if (redisAnswers.getAsBoolean()) {
                long now = System.nanoTime();
                if (now - lastLaneWarningNanos > LANE_WARNING_INTERVAL.toNanos()) {
                    lastLaneWarningNanos = now;
                    warned.add(lane);
                    long others = laneFailuresNotLogged.sumThenReset();
                    LOGGER.log(Level.WARNING, "Redis " + lane + " to " + node + " failed ("
                            + RedisConnector.rootMessage(failure) + "): retrying with backoff; Redis itself answers,"
                            + " so clients stay served and its channels are caught up when it is back"
                            + (others > 0 ? "; " + others + " other subscriber connection failures since the last"
                                    + " line" : "") + " (at most one such line a minute)");
                } else {
                    laneFailuresNotLogged.increment();
                    LOGGER.log(Level.DEBUG, () -> lane + " to " + node + " failed: " + failure);
                }
            } else {
                LOGGER.log(Level.DEBUG, () -> lane + " lost with Redis: " + failure);
            }
        }

        @Override
        public void recovered(SubscriberLane lane, long downMillis) {
            reconnects.increment();
            Level level = warned.remove(lane) ? Level.INFO : Level.DEBUG;
            LOGGER.log(level, () -> "Redis " + lane + " subscribed again after " + downMillis + " ms");
        }

        @Override
        public void moved(SubscriberLane lane, String channel) {
            LOGGER.log(Level.DEBUG, () -> "Redis unsubscribed " + channel + " on " + lane + ": its slot moved");
            scheduleReroute();
        }
    };

    /** Channels to add to and drop from one lane. */
    private static final class Change {
        private final Map<String, Integer> add = new HashMap<>();
        private final Set<String> remove = new HashSet<>();

        void add(int battery) {
            add.put(BatteryChannel.of(battery), battery);
        }

        void remove(int battery) {
            remove.add(BatteryChannel.of(battery));
        }
    }
}

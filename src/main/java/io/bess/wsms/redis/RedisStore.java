package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.bess.wsms.hub.BatteryState;
import io.bess.wsms.hub.FleetStore;
import io.bess.wsms.hub.Frame;
import io.bess.wsms.hub.FrameEncoder;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Reads the pipeline's keys: the set of battery ids and each battery's hash. Never uses KEYS; many hashes are read
 * in one pipeline (split per node in a Cluster). A hash that is empty or of the wrong type is skipped, never fatal.
 * Every read tells {@link RedisStatus} whether Redis could be read: reads, not subscriber connections, decide
 * whether Redis is down.
 */
public final class RedisStore implements FleetStore {
    /** The set of battery ids the upstream writer maintains. */
    public static final String IDS_KEY = "info:batteries:ids";
    private static final System.Logger LOGGER = System.getLogger(RedisStore.class.getName());

    private final RedisBackend backend;
    private final UnifiedJedis client;
    private final RedisStatus status;

    /**
     * Creates a store over the connector's pooled client.
     *
     * @param connector the service's Redis
     * @param status    told whether reads succeed
     */
    public RedisStore(RedisConnector connector, RedisStatus status) {
        this.backend = connector.backend();
        this.client = backend.client();
        this.status = status;
    }

    /** The fleet's battery ids; members that are not non-negative integers are ignored. */
    @Override
    public Set<Integer> batteryIds() {
        Set<String> members = retryOnce(c -> c.smembers(IDS_KEY));
        Set<Integer> ids = new HashSet<>();
        for (String member : members) {
            parseId(member).ifPresent(ids::add);
        }
        return ids;
    }

    @Override
    public List<BatteryState> read(Collection<Integer> batteries) {
        Set<Integer> sorted = new TreeSet<>(batteries);
        if (sorted.isEmpty()) {
            return List.of();
        }
        return retryOnce(c -> pipelinedRead(c, sorted));
    }

    @Override
    public Map<Integer, Long> timestamps(Collection<Integer> batteries) {
        if (batteries.isEmpty()) {
            return Map.of();
        }
        return retryOnce(c -> {
            Map<Integer, Long> timestamps = new HashMap<>();
            perBattery(c, batteries, (pipeline, key) -> pipeline.hget(key, "timestamp"), (battery, raw) -> {
                long timestamp = FrameEncoder.deviceTimestamp(Map.of("timestamp", raw));
                if (timestamp != Frame.NO_TIMESTAMP) {
                    timestamps.put(battery, timestamp);
                }
            });
            return timestamps;
        });
    }

    /** Checks that Redis answers; throws when it does not. */
    public void ping() {
        retryOnce(UnifiedJedis::ping);
    }

    /** Whether Redis answers a PING now. */
    public boolean answers() {
        try {
            ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<BatteryState> pipelinedRead(UnifiedJedis c, Set<Integer> sorted) {
        List<BatteryState> states = new ArrayList<>(sorted.size());
        perBattery(c, sorted, AbstractPipeline::hgetAll, (battery, fields) -> {
            if (!fields.isEmpty()) {
                states.add(new BatteryState(battery, fields));
            }
        });
        return states;
    }

    /**
     * One command per battery's key in one pipeline, each answer handed on in the batteries' order; a battery whose
     * answer is missing or an error (e.g. WRONGTYPE: someone stored something else under the key) is skipped alone.
     */
    private static <T> void perBattery(UnifiedJedis c, Collection<Integer> batteries,
                                       BiFunction<AbstractPipeline, String, Response<T>> command,
                                       BiConsumer<Integer, T> answer) {
        Map<Integer, Response<T>> responses = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = c.pipelined()) {
            for (Integer battery : batteries) {
                responses.put(battery, command.apply(pipeline, BatteryState.key(battery)));
            }
            pipeline.sync();
        }
        responses.forEach((battery, response) -> {
            try {
                T value = response.get();
                if (value != null) {
                    answer.accept(battery, value);
                }
            } catch (RuntimeException e) {
                LOGGER.log(Level.DEBUG, () -> "skipping " + BatteryState.key(battery) + ": " + e.getMessage());
            }
        });
    }

    /** Parses a battery id: a decimal non-negative int. */
    static Optional<Integer> parseId(String member) {
        if (member == null || member.isEmpty() || member.length() > 10) {
            return Optional.empty();
        }
        for (int i = 0; i < member.length(); i++) {
            if (member.charAt(i) < '0' || member.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        long value = Long.parseLong(member);
        return value > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) value);
    }

    /**
     * A pooled connection that died while idle (Redis restarted) fails on its next use. After such a failure every
     * idle connection is suspect, so they are all dropped before the one retry: otherwise the retry could take
     * another dead one and report a false outage just after Redis came back. A failed retry is an outage.
     */
    private <T> T retryOnce(Function<UnifiedJedis, T> operation) {
        try {
            T result;
            try {
                result = operation.apply(client);
            } catch (JedisConnectionException e) {
                backend.clearIdle();
                result = operation.apply(client);
            }
            status.succeeded();
            return result;
        } catch (JedisConnectionException | JedisClusterOperationException e) {
            // an interrupt (a poller stopped at shutdown) closes the socket under the read: that is no outage
            if (!Thread.currentThread().isInterrupted()) {
                status.failed(e);
            }
            throw e;
        }
    }
}

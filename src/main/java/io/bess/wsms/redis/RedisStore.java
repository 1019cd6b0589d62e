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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.bess.wsms.hub.BatteryState;
import io.bess.wsms.hub.FleetStore;
import io.bess.wsms.hub.Frame;
import io.bess.wsms.hub.FrameEncoder;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Reads the pipeline's keys: the set of battery ids and each battery's hash. Never uses KEYS; many hashes are read
 * in one pipeline (split per node in a Cluster). Every read's outcome goes to {@link RedisStatus} (reads, not
 * subscriber connections, decide whether Redis is down) and failed ones are counted by reason; which failures are an
 * outage, which pass, and which are bad content is {@link ReadFailure}'s rule. A key of the wrong type is skipped and
 * reported once, never fatal.
 */
public final class RedisStore implements FleetStore {
    /** The set of battery ids the upstream writer maintains. */
    public static final String IDS_KEY = "info:batteries:ids";
    private static final System.Logger LOGGER = System.getLogger(RedisStore.class.getName());
    /** Keys reported as holding the wrong type are remembered up to this many, so the set cannot grow unbounded. */
    private static final int MAX_REPORTED_KEYS = 1024;

    private final RedisBackend backend;
    private final UnifiedJedis client;
    private final RedisStatus status;
    private final UpstreamMetrics metrics;
    private final Set<String> reportedKeys = ConcurrentHashMap.newKeySet();

    /**
     * Creates a store over the connector's pooled client.
     *
     * @param connector the service's Redis
     * @param status    told whether reads succeed
     * @param metrics   counts failed reads by reason
     */
    public RedisStore(RedisConnector connector, RedisStatus status, UpstreamMetrics metrics) {
        this.backend = connector.backend();
        this.client = backend.client();
        this.status = status;
        this.metrics = metrics;
    }

    /** The fleet's battery ids; members that are not non-negative integers are ignored. */
    @Override
    public Set<Integer> batteryIds() {
        Set<String> members;
        try {
            members = retryOnce(c -> c.smembers(IDS_KEY));
        } catch (RuntimeException e) {
            ReadFailure failure = ReadFailure.of(e);
            if (failure.kind() == ReadFailure.Kind.BAD_CONTENT) {
                logBadContent(IDS_KEY, failure);
                // the service cannot know the fleet; what it knows stays, and clients still get selected batteries
                throw new ReadFailedException(IDS_KEY + " is not a set (" + failure.describe() + ")", e);
            }
            throw e;
        }
        Set<Integer> ids = new HashSet<>();
        for (String member : members) {
            parseId(member).ifPresent(ids::add);
        }
        return ids;
    }

    /**
     * Some batteries, for a snapshot: all of them or a failure, never part of them. A battery whose key holds the
     * wrong type is left out (and reported), like one without data.
     *
     * @throws RuntimeException when any battery could not be read
     */
    @Override
    public List<BatteryState> read(Collection<Integer> batteries) {
        BatchRead read = readBatch(batteries);
        if (read.failure() != null) {
            throw new ReadFailedException(read.failed().size() + " of " + batteries.size() + " batteries could not be"
                                                  + " read (" + read.failure().describe() + ")",
                                          read.failure().cause());
        }
        return read.states();
    }

    /**
     * Reads some batteries in one pipeline and says which could not be read; never throws.
     *
     * @param batteries ids
     * @return the states read and the batteries whose read failed (to be read again)
     */
    BatchRead readBatch(Collection<Integer> batteries) {
        Set<Integer> sorted = new TreeSet<>(batteries);
        if (sorted.isEmpty()) {
            return BatchRead.NOTHING;
        }
        List<BatteryState> states = new ArrayList<>(sorted.size());
        PerBattery<Map<String, String>> answers;
        try {
            answers = retryOnce(c -> perBattery(c, sorted, AbstractPipeline::hgetAll));
        } catch (RuntimeException e) {
            return new BatchRead(List.of(), sorted, ReadFailure.of(e));
        }
        answers.values().forEach((battery, fields) -> {
            if (!fields.isEmpty()) {
                states.add(new BatteryState(battery, fields));
            }
        });
        return new BatchRead(states, answers.failed().keySet(), answers.worst());
    }

    @Override
    public Map<Integer, Long> timestamps(Collection<Integer> batteries) {
        if (batteries.isEmpty()) {
            return Map.of();
        }
        Map<Integer, Long> timestamps = new HashMap<>();
        PerBattery<String> answers = retryOnce(c -> perBattery(c, batteries, (p, key) -> p.hget(key, "timestamp")));
        answers.values().forEach((battery, raw) -> {
            long timestamp = FrameEncoder.deviceTimestamp(Map.of("timestamp", raw));
            if (timestamp != Frame.NO_TIMESTAMP) {
                timestamps.put(battery, timestamp);
            }
        });
        return timestamps;
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

    /**
     * One command per battery's key in one pipeline. The answers of the batteries that could be read, and the
     * failures of those that could not; an answer of the wrong type is reported and counted as neither.
     */
    private <T> PerBattery<T> perBattery(UnifiedJedis c, Collection<Integer> batteries,
                                         BiFunction<AbstractPipeline, String, Response<T>> command) {
        Map<Integer, Response<T>> responses = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = c.pipelined()) {
            for (Integer battery : batteries) {
                responses.put(battery, command.apply(pipeline, BatteryState.key(battery)));
            }
            pipeline.sync();
        }
        PerBattery<T> answers = new PerBattery<>();
        responses.forEach((battery, response) -> {
            try {
                T value = response.get();
                if (value != null) {
                    answers.values().put(battery, value);
                }
            } catch (RuntimeException e) {
                ReadFailure failure = ReadFailure.of(e);
                if (failure.kind() == ReadFailure.Kind.BAD_CONTENT) {
                    metrics.readFailed(failure.reason());
                    logBadContent(BatteryState.key(battery), failure);
                } else {
                    answers.failed().put(battery, failure);
                }
            }
        });
        return answers;
    }

    /** The answers of one pipelined read, and its failed batteries. */
    private record PerBattery<T>(Map<Integer, T> values, Map<Integer, ReadFailure> failed) {
        PerBattery() {
            this(new LinkedHashMap<>(), new LinkedHashMap<>());
        }

        /** The failure that decides what the read means: an outage outweighs a refusal. */
        ReadFailure worst() {
            ReadFailure worst = null;
            for (ReadFailure failure : failed.values()) {
                if (worst == null || failure.kind().compareTo(worst.kind()) < 0) {
                    worst = failure;
                }
            }
            return worst;
        }
    }

    private void logBadContent(String key, ReadFailure failure) {
        if (reportedKeys.size() < MAX_REPORTED_KEYS && reportedKeys.add(key)) {
            LOGGER.log(Level.WARNING, key + " holds the wrong type of value (" + failure.describe() + "): it is"
                    + " skipped until the upstream writer stores a hash there; reported once per key");
        }
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
     * Runs one read and tells the status and the metrics how it went. A pooled connection that died while idle
     * (Redis restarted) fails on its next use; after such a failure every idle connection is suspect, so they are
     * all dropped before the one retry: otherwise the retry could take another dead one and report a false outage
     * just after Redis came back.
     */
    private <T> T retryOnce(Function<UnifiedJedis, T> operation) {
        T result;
        long startedNanos = System.nanoTime();
        try {
            try {
                result = operation.apply(client);
            } catch (JedisConnectionException e) {
                backend.clearIdle();
                startedNanos = System.nanoTime();
                result = operation.apply(client);
            }
        } catch (RuntimeException e) {
            reportFailure(ReadFailure.of(e), startedNanos);
            throw e;
        }
        if (result instanceof PerBattery<?> answers && !answers.failed().isEmpty()) {
            reportFailure(answers.worst(), startedNanos);
        } else {
            status.succeeded(startedNanos);
        }
        return result;
    }

    /**
     * Tells the status and the metrics about a failed read.
     *
     * @param failure      what failed
     * @param startedNanos when the failed attempt started: a read that was sent before a later read worked says
     *                     nothing about Redis now (after a half-open path, reads on dead connections time out one
     *                     after another while fresh ones work)
     */
    private void reportFailure(ReadFailure failure, long startedNanos) {
        // an interrupt (a poller stopped at shutdown) closes the socket under the read: that is no failure of Redis
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        metrics.readFailed(failure.reason());
        switch (failure.kind()) {
            case OUTAGE -> status.failed(failure, startedNanos);
            case TRANSIENT -> {
                status.refused(failure, startedNanos);
                if (failure.reason().equals("moved") || failure.reason().equals("ask")) {
                    refreshTopology();
                }
            }
            default -> {
                // BAD_CONTENT: reported by the caller, per key; Redis itself works
            }
        }
    }

    /** Slots moved under a Cluster read: the client's slot map is re-read before the retry. */
    private void refreshTopology() {
        try {
            backend.refresh();
        } catch (RuntimeException e) {
            LOGGER.log(Level.DEBUG, () -> "slot map refresh after a MOVED reply failed (the retry tries again): " + e);
        }
    }
}

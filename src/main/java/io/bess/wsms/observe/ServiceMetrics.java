package io.bess.wsms.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.bess.wsms.hub.DeliveryMetrics;
import io.bess.wsms.redis.UpstreamMetrics;
import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.web.UpgradeGate;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The service's meters, exported in Prometheus text at {@code /observe/metrics}. Names follow Prometheus
 * conventions once exported: counters end in {@code _total}, durations are in seconds. The two timers are
 * Prometheus histograms with a fixed, small set of buckets ({@link #BUCKETS}) and no client-side quantiles.
 */
public final class ServiceMetrics implements DeliveryMetrics, UpstreamMetrics, UpgradeGate.RefusalCounter,
                                             Housekeeping.Failures, AutoCloseable {
    private static final String PREFIX = "wsms.";
    private static final String SNAPSHOT_STATES = "Battery states put into snapshot frames and REST answers, by where"
            + " they came from: held in memory (cache) or read from Redis";
    /** Histogram bucket bounds of both timers: sub-millisecond fan-out up to seconds of pipeline lag. */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5)};
    /** Refusal reasons ({@link UpgradeGate}'s error codes), exported at 0 before the first refusal. */
    private static final List<String> REFUSAL_REASONS = List.of("bad_request", "unauthorized", "no_batteries",
                                                                "auth_unavailable", "origin_not_allowed",
                                                                "too_many_connections", "redis_unavailable");
    /** Reasons the server closes clients for, exported at 0 before the first close. */
    private static final List<String> CLOSE_REASONS = List.of("slow", "keepalive", "message_too_big",
                                                              "binary_frame", "too_many_commands",
                                                              "token_expired");

    private final MeterRegistry registry;
    private final List<Meter> created = new ArrayList<>();
    private final Counter framesSent;
    private final Counter framesConflated;
    private final Counter redisMessages;
    private final Counter commandsRefused;
    private final Counter snapshotFromMemory;
    private final Counter snapshotFromRedis;
    private final Timer deliveryDelay;
    private final Timer pipelineLatency;
    private volatile Supplier<Long> redisReconnects = () -> 0L;

    /**
     * What the service's components report by themselves, read when metrics are scraped.
     *
     * @param connectedClients      clients connected now
     * @param subscribedChannels    Redis channels subscribed now
     * @param subscriberConnections Redis pub/sub connections holding a subscription now
     * @param redisReconnects       subscriber reconnects so far
     * @param staleBatteries        stale batteries among all known ones
     * @param batteriesOwed         batteries whose read failed and that are still to be read
     */
    public record Gauges(Supplier<Integer> connectedClients, Supplier<Integer> subscribedChannels,
                         Supplier<Integer> subscriberConnections, Supplier<Long> redisReconnects,
                         Supplier<Integer> staleBatteries, Supplier<Integer> batteriesOwed) {
    }

    /**
     * Registers the counters and timers in Helidon's global registry (the one {@code /observe/metrics} exports);
     * the gauges follow with {@link #watch}, once the components they read exist.
     */
    public ServiceMetrics() {
        this.registry = Metrics.globalRegistry();
        framesSent = counter("frames.sent", "Frames written to clients");
        framesConflated = counter("frames.conflated", "Queued states replaced by newer ones before a slow client"
                + " read them");
        redisMessages = counter("redis.messages", "Publishes received from Redis");
        commandsRefused = counter("commands.rate_limited", "Client commands refused with rate_limited (over"
                + " ws.max-commands-per-second)");
        deliveryDelay = timer("delivery.delay", "From receiving a Redis publish to writing the frame to a client");
        pipelineLatency = timer("pipeline.latency", "The pipeline's latency_ms: server receipt minus device"
                + " timestamp");
        snapshotFromMemory = remember(registry.getOrCreate(
                Counter.builder(PREFIX + "snapshot.states").description(SNAPSHOT_STATES)
                        .tags(List.of(Tag.create("source", "cache")))));
        snapshotFromRedis = remember(registry.getOrCreate(
                Counter.builder(PREFIX + "snapshot.states").description(SNAPSHOT_STATES)
                        .tags(List.of(Tag.create("source", "redis")))));
        // the registry holds a functional counter's state object weakly: this instance lives as long as the service
        remember(registry.getOrCreate(FunctionalCounter.builder(PREFIX + "redis.reconnects", this,
                                                                m -> m.redisReconnects.get())
                                              .description("Redis subscriber reconnections after a lost connection")));
        REFUSAL_REASONS.forEach(reason -> reasonCounter("upgrades.refused", reason));
        CLOSE_REASONS.forEach(reason -> reasonCounter("clients.closed", reason));
        READ_FAILURE_REASONS.forEach(this::readFailureCounter);
    }

    /**
     * Registers the gauges.
     *
     * @param gauges what they read
     */
    public void watch(Gauges gauges) {
        this.redisReconnects = gauges.redisReconnects();
        gauge("clients.connected", "Connected WebSocket clients", gauges.connectedClients());
        gauge("redis.channels.subscribed", "Redis channels subscribed", gauges.subscribedChannels());
        gauge("redis.subscriber.connections", "Redis pub/sub connections holding a subscription",
              gauges.subscriberConnections());
        gauge("batteries.stale", "Stale batteries (newest state older than battery.stale-after) among all known ones",
              gauges.staleBatteries());
        gauge("batteries.owed", "Batteries whose read from Redis failed and that are still to be read (they are read"
                + " again with backoff and sent as soon as Redis answers)", gauges.batteriesOwed());
    }

    @Override
    public void framesSent(int frames, long oldestSinceReceivedNanos) {
        framesSent.increment(frames);
        deliveryDelay.record(oldestSinceReceivedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void snapshotStates(int fromMemory, int fromStore) {
        snapshotFromMemory.increment(fromMemory);
        snapshotFromRedis.increment(fromStore);
    }

    @Override
    public void frameConflated() {
        framesConflated.increment();
    }

    @Override
    public void commandRefused() {
        commandsRefused.increment();
    }

    @Override
    public void clientClosed(String reason) {
        reasonCounter("clients.closed", reason).increment();
    }

    @Override
    public void messageReceived() {
        redisMessages.increment();
    }

    @Override
    public void pipelineLatency(long millis) {
        pipelineLatency.record(Duration.ofMillis(Math.max(0, millis)));
    }

    @Override
    public void readFailed(String reason) {
        readFailureCounter(reason).increment();
    }

    @Override
    public void failed(String loop) {
        remember(registry.getOrCreate(Counter.builder(PREFIX + "housekeeping.failures")
                                              .description("Passes of a housekeeping loop that threw (the loop keeps"
                                                                   + " running; the first of each error is logged)")
                                              .tags(List.of(Tag.create("loop", loop))))).increment();
    }

    @Override
    public void refused(String reason) {
        reasonCounter("upgrades.refused", reason).increment();
    }

    /**
     * Registers a gauge that is 1 while a condition holds and 0 otherwise.
     *
     * @param name        the name after {@code wsms.} ({@code demo.mode} is exported as {@code wsms_demo_mode})
     * @param description what 1 means
     * @param condition   read at each scrape
     */
    public void flag(String name, String description, BooleanSupplier condition) {
        gauge(name, description, () -> condition.getAsBoolean() ? 1 : 0);
    }

    /** Removes this instance's meters, so that another instance in the same JVM (tests) starts clean. */
    @Override
    public void close() {
        synchronized (created) {
            created.forEach(registry::remove);
            created.clear();
        }
    }

    private Counter counter(String name, String description) {
        return remember(registry.getOrCreate(Counter.builder(PREFIX + name).description(description)));
    }

    private Counter reasonCounter(String name, String reason) {
        String description = name.equals("clients.closed") ? "Clients closed by the server, by reason"
                : "WebSocket upgrades refused, by reason";
        return remember(registry.getOrCreate(Counter.builder(PREFIX + name)
                                                     .description(description)
                                                     .tags(List.of(Tag.create("reason", reason)))));
    }

    private Counter readFailureCounter(String reason) {
        return remember(registry.getOrCreate(Counter.builder(PREFIX + "update.reads.failed")
                                                     .description("Reads of battery data from Redis that failed, by"
                                                                          + " reason; each is retried and its"
                                                                          + " batteries owed, or (wrongtype) the key"
                                                                          + " is skipped and reported")
                                                     .tags(List.of(Tag.create("reason", reason)))));
    }

    private Timer timer(String name, String description) {
        // percentiles(none): Helidon adds six client-side quantiles by default, which Prometheus cannot
        // aggregate and which would sit inside the histogram family
        return remember(registry.getOrCreate(Timer.builder(PREFIX + name)
                                                     .description(description)
                                                     .percentiles(new double[0])
                                                     .publishPercentileHistogram(false)
                                                     .buckets(BUCKETS)));
    }

    private <N extends Number> void gauge(String name, String description, Supplier<N> value) {
        remember(registry.getOrCreate(Gauge.builder(PREFIX + name, value).description(description)));
    }

    private <M extends Meter> M remember(M meter) {
        synchronized (created) {
            if (!created.contains(meter)) {
                created.add(meter);
            }
        }
        return meter;
    }
}

package io.bess.wsms.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Prometheus histograms with a fixed, small set of buckets ({@link #BUCKETS}) and no client-side quantiles. What is
 * about clients (connected, refused, closed, frames sent, conflated and skipped, delivery delay) is labelled by
 * transport, {@code transport="ws"} or {@code "sse"}, both exported from the start: {@link #transport} gives each
 * endpoint its own view, and only those views count clients' frames and closes; as a {@link DeliveryMetrics} this
 * class itself counts snapshot states, which belong to no transport.
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
    /** Refusal reasons ({@link UpgradeGate}'s and the socket guard's), exported at 0 before the first refusal. */
    private static final List<String> REFUSAL_REASONS = List.of("bad_request", "unauthorized", "no_batteries",
                                                                "auth_unavailable", "origin_not_allowed",
                                                                "too_many_connections", "redis_unavailable");
    /**
     * Refusals at the socket ({@code SocketGuard}), before a request names an endpoint: counted under the transport
     * {@value #SOCKET}.
     */
    private static final List<String> SOCKET_REFUSAL_REASONS = List.of("too_many_connections_from_address",
                                                                       "request_header_timeout",
                                                                       "proxy_header_not_trusted", "bad_proxy_header");
    /** The transport label of connections refused at the socket. */
    private static final String SOCKET = "tcp";
    /** The transports clients connect by ({@code Framing} labels), exported at 0 before the first client. */
    private static final List<String> TRANSPORTS = List.of("ws", "sse");
    /** Reasons the server closes clients for, by transport, exported at 0 before the first close. */
    private static final Map<String, List<String>> CLOSE_REASONS = Map.of(
            "ws", List.of("slow", "keepalive", "message_too_big", "binary_frame", "too_many_commands",
                          "token_expired"),
            // an event stream's client sends nothing: only a stalled reader is closed
            "sse", List.of("slow"));

    private final MeterRegistry registry;
    private final List<Meter> created = new ArrayList<>();
    private final Counter redisMessages;
    private final Counter commandsRefused;
    private final Counter snapshotFromMemory;
    private final Counter snapshotFromRedis;
    private final Timer pipelineLatency;
    private final Map<String, TransportMetrics> transports;
    private volatile Supplier<Long> redisReconnects = () -> 0L;

    /**
     * What the service's components report by themselves, read when metrics are scraped.
     *
     * @param subscribedChannels    Redis channels subscribed now
     * @param subscriberConnections Redis pub/sub connections holding a subscription now
     * @param redisReconnects       subscriber reconnects so far
     * @param staleBatteries        stale batteries among all known ones
     * @param batteriesOwed         batteries whose read failed and that are still to be read
     */
    public record Gauges(Supplier<Integer> subscribedChannels,
                         Supplier<Integer> subscriberConnections, Supplier<Long> redisReconnects,
                         Supplier<Integer> staleBatteries, Supplier<Integer> batteriesOwed) {
    }

    /**
     * Registers the counters and timers in Helidon's global registry (the one {@code /observe/metrics} exports);
     * the gauges follow with {@link #watch}, once the components they read exist.
     */
    public ServiceMetrics() {
        this.registry = Metrics.globalRegistry();
        redisMessages = counter("redis.messages", "Publishes received from Redis");
        commandsRefused = counter("commands.rate_limited", "Client commands refused with rate_limited (over"
                + " ws.max-commands-per-second)");
        pipelineLatency = timer("pipeline.latency", "The pipeline's latency_ms: server receipt minus device"
                + " timestamp", List.of());
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
        transports = Map.of("ws", new TransportMetrics("ws"), "sse", new TransportMetrics("sse"));
        SOCKET_REFUSAL_REASONS.forEach(reason -> reasonCounter("upgrades.refused", reason, SOCKET));
        for (String transport : TRANSPORTS) {
            REFUSAL_REASONS.forEach(reason -> reasonCounter("upgrades.refused", reason, transport));
            CLOSE_REASONS.get(transport).forEach(reason -> reasonCounter("clients.closed", reason, transport));
        }
        READ_FAILURE_REASONS.forEach(this::readFailureCounter);
    }

    /**
     * Registers the gauges.
     *
     * @param gauges what they read
     */
    public void watch(Gauges gauges) {
        this.redisReconnects = gauges.redisReconnects();
        gauge("redis.channels.subscribed", "Redis channels subscribed", gauges.subscribedChannels());
        gauge("redis.subscriber.connections", "Redis pub/sub connections holding a subscription",
              gauges.subscriberConnections());
        gauge("batteries.stale", "Stale batteries (newest state older than battery.stale-after) among all known ones",
              gauges.staleBatteries());
        gauge("batteries.owed", "Batteries whose read from Redis failed and that are still to be read (they are read"
                + " again with backoff and sent as soon as Redis answers)", gauges.batteriesOwed());
    }

    /**
     * The meters of the clients of one transport, for its endpoint to hand to its sessions.
     *
     * @param label {@code ws} or {@code sse}
     * @return their metrics
     */
    public DeliveryMetrics transport(String label) {
        TransportMetrics metrics = transports.get(label);
        if (metrics == null) {
            throw new IllegalArgumentException("no transport '" + label + "'; transports: " + TRANSPORTS);
        }
        return metrics;
    }

    @Override
    public void snapshotStates(int fromMemory, int fromStore) {
        snapshotFromMemory.increment(fromMemory);
        snapshotFromRedis.increment(fromStore);
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
    public void refused(String reason, String transport) {
        reasonCounter("upgrades.refused", reason, transport).increment();
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

    private Counter reasonCounter(String name, String reason, String transport) {
        String description = name.equals("clients.closed") ? "Clients closed by the server, by reason and transport"
                : "Connections refused (WebSocket upgrades, event streams), by reason and transport";
        return remember(registry.getOrCreate(Counter.builder(PREFIX + name)
                                                     .description(description)
                                                     .tags(List.of(Tag.create("reason", reason),
                                                                   Tag.create("transport", transport)))));
    }

    private Counter transportCounter(String name, String description, String transport) {
        return remember(registry.getOrCreate(Counter.builder(PREFIX + name).description(description)
                                                     .tags(List.of(Tag.create("transport", transport)))));
    }

    private Counter readFailureCounter(String reason) {
        return remember(registry.getOrCreate(Counter.builder(PREFIX + "update.reads.failed")
                                                     .description("Reads of battery data from Redis that failed, by"
                                                                          + " reason; each is retried and its"
                                                                          + " batteries owed, or (wrongtype) the key"
                                                                          + " is skipped and reported")
                                                     .tags(List.of(Tag.create("reason", reason)))));
    }

    private Timer timer(String name, String description, List<Tag> tags) {
        // percentiles(none): Helidon adds six client-side quantiles by default, which Prometheus cannot
        // aggregate and which would sit inside the histogram family
        return remember(registry.getOrCreate(Timer.builder(PREFIX + name)
                                                     .description(description)
                                                     .tags(tags)
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

    /** The meters of one transport's clients, with {@code transport="..."} on each. */
    private final class TransportMetrics implements DeliveryMetrics {
        private final String transport;
        private final Counter framesSent;
        private final Counter framesConflated;
        private final Counter framesSkipped;
        private final Timer deliveryDelay;
        private final AtomicInteger connected = new AtomicInteger();

        TransportMetrics(String transport) {
            this.transport = transport;
            framesSent = transportCounter("frames.sent", "Frames written to clients", transport);
            framesConflated = transportCounter("frames.conflated", "Queued states replaced by newer ones before a"
                    + " slow client read them", transport);
            framesSkipped = transportCounter("frames.skipped", "States a client's rate cap (max_rate) held back and"
                    + " a newer state replaced before they could leave", transport);
            deliveryDelay = timer("delivery.delay", "From receiving a Redis publish to writing the frame to a client"
                    + " (for a rate-capped client, the time its cap held the frame back included)",
                                  List.of(Tag.create("transport", transport)));
            // a gauge holds its state object weakly: this one lives as long as the service's metrics
            remember(registry.getOrCreate(Gauge.builder(PREFIX + "clients.connected", connected, AtomicInteger::get)
                                                  .description("Connected clients, by transport")
                                                  .tags(List.of(Tag.create("transport", transport)))));
        }

        @Override
        public void framesSent(int frames, long oldestSinceReceivedNanos) {
            framesSent.increment(frames);
            deliveryDelay.record(oldestSinceReceivedNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void snapshotStates(int fromMemory, int fromStore) {
            ServiceMetrics.this.snapshotStates(fromMemory, fromStore);
        }

        @Override
        public void frameConflated() {
            framesConflated.increment();
        }

        @Override
        public void frameSkipped() {
            framesSkipped.increment();
        }

        @Override
        public void clientConnected() {
            connected.incrementAndGet();
        }

        @Override
        public void clientDisconnected() {
            connected.decrementAndGet();
        }

        @Override
        public void commandRefused() {
            commandsRefused.increment();
        }

        @Override
        public void clientClosed(String reason) {
            reasonCounter("clients.closed", reason, transport).increment();
        }
    }
}

package io.bess.wsms.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.bess.wsms.hub.DeliveryMetrics;
import io.bess.wsms.redis.UpstreamMetrics;
import io.bess.wsms.web.UpgradeGate;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;

/**
 * The service's meters, exported in Prometheus text at {@code /observe/metrics}. Names follow Prometheus
 * conventions once exported: counters end in {@code _total}, durations are in seconds.
 */
public final class ServiceMetrics implements DeliveryMetrics, UpstreamMetrics, UpgradeGate.RefusalCounter,
                                             AutoCloseable {
    private static final String PREFIX = "wsms.";

    private final MeterRegistry registry;
    private final List<Meter> created = new ArrayList<>();
    private final Counter framesSent;
    private final Counter framesConflated;
    private final Counter redisMessages;
    private final Timer deliveryDelay;
    private final Timer pipelineLatency;

    /**
     * Registers the meters in Helidon's global registry (the one {@code /observe/metrics} exports).
     *
     * @param connectedClients clients connected now
     * @param subscribedChannels Redis channels subscribed now
     * @param redisReconnects subscriber reconnects so far
     */
    public ServiceMetrics(Supplier<Integer> connectedClients, Supplier<Integer> subscribedChannels,
                          Supplier<Long> redisReconnects) {
        this.registry = Metrics.globalRegistry();
        framesSent = counter("frames.sent", "Frames written to clients");
        framesConflated = counter("frames.conflated", "Queued states replaced by newer ones before a slow client"
                + " read them");
        redisMessages = counter("redis.messages", "Publishes received from Redis");
        deliveryDelay = timer("delivery.delay", "From receiving a Redis publish to writing the frame to a client");
        pipelineLatency = timer("pipeline.latency", "The pipeline's latency_ms: server receipt minus device"
                + " timestamp");
        gauge("clients.connected", "Connected WebSocket clients", connectedClients);
        gauge("redis.channels.subscribed", "Redis channels subscribed", subscribedChannels);
        gauge("redis.reconnects", "Redis subscriber reconnections after a lost connection", redisReconnects);
    }

    @Override
    public void frameSent(long sinceReceivedNanos) {
        framesSent.increment();
        deliveryDelay.record(sinceReceivedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void frameConflated() {
        framesConflated.increment();
    }

    @Override
    public void clientClosed(String reason) {
        remember(registry.getOrCreate(Counter.builder(PREFIX + "clients.closed")
                                              .description("Clients closed by the server, by reason")
                                              .tags(List.of(Metrics.tag("reason", reason))))).increment();
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
    public void refused(String reason) {
        remember(registry.getOrCreate(Counter.builder(PREFIX + "upgrades.refused")
                                              .description("WebSocket upgrades refused, by reason")
                                              .tags(List.of(Metrics.tag("reason", reason))))).increment();
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

    private Timer timer(String name, String description) {
        return remember(registry.getOrCreate(Timer.builder(PREFIX + name)
                                                     .description(description)
                                                     .publishPercentileHistogram(true)
                                                     .minimumExpectedValue(Duration.ofNanos(100_000))
                                                     .maximumExpectedValue(Duration.ofSeconds(30))));
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

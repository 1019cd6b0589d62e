package io.bess.wsms.observe;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4, point 2: {@code /observe/metrics} in Prometheus text, named by Prometheus conventions, and the values
 * move when clients connect, updates flow, upgrades are refused, clients fall behind and Redis comes back.
 * Meters live in Helidon's global registry, so every test asserts on deltas.
 */
class MetricsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Set<String> COUNTERS = Set.of("wsms_frames_sent_total", "wsms_frames_conflated_total",
                                                       "wsms_frames_skipped_total",
                                                       "wsms_redis_messages_total", "wsms_redis_reconnects_total",
                                                       "wsms_upgrades_refused_total", "wsms_clients_closed_total",
                                                       "wsms_snapshot_states_total");
    private static final Set<String> GAUGES = Set.of("wsms_clients_connected", "wsms_redis_channels_subscribed",
                                                     "wsms_redis_subscriber_connections", "wsms_batteries_stale");
    private static final Set<String> HISTOGRAMS = Set.of("wsms_delivery_delay_seconds",
                                                         "wsms_pipeline_latency_seconds");
    private static final List<String> BUCKET_BOUNDS = List.of("5.0E-4", "0.001", "0.002", "0.005", "0.01", "0.02",
                                                              "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0",
                                                              "+Inf");
    private static final AtomicInteger NEXT_BATTERY = new AtomicInteger(100);

    @RegisterExtension
    static final LiveService LIVE = new LiveService();

    @BeforeEach
    void redisIsUp() {
        await().atMost(PATIENCE).until(() -> Http.get(LIVE.service().http("/observe/health/ready")).statusCode() == 200);
    }

    @Test
    void metricsArePrometheusTextWithConventionalNamesTypesAndSmallHistograms() {
        HttpResponse<String> response = Http.get(LIVE.service().http("/observe/metrics"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(response)).startsWith("text/plain");
        PrometheusText metrics = PrometheusText.parse(response.body());

        COUNTERS.forEach(name -> assertThat(metrics.type(name)).as(name).hasValue("counter"));
        GAUGES.forEach(name -> assertThat(metrics.type(name)).as(name).hasValue("gauge"));
        HISTOGRAMS.forEach(name -> assertThat(metrics.type(name)).as(name).hasValue("histogram"));
        metrics.types().forEach((family, type) -> {
            if (family.startsWith("wsms_")) {
                if (type.equals("counter")) {
                    assertThat(family).as("counter name").endsWith("_total");
                }
                if (type.equals("histogram")) {
                    assertThat(family).as("histogram of durations, in seconds").endsWith("_seconds");
                }
                assertThat(family).as("no unit other than seconds").doesNotContain("_millis", "_ms", "_nanos");
            }
        });
        for (String histogram : HISTOGRAMS) {
            // the delivery delay is one histogram per transport
            List<Map<String, String>> series = histogram.equals("wsms_delivery_delay_seconds")
                    ? List.of(Map.of("transport", "ws"), Map.of("transport", "sse")) : List.of(Map.of());
            for (Map<String, String> labels : series) {
                List<String> bounds = metrics.samples(histogram + "_bucket", labels).stream()
                        .map(s -> s.labels().get("le")).toList();
                assertThat(bounds).as(histogram + labels + " buckets").containsExactlyElementsOf(BUCKET_BOUNDS);
                assertThat(metrics.samples(histogram + "_count", labels)).hasSize(1);
                assertThat(metrics.samples(histogram + "_sum", labels)).hasSize(1);
            }
            assertThat(metrics.samples(histogram, Map.of())).as(histogram + ": no client-side quantiles").isEmpty();
        }
        assertThat(metrics.samples().stream().filter(s -> s.name().startsWith("wsms_"))
                           .filter(s -> s.labels().containsKey("quantile")))
                .as("no summary-style quantile samples").isEmpty();
        // refusal reasons exist at 0 before the first refusal, so rate() and alerts see them from the start
        for (String reason : List.of("bad_request", "unauthorized", "origin_not_allowed", "too_many_connections",
                                     "redis_unavailable")) {
            for (String transport : List.of("ws", "sse")) {
                assertThat(metrics.samples("wsms_upgrades_refused_total",
                                           Map.of("reason", reason, "transport", transport)))
                        .as(reason + " over " + transport).hasSize(1);
            }
        }
        System.out.println("/observe/metrics: " + response.body().length() + " characters, "
                                   + metrics.samples().stream().filter(s -> s.name().startsWith("wsms_")).count()
                                   + " wsms_ samples");
    }

    @Test
    void connectedClientsGaugeFollowsConnectsAndDisconnects() throws Exception {
        double before = PrometheusText.scrape(LIVE.service()).value("wsms_clients_connected");
        List<WsTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsTestClient client = WsTestClient.connect(LIVE.service().ws(""));
                client.next();
                clients.add(client);
            }
            await().atMost(PATIENCE).until(() -> connected() == before + 3);
        } finally {
            clients.forEach(WsTestClient::close);
        }
        await().atMost(PATIENCE).until(() -> connected() == before);
    }

    @Test
    void updatesMoveFramesSentRedisMessagesAndBothLatencyHistograms() throws Exception {
        int battery = NEXT_BATTERY.getAndIncrement();
        int updates = 5;
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            client.next();
            subscribe(client, battery);
            PrometheusText before = PrometheusText.scrape(LIVE.service());
            assertThat(before.value("wsms_redis_channels_subscribed")).isGreaterThanOrEqualTo(1);

            // one at a time, each read by the client before the next: no state is conflated or superseded
            for (int i = 1; i <= updates; i++) {
                int voltage = 200 + i;
                LIVE.redis().write(battery, TestRedis.reading(System.currentTimeMillis(), voltage));
                client.awaitJson(j -> j.containsKey(key(battery))
                        && j.getJsonObject(key(battery)).getInt("voltage") == voltage);
            }

            await().atMost(PATIENCE).untilAsserted(() -> {
                PrometheusText after = PrometheusText.scrape(LIVE.service());
                assertThat(delta(before, after, "wsms_redis_messages_total")).isGreaterThanOrEqualTo(updates);
                assertThat(delta(before, after, "wsms_frames_sent_total")).isGreaterThanOrEqualTo(updates);
                assertThat(delta(before, after, "wsms_delivery_delay_seconds_count")).isGreaterThanOrEqualTo(updates);
                assertThat(delta(before, after, "wsms_delivery_delay_seconds_sum")).isPositive();
                assertThat(delta(before, after, "wsms_pipeline_latency_seconds_count"))
                        .isGreaterThanOrEqualTo(updates);
                for (String histogram : HISTOGRAMS) {
                    assertCumulative(after, histogram);
                }
            });
            PrometheusText after = PrometheusText.scrape(LIVE.service());
            System.out.printf("after %d updates to 1 client: redis_messages +%.0f, frames_sent +%.0f,"
                                      + " delivery_delay count +%.0f (mean %.3f ms), pipeline_latency count +%.0f%n",
                              updates, delta(before, after, "wsms_redis_messages_total"),
                              delta(before, after, "wsms_frames_sent_total"),
                              delta(before, after, "wsms_delivery_delay_seconds_count"),
                              1000 * delta(before, after, "wsms_delivery_delay_seconds_sum")
                                      / delta(before, after, "wsms_delivery_delay_seconds_count"),
                              delta(before, after, "wsms_pipeline_latency_seconds_count"));
        }
    }

    @Test
    void refusedUpgradeIsCountedUnderItsReason() {
        Map<String, String> badRequest = Map.of("reason", "bad_request");
        double before = PrometheusText.scrape(LIVE.service()).value("wsms_upgrades_refused_total", badRequest);
        assertThatThrownBy(() -> WsTestClient.connect(LIVE.service().ws("batteries=abc")))
                .isInstanceOf(ExecutionException.class);
        await().atMost(PATIENCE).until(
                () -> PrometheusText.scrape(LIVE.service()).value("wsms_upgrades_refused_total", badRequest) == before + 1);
    }

    @Test
    void framesConflatedCountsStatesSkippedForAClientThatDoesNotRead() throws Exception {
        int battery = NEXT_BATTERY.getAndIncrement();
        LIVE.redis().write(battery, TestRedis.reading(1, 1));
        double before = PrometheusText.scrape(LIVE.service()).value("wsms_frames_conflated_total");
        try (RawWsClient stalled = RawWsClient.connect(LIVE.service().port(), "/ws?batteries=" + battery, 1024);
             Jedis jedis = LIVE.redis().jedis()) {
            assertThat(stalled.status()).isEqualTo(101);
            // big states fill the stalled socket's buffers; from then on newer states replace queued ones
            String padding = "x".repeat(50_000);
            AtomicInteger written = new AtomicInteger();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> {
                int i = written.incrementAndGet();
                Map<String, String> fields = new HashMap<>(TestRedis.reading(1 + i, i % 600));
                fields.put("padding", padding);
                jedis.hset(key(battery), fields);
                jedis.publish(key(battery), "updates");
                return PrometheusText.scrape(LIVE.service()).value("wsms_frames_conflated_total") >= before + 10;
            });
            System.out.println("frames_conflated +10 after " + written.get() + " updates of 50 KB to a client"
                                       + " that does not read");
        }
    }

    @Test
    void redisReconnectsCounterCountsSubscriberReconnectionsAfterRedisReturns() throws Exception {
        int battery = NEXT_BATTERY.getAndIncrement();
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            client.next();
            subscribe(client, battery);
            double before = PrometheusText.scrape(LIVE.service()).value("wsms_redis_reconnects_total");

            LIVE.redis().kill();
            LIVE.redis().restart();
            await().atMost(PATIENCE).until(() -> PrometheusText.scrape(LIVE.service())
                    .value("wsms_redis_reconnects_total") > before);
            await().atMost(PATIENCE).until(() -> PrometheusText.scrape(LIVE.service())
                    .value("wsms_redis_channels_subscribed") >= 1);
            System.out.printf("redis_reconnects_total %.0f -> %.0f after one Redis restart%n", before,
                              PrometheusText.scrape(LIVE.service()).value("wsms_redis_reconnects_total"));
        }
    }

    /** Makes the battery exist and waits until the service has subscribed its channel (its first frame arrives). */
    private static void subscribe(WsTestClient client, int battery) throws InterruptedException {
        LIVE.redis().write(battery, TestRedis.reading(System.currentTimeMillis(), 100));
        client.awaitJson(j -> j.containsKey(key(battery)));
    }

    private static double connected() {
        return PrometheusText.scrape(LIVE.service()).value("wsms_clients_connected");
    }

    private static double delta(PrometheusText before, PrometheusText after, String name) {
        return after.value(name) - before.value(name);
    }

    private static void assertCumulative(PrometheusText metrics, String histogram) {
        // the delivery delay is one histogram per transport; these tests' clients are WebSocket ones
        Map<String, String> series = histogram.equals("wsms_delivery_delay_seconds") ? Map.of("transport", "ws")
                : Map.of();
        List<Double> counts = metrics.samples(histogram + "_bucket", series).stream()
                .map(PrometheusText.Sample::value).collect(Collectors.toList());
        for (int i = 1; i < counts.size(); i++) {
            assertThat(counts.get(i)).as(histogram + " buckets are cumulative").isGreaterThanOrEqualTo(counts.get(i - 1));
        }
        assertThat(counts.getLast()).as(histogram + " +Inf bucket = count")
                .isEqualTo(metrics.value(histogram + "_count", series));
    }

    private static String key(int battery) {
        return "battery:" + battery + ":data";
    }
}

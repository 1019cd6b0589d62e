package io.bess.wsms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.bess.wsms.hub.ClientSession;
import io.bess.wsms.observe.PrometheusText;
import io.bess.wsms.support.RawSseClient;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.SseTestClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import static io.bess.wsms.RedisOutageTest.assertIsSnapshot;
import static io.bess.wsms.RedisOutageTest.assertIsUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17, point 2: {@code GET /sse}, the same frames as {@code /ws} as Server-Sent Events, read by a real HTTP
 * client (the JDK's, streaming) or, for a stalled or vanishing reader, a plain socket: the same selection, rate cap,
 * authorization, connection limit and slow-client rules, counted under {@code transport="sse"}; a comment line
 * every ping interval; a clean end at shutdown; a new snapshot after a Redis outage. Each test has its own Redis and
 * service, started with the settings it needs.
 */
class SseTest {
    private static final Duration PATIENCE = SseTestClient.PATIENCE;

    private final List<AutoCloseable> open = new ArrayList<>();
    private TestRedis redis;

    @BeforeEach
    void startRedis() {
        redis = TestRedis.start();
        open.add(redis);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void theStreamCarriesTheWebSocketsFramesOneDataLineEachSnapshotFirst() throws Exception {
        ServiceFixture service = start(Map.of());
        long ts = System.currentTimeMillis();
        for (int b = 1; b <= 3; b++) {
            redis.write(b, TestRedis.reading(ts, 100 + b));
        }
        SseTestClient sse = sse(service, "batteries=1,2", Map.of());
        WsTestClient ws = WsTestClient.connect(service.ws("batteries=1,2"));
        open.add(ws);
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.header("Content-Type")).isEqualTo("text/event-stream");
        assertThat(sse.header("Cache-Control")).isEqualTo("no-cache");

        JsonObject snapshot = sse.nextJson();
        assertIsSnapshot(snapshot);
        assertThat(snapshot.keySet()).containsExactlyInAnyOrder("battery:1:data", "battery:2:data");
        assertThat(snapshot).as("the same snapshot as on /ws").isEqualTo(ws.nextJson());
        await().atMost(PATIENCE).until(() -> redis.subscribers(1) == 1 && redis.subscribers(3) == 0);

        redis.write(3, TestRedis.reading(ts + 1, 203));
        redis.write(1, TestRedis.reading(ts + 1, 201));
        SseTestClient.Event update = sse.next();
        assertIsUpdate(update.json(), 1, 201);
        assertThat(update.data()).as("byte for byte the /ws frame").isEqualTo(ws.next());
        JsonObject fields = update.json().getJsonObject("battery:1:data");
        assertThat(fields.getJsonNumber("latency_ms").longValue())
                .isEqualTo(fields.getJsonNumber("ws_timestamp").longValue() - ts - 1);

        for (String line : sse.lines()) {
            assertThat(line).as("every line is a data line, a comment or the blank line ending an event")
                    .matches("(data: \\{.*\\}|:.*|)");
        }
        assertThat(sse.lines().stream().filter(l -> l.startsWith("data: ")).count())
                .as("one data line per event: the snapshot and one update").isEqualTo(2);
    }

    @Test
    void maxRateCapsTheStreamToo() throws Exception {
        ServiceFixture service = start(Map.of());
        redis.write(4, TestRedis.reading(System.currentTimeMillis(), 1));
        SseTestClient sse = sse(service, "batteries=4&max_rate=1", Map.of());
        sse.next();
        await().atMost(PATIENCE).until(() -> redis.subscribers(4) == 1);
        long started = System.currentTimeMillis();
        long ts = 0;
        for (int i = 1; i <= 50; i++) {
            ts = Math.max(ts + 1, System.currentTimeMillis());
            redis.write(4, TestRedis.reading(ts, 1000 + i));
            Thread.sleep(40);
        }
        List<Integer> voltages = new ArrayList<>();
        while (voltages.isEmpty() || voltages.getLast() != 1050) {
            voltages.add(sse.nextJson().getJsonObject("battery:4:data").getInt("voltage"));
        }
        long seconds = (System.currentTimeMillis() - started + 999) / 1000;
        assertThat(voltages).as("newest kept, in order").isSorted();
        assertThat(voltages.size()).as("at most one state a second in %d s, of 50 published", seconds)
                .isLessThanOrEqualTo((int) seconds + 2);
    }

    @Test
    void authorizationAndOriginRulesAreTheSameAsOnTheWebSocket() throws Exception {
        ServiceFixture service = start(Map.of("ws.token", "sse-token-1", "ws.allowed-origins",
                                              "https://dash.example.com"));
        SseTestClient none = sse(service, "", Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorBody()).contains("\"code\":\"unauthorized\"");
        assertThat(sse(service, "token=wrong", Map.of()).status()).isEqualTo(401);
        assertThat(sse(service, "", Map.of("Authorization", "Bearer sse-token-1")).status()).isEqualTo(200);
        assertThat(sse(service, "token=sse-token-1", Map.of()).status()).isEqualTo(200);

        SseTestClient foreign = sse(service, "token=sse-token-1", Map.of("Origin", "https://evil.example.com"));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.errorBody()).contains("\"code\":\"origin_not_allowed\"");
        SseTestClient allowed = sse(service, "token=sse-token-1", Map.of("Origin", "https://dash.example.com"));
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).as("a browser on that page may read the stream")
                .isEqualTo("https://dash.example.com");
        assertThat(allowed.nextJson()).isNotNull();
    }

    @Test
    void badQueriesAreRefusedWith400AndTheJsonError() throws Exception {
        ServiceFixture service = start(Map.of());
        for (String query : List.of("batteries=x", "batteries=", "max_rate=abc", "max_rate=-2", "max_rate=500",
                                    "max_rate=1&max_rate=1")) {
            SseTestClient refused = sse(service, query, Map.of());
            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.errorBody()).as(query).contains("\"code\":\"bad_request\"");
        }
        PrometheusText metrics = PrometheusText.scrape(service);
        assertThat(metrics.value("wsms_upgrades_refused_total", Map.of("reason", "bad_request", "transport", "sse")))
                .isEqualTo(6);
        assertThat(metrics.value("wsms_upgrades_refused_total", Map.of("reason", "bad_request", "transport", "ws")))
                .isZero();
    }

    @Test
    void aCommentLineComesEveryPingIntervalAndTheStreamStaysOpenThoughItsClientNeverAnswers() throws Exception {
        ServiceFixture service = start(Map.of("ws.ping-interval", "300ms"));
        SseTestClient sse = sse(service, "batteries=99", Map.of());
        sse.next();
        // a WebSocket client that answered nothing for two intervals would be closed; an event stream's cannot answer
        for (int i = 0; i < 6; i++) {
            assertThat(sse.nextComment(PATIENCE)).isEqualTo("keepalive");
        }
        assertThat(sse.isEnded()).isFalse();
        assertThat(service.service().hub().size()).isEqualTo(1);
    }

    @Test
    void aQuietStreamOutlivesHelidonsIdleConnectionTimeout() throws Exception {
        // Helidon drops a connection that sent nothing for this long; an event stream's client never sends anything
        ServiceFixture service = start(Map.of("server.idle-connection-timeout", "PT1S",
                                              "server.idle-connection-period", "PT0.2S"));
        redis.write(5, TestRedis.reading(System.currentTimeMillis(), 1));
        SseTestClient sse = sse(service, "batteries=5", Map.of());
        sse.next();
        assertThat(sse.poll(Duration.ofSeconds(3))).as("nothing to send for three idle timeouts").isNull();
        redis.write(5, TestRedis.reading(System.currentTimeMillis(), 2));
        assertIsUpdate(sse.nextJson(), 5, 2);
        assertThat(sse.isEnded()).isFalse();
    }

    @Test
    void oneConnectionLimitForBothTransportsCountedInTheSameMetricsByTransport() throws Exception {
        ServiceFixture service = start(Map.of("ws.max-connections", "2"));
        WsTestClient ws = WsTestClient.connect(service.ws(""));
        open.add(ws);
        ws.next();
        SseTestClient sse = sse(service, "", Map.of());
        sse.next();
        PrometheusText before = PrometheusText.scrape(service);
        assertThat(before.value("wsms_clients_connected", Map.of("transport", "ws"))).isEqualTo(1);
        assertThat(before.value("wsms_clients_connected", Map.of("transport", "sse"))).isEqualTo(1);

        SseTestClient third = sse(service, "", Map.of());
        assertThat(third.status()).isEqualTo(503);
        assertThat(third.errorBody()).contains("\"code\":\"too_many_connections\"");
        assertThat(RawUpgrade.send(service.port(), "/ws", Map.of()).status()).isEqualTo(503);
        PrometheusText after = PrometheusText.scrape(service);
        Map<String, String> sseLimit = Map.of("reason", "too_many_connections", "transport", "sse");
        Map<String, String> wsLimit = Map.of("reason", "too_many_connections", "transport", "ws");
        assertThat(after.value("wsms_upgrades_refused_total", sseLimit)
                           - before.value("wsms_upgrades_refused_total", sseLimit)).isEqualTo(1);
        assertThat(after.value("wsms_upgrades_refused_total", wsLimit)
                           - before.value("wsms_upgrades_refused_total", wsLimit)).isEqualTo(1);

        sse.close();
        await().atMost(PATIENCE).until(() -> PrometheusText.scrape(service)
                .value("wsms_clients_connected", Map.of("transport", "sse")) == 0);
        assertThat(sse(service, "", Map.of()).status()).as("room again").isEqualTo(200);
    }

    @Test
    void aClientThatHangsUpIsForgottenAtOnceEvenWithNothingToSendIt() throws Exception {
        // pings every 20 s (the default): only the end of the client's input can tell, and quickly
        ServiceFixture service = start(Map.of());
        RawSseClient client = RawSseClient.connect(service.port(), "/sse?batteries=99", 0);
        assertThat(client.head()).startsWith("HTTP/1.1 200");
        assertThat(client.readEvent()).isEqualTo("data: {}");
        assertThat(service.service().hub().size()).isEqualTo(1);
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> service.service().hub().size() == 0);
    }

    @Test
    void aStalledReaderHasABoundedQueueAndIsClosedAfterTheSlowClientTimeoutWhileOthersKeepReceiving()
            throws Exception {
        int batteries = 50;
        ServiceFixture service = start(Map.of("ws.slow-client-timeout", "3s"));
        SseTestClient normal = sse(service, "", Map.of());
        normal.next();
        RawSseClient stalled = RawSseClient.connect(service.port(), "/sse", 1024);
        open.add(stalled);
        await().atMost(PATIENCE).until(() -> service.service().hub().size() == 2);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger maxPending = new AtomicInteger();
        Thread writer = Thread.ofVirtual().start(() -> {
            String pad = "x".repeat(4096);
            int round = 0;
            try (Jedis jedis = redis.jedis()) {
                while (!stop.get()) {
                    round++;
                    Pipeline p = jedis.pipelined();
                    for (int b = 1; b <= batteries; b++) {
                        Map<String, String> fields = new HashMap<>(TestRedis.reading(round, round % 600));
                        fields.put("pad", pad);
                        p.sadd("info:batteries:ids", Integer.toString(b));
                        p.hset("battery:" + b + ":data", fields);
                        p.publish("battery:" + b + ":data", "updates");
                    }
                    p.sync();
                    for (ClientSession session : service.service().hub().sessions()) {
                        maxPending.accumulateAndGet(session.pending(), Math::max);
                    }
                }
            }
        });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                normal.drain();
                return service.service().hub().size() == 1;
            });
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(maxPending.get()).as("conflation: at most one state per battery waits").isLessThanOrEqualTo(batteries);
        assertThat(PrometheusText.scrape(service).value("wsms_clients_closed_total",
                                                       Map.of("reason", "slow", "transport", "sse"))).isEqualTo(1);
        long ts = System.currentTimeMillis();
        redis.write(7, TestRedis.reading(ts, 77));
        assertThat(normal.awaitJson(j -> j.containsKey("battery:7:data")
                && j.getJsonObject("battery:7:data").getInt("voltage") == 77)).isNotNull();
        assertThat(normal.isEnded()).isFalse();
        String tail = stalled.readUntilEnd();
        // the closing comment, when it got through; else the connection was dropped (reset, or cut mid-event)
        assertThat(tail == null || tail.endsWith(": closed 1008 slow client: no progress\n\n") || !tail.endsWith("\n\n"))
                .as("the stalled reader, reading again, finds the closing comment or a dropped connection: " + tail)
                .isTrue();
    }

    @Test
    void shutdownEndsTheStreamCleanlyWithAClosingComment() throws Exception {
        ServiceFixture service = start(Map.of());
        SseTestClient sse = sse(service, "", Map.of());
        sse.next();
        service.close();
        assertThat(sse.awaitEnd(PATIENCE)).as("the stream ended").isTrue();
        assertThat(sse.lines()).as("its last words").endsWith(": closed 1001 server shutting down", "");
    }

    @Test
    void afterARedisOutageTheStreamGetsAFreshSnapshotBeforeFurtherUpdates() throws Exception {
        ServiceFixture service = start(Map.of());
        redis.write(1, TestRedis.reading(System.currentTimeMillis(), 101));
        SseTestClient sse = sse(service, "", Map.of());
        assertIsSnapshot(sse.nextJson());
        redis.kill();
        await().atMost(PATIENCE).until(() -> RawUpgrade.send(service.port(), "/ws", Map.of()).status() == 503);
        SseTestClient duringOutage = sse(service, "", Map.of());
        assertThat(duringOutage.status()).isEqualTo(503);
        assertThat(duringOutage.errorBody()).contains("\"code\":\"redis_unavailable\"");
        redis.restart();
        assertThat(sse.next().data()).as("Redis came back empty: a fresh snapshot says so").isEqualTo("{}");
        assertThat(sse.isEnded()).as("the stream stayed open through the outage").isFalse();
    }

    private ServiceFixture start(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(redis.settings());
        config.putAll(overrides);
        ServiceFixture service = ServiceFixture.start(config);
        open.add(service);
        return service;
    }

    private SseTestClient sse(ServiceFixture service, String query, Map<String, String> headers) throws Exception {
        try {
            SseTestClient client = SseTestClient.connect(service.http("/sse" + (query.isEmpty() ? "" : "?" + query)),
                                                         headers);
            open.add(client);
            return client;
        } catch (ExecutionException e) {
            throw new AssertionError("the request failed: " + e.getCause(), e);
        }
    }
}

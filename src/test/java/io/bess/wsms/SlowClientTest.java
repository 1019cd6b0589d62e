package io.bess.wsms;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.bess.wsms.hub.ClientSession;
import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import static io.bess.wsms.RedisOutageTest.assertIsUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 3, point 2: a client that stops reading (a raw socket with a tiny receive buffer) is closed once its
 * writer has made no progress for {@code ws.slow-client-timeout}, while others keep receiving; until then its
 * outbox stays bounded by its number of batteries, so the heap stays flat whatever the update rate.
 */
class SlowClientTest {
    /** Also the bound on the stalled client's close: seen 9.0 s (5 s timeout, 2 s grace, its buffers filling). */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration SLOW_CLIENT_TIMEOUT = Duration.ofSeconds(5);

    private TestRedis redis;
    private final List<AutoCloseable> open = new ArrayList<>();

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
    void clientThatStopsReadingIsClosedAfterTheTimeoutWhileANormalClientKeepsReceiving() throws Exception {
        // 5 s, not 1: the normal client must never look slow, and on a busy 2-core machine its reader can pause for
        // a second during the flood
        ServiceFixture service = start(Map.of("ws.slow-client-timeout", SLOW_CLIENT_TIMEOUT.toSeconds() + "s"));
        WsTestClient normal = WsTestClient.connect(service.ws(""));
        open.add(normal);
        normal.next();
        RawWsClient stalled = RawWsClient.connect(service.port(), "/ws", 1024);
        open.add(stalled);
        await().atMost(PATIENCE).until(() -> service.service().hub().size() == 2);

        // large updates until the stalled peer's socket buffers are full and its writer blocks
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        Thread writer = Thread.ofVirtual().start(() -> {
            String pad = "x".repeat(4096);
            try (Jedis jedis = redis.jedis()) {
                while (!stop.get()) {
                    int round = rounds.incrementAndGet();
                    Pipeline p = jedis.pipelined();
                    for (int b = 1; b <= 50; b++) {
                        Map<String, String> fields = new HashMap<>(TestRedis.reading(round, round % 600));
                        fields.put("pad", pad);
                        p.sadd("info:batteries:ids", Integer.toString(b));
                        p.hset("battery:" + b + ":data", fields);
                        p.publish("battery:" + b + ":data", "updates");
                    }
                    p.sync();
                }
            }
        });
        long started = System.nanoTime();
        try {
            // the normal client drains as it goes, so only the stalled one can be slow
            await().atMost(PATIENCE).until(() -> {
                normal.drain();
                return service.service().hub().size() == 1;
            });
        } finally {
            stop.set(true);
            writer.join();
        }
        long closedAfter = (System.nanoTime() - started) / 1_000_000;
        assertThat(closedAfter).as("ms from the flood's start to the stalled client's close: never before its timeout")
                .isGreaterThanOrEqualTo(SLOW_CLIENT_TIMEOUT.toMillis());

        long ts = System.currentTimeMillis();
        redis.write(7, TestRedis.reading(ts, 77));
        assertIsUpdate(normal.awaitJson(j -> j.containsKey("battery:7:data")
                && j.getJsonObject("battery:7:data").containsKey("ws_timestamp")
                && j.getJsonObject("battery:7:data").getInt("voltage") == 77), 7, 77);
        assertThat(normal.isClosed()).isFalse();

        // the stalled peer, reading again at last, finds the 1008 close frame or a dropped connection
        int code = stalled.readUntilClose();
        assertThat(code).isIn(1008, -1);
        System.out.println("stalled reader: closed " + closedAfter + " ms after the flood began (" + rounds.get()
                + " rounds of 50 x 4 KB updates, ws.slow-client-timeout " + SLOW_CLIENT_TIMEOUT.toSeconds()
                + " s); it saw "
                + (code == -1 ? "the connection dropped" : "close code " + code));
    }

    @Test
    void heapStaysFlatAndOutboxesStayBoundedWhileFiftyStalledClientsSitThroughAHundredThousandUpdates()
            throws Exception {
        int batteries = 100;
        int rounds = 1000;
        ServiceFixture service = start(Map.of("ws.slow-client-timeout", "10m"));
        seed(batteries, 0);
        for (int i = 0; i < 50; i++) {
            open.add(RawWsClient.connect(service.port(), "/ws", 1024));
        }
        LatestStates normal = LatestStates.connect(service.ws(""));
        open.add(normal);
        await().atMost(PATIENCE).until(() -> service.service().hub().size() == 51);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedHeapAfterGc(memory);
        AtomicInteger maxPending = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (sampling.get()) {
                for (ClientSession session : service.service().hub().sessions()) {
                    maxPending.accumulateAndGet(session.pending(), Math::max);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        long started = System.nanoTime();
        try (Jedis jedis = redis.jedis()) {
            for (int round = 1; round <= rounds; round++) {
                Pipeline p = jedis.pipelined();
                for (int b = 1; b <= batteries; b++) {
                    p.hset("battery:" + b + ":data", TestRedis.reading(round, round % 600));
                    p.publish("battery:" + b + ":data", "updates");
                }
                p.sync();
            }
        }
        long published = System.nanoTime();
        // the normal client converges on the last state of every battery: every update has gone through the hub
        await().atMost(Duration.ofSeconds(60)).until(() -> normal.allAt(batteries, rounds));
        long delivered = System.nanoTime();
        sampling.set(false);
        sampler.join();
        long after = usedHeapAfterGc(memory);

        for (ClientSession session : service.service().hub().sessions()) {
            assertThat(session.pending()).isLessThanOrEqualTo(batteries);
        }
        assertThat(service.service().hub().size()).as("no stalled client was closed: the timeout is 10 minutes")
                .isEqualTo(51);
        assertThat(maxPending.get()).as("largest outbox seen").isLessThanOrEqualTo(batteries);
        long stalledWriters = service.service().hub().sessions().stream()
                .filter(s -> s.stalledNanos(System.nanoTime()) > 0).count();
        System.out.printf("heap with 50 stalled clients + 1 normal, %d updates (%d batteries x %d rounds):"
                        + " used heap after GC %.1f MiB before, %.1f MiB after (%+.1f MiB); largest outbox %d;"
                        + " %d writers blocked on a full socket; published in %d ms, all delivered to the normal"
                        + " client after %d ms%n",
                batteries * rounds, batteries, rounds, before / 1048576.0, after / 1048576.0,
                (after - before) / 1048576.0, maxPending.get(), stalledWriters,
                (published - started) / 1_000_000, (delivered - started) / 1_000_000);
        assertThat(after - before).as("heap growth").isLessThan(64L * 1024 * 1024);
    }

    private ServiceFixture start(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(redis.settings());
        config.putAll(overrides);
        ServiceFixture service = ServiceFixture.start(config);
        open.add(service);
        return service;
    }

    private void seed(int batteries, long ts) {
        try (Jedis jedis = redis.jedis()) {
            Pipeline p = jedis.pipelined();
            for (int b = 1; b <= batteries; b++) {
                p.sadd("info:batteries:ids", Integer.toString(b));
                p.hset("battery:" + b + ":data", TestRedis.reading(ts, 0));
            }
            p.sync();
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** A JDK WebSocket client that keeps only the newest device timestamp per battery: memory stays tiny. */
    private static final class LatestStates implements WebSocket.Listener, AutoCloseable {
        private final Map<String, Long> latest = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static LatestStates connect(URI uri) throws Exception {
            LatestStates states = new LatestStates();
            states.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, states)
                    .get(10, TimeUnit.SECONDS);
            return states;
        }

        boolean allAt(int batteries, long timestamp) {
            for (int b = 1; b <= batteries; b++) {
                Long ts = latest.get("battery:" + b + ":data");
                if (ts == null || ts != timestamp) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject frame = WsTestClient.parse(partial.toString());
                partial.setLength(0);
                frame.forEach((key, value) -> latest.merge(key,
                        value.asJsonObject().getJsonNumber("timestamp").longValue(), Math::max));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}

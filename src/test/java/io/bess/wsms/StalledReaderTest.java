package io.bess.wsms;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import io.bess.wsms.hub.ClientSession;
import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading while thousands of updates flow: the others keep up, its queue stays bounded by its
 * number of batteries, and when it reads again it converges on the latest state (conflation).
 */
class StalledReaderTest {
    private static final int BATTERIES = 3;
    private static final int UPDATES = 3_000;

    @Test
    void stalledReaderDoesNotDelayOthersAndConvergesOnTheLatestState() throws Exception {
        try (TestRedis redis = TestRedis.start();
             ServiceFixture service = ServiceFixture.start(Map.of("redis.host", "127.0.0.1",
                                                                  "redis.port", Integer.toString(redis.port()),
                                                                  "ws.slow-client-timeout", "5m"))) {
            for (int id = 1; id <= BATTERIES; id++) {
                redis.write(id, TestRedis.reading(0, 0));
            }
            RawWsClient stalled = RawWsClient.connect(service.port(), "/ws?batteries=1,2,3", 1024);
            assertThat(stalled.status()).isEqualTo(101);
            try (WsTestClient live = WsTestClient.connect(service.ws("batteries=1,2,3"))) {
                live.next();
                // the subscriptions follow the connect asynchronously: publish once they hold, so that every update
                // reaches the service (else a catch-up read brings the last state only, and nothing piles up)
                await().atMost(Duration.ofSeconds(20)).until(() -> IntStream.rangeClosed(1, BATTERIES)
                        .allMatch(id -> redis.subscribers(id) >= 1));
                // big frames fill the stalled socket's buffers quickly
                String padding = "x".repeat(2_000);
                try (Jedis jedis = redis.jedis()) {
                    for (int i = 1; i <= UPDATES; i++) {
                        int id = 1 + i % BATTERIES;
                        Map<String, String> fields = new java.util.HashMap<>(TestRedis.reading(i, i % 600));
                        fields.put("padding", padding);
                        jedis.hset("battery:" + id + ":data", fields);
                        jedis.publish("battery:" + id + ":data", "updates");
                    }
                }
                // the live client reaches the last state of every battery
                Map<String, Long> seen = new java.util.HashMap<>();
                live.awaitJson(j -> {
                    j.keySet().forEach(k -> seen.put(k, j.getJsonObject(k).getJsonNumber("timestamp").longValueExact()));
                    return converged(seen);
                });
                ClientSession stuck = service.service().hub().sessions().stream()
                        .filter(s -> s.stalledNanos(System.nanoTime()) > 0).findFirst().orElseThrow();
                assertThat(stuck.pending()).isLessThanOrEqualTo(BATTERIES);
            }

            // the stalled client reads again: it catches up on the latest state of each battery
            Map<String, Long> latest = new java.util.HashMap<>();
            int framesRead = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!converged(latest) && System.nanoTime() < deadline) {
                JsonObject frame = WsTestClient.parse(stalled.readText());
                framesRead++;
                for (String key : frame.keySet()) {
                    latest.put(key, frame.getJsonObject(key).getJsonNumber("timestamp").longValueExact());
                }
            }
            assertThat(converged(latest)).as("latest states after %d frames: %s", framesRead, latest).isTrue();
            // conflation: far fewer frames than updates reached the client that fell behind
            assertThat(framesRead).isLessThan(UPDATES);
            stalled.close();
        }
    }

    private static boolean converged(Map<String, Long> latest) {
        return latest.size() == BATTERIES && latest.entrySet().stream()
                .allMatch(e -> e.getValue() == lastTimestampOf(batteryOf(e.getKey())));
    }

    private static long lastTimestampOf(int battery) {
        for (int i = UPDATES; i > 0; i--) {
            if (1 + i % BATTERIES == battery) {
                return i;
            }
        }
        throw new IllegalArgumentException();
    }

    private static int batteryOf(String key) {
        return Integer.parseInt(key.split(":")[1]);
    }
}

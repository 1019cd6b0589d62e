package io.bess.wsms;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;

import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, point 2: a subscriber connection that cannot connect (Redis at {@code maxclients}) is no outage. Reads
 * still work, so nobody gets a 503 or a resync snapshot; the connection is retried with backoff and its channels
 * flow once Redis accepts it.
 */
class SubscriberConnectionFailureTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void aSubscriberConnectionRefusedByMaxclientsIsRetriedWithoutOutageOr503OrResync() throws Exception {
        try (TestRedis redis = TestRedis.start();
             Jedis admin = redis.jedis();
             LogCapture log = LogCapture.of("io.bess.wsms.redis", Level.INFO);
             ServiceFixture service = ServiceFixture.start(merge(redis.settings(), Map.of(
                     "redis.subscriber-connections", "2", "redis.pool-size", "2")));
             WsTestClient first = connectAfterFleetHas(redis, 1, service.ws("batteries=1"))) {
            assertThat(first.nextJson()).isEmpty();
            await().atMost(PATIENCE).until(() -> redis.subscribers(1) == 1);
            warmPool(service);
            write(admin, 2, 1000, 100);

            // from now on Redis accepts no further connection; the pool and lane 1 already hold theirs
            long connected = Long.parseLong(admin.info("clients").lines()
                    .filter(l -> l.startsWith("connected_clients:")).findFirst().orElseThrow().split(":")[1].trim());
            admin.configSet("maxclients", Long.toString(connected));

            // battery 2 needs the other subscriber connection, which Redis refuses
            WsTestClient second = WsTestClient.connect(service.ws("batteries=2"));
            JsonObject snapshot = second.nextJson();
            assertThat(snapshot.keySet()).as("the snapshot is read through the pool").containsExactly("battery:2:data");
            await().atMost(PATIENCE).until(() -> log.count(Level.WARNING, "subscriber connection") >= 1);
            assertThat(log.text()).contains("max number of clients");

            // no outage: upgrades are accepted (no 503) and Redis counts as up
            try (WsTestClient third = WsTestClient.connect(service.ws("batteries=1"))) {
                assertThat(third.nextJson()).isEmpty();
            }
            assertThat(log.count(Level.WARNING, "Redis cannot be read")).as(log.text()).isZero();

            // Redis accepts connections again: the lane subscribes with its backoff and battery 2 flows
            admin.configSet("maxclients", "10000");
            await().atMost(PATIENCE).until(() -> numSub(admin, 2) == 1);
            write(admin, 2, 2000, 102);
            JsonObject update = second.nextJson();
            assertThat(update.getJsonObject("battery:2:data").getInt("voltage")).isEqualTo(102);

            // the first client was never resynced: its next frame is an update, not a snapshot
            write(admin, 1, 3000, 101);
            JsonObject next = first.nextJson();
            assertThat(next.getJsonObject("battery:1:data").containsKey("ws_timestamp")).isTrue();
            assertThat(log.count(Level.INFO, "subscribed again")).isGreaterThanOrEqualTo(1);
            second.close();
        }
    }

    /** Several concurrent reads, so the pool holds all its connections before Redis stops accepting new ones. */
    private static void warmPool(ServiceFixture service) {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(service.http("/api/batteries")).build(),
                                     HttpResponse.BodyHandlers.ofString()));
        }
        calls.forEach(CompletableFuture::join);
    }

    private static void write(Jedis jedis, int battery, long ts, int voltage) {
        String key = "battery:" + battery + ":data";
        jedis.sadd("info:batteries:ids", Integer.toString(battery));
        jedis.hset(key, TestRedis.reading(ts, voltage));
        jedis.publish(key, "updates");
    }

    private static long numSub(Jedis jedis, int battery) {
        String channel = "battery:" + battery + ":data";
        return jedis.pubsubNumSub(channel).getOrDefault(channel, 0L);
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return all;
    }

    /** A battery in the fleet's set (without data yet): only ids of the fleet get a Redis subscription. */
    private static WsTestClient connectAfterFleetHas(TestRedis redis, int battery, java.net.URI uri) throws Exception {
        try (Jedis jedis = redis.jedis()) {
            jedis.sadd("info:batteries:ids", Integer.toString(battery));
        }
        return WsTestClient.connect(uri);
    }
}

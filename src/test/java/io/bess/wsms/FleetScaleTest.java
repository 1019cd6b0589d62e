package io.bess.wsms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, points 1 and 2: a fleet of 2,000 batteries watched by two instances on one Redis with {@code maxclients
 * 300}. Each instance holds at most {@code subscriber-connections} pub/sub connections plus its pool, so Redis
 * rejects no connection; each all-batteries client gets exactly one snapshot and then every update.
 */
class FleetScaleTest {
    private static final int BATTERIES = 2000;
    private static final int MAX_CLIENTS = 300;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void twoInstancesWatchTwoThousandBatteriesWithinRedisMaxclientsAndDeliverEveryUpdateAfterOneSnapshot()
            throws Exception {
        TestRedis redis = track(TestRedis.start(List.of("--maxclients", Integer.toString(MAX_CLIENTS))));
        long seeded = System.currentTimeMillis() - 60_000;
        seed(redis, seeded);
        List<ServiceFixture> services = List.of(track(ServiceFixture.start(redis.settings())),
                                                track(ServiceFixture.start(redis.settings())));
        List<WsTestClient> clients = new ArrayList<>();
        for (ServiceFixture service : services) {
            clients.add(track(WsTestClient.connect(service.ws(null))));
        }
        for (WsTestClient client : clients) {
            assertThat(client.nextJson()).as("the snapshot holds the whole fleet").hasSize(BATTERIES);
        }
        // both instances subscribed every channel (each counts once per channel in Redis)
        await().atMost(PATIENCE).until(() -> minSubscribers(redis) == services.size());

        long ts = System.currentTimeMillis();
        publishAll(redis, ts);

        for (WsTestClient client : clients) {
            Map<Integer, Long> latest = new HashMap<>();
            int snapshots = 1;
            while (latest.size() < BATTERIES || latest.values().stream().anyMatch(t -> t < ts)) {
                JsonObject frame = client.nextJson();
                if (frame.size() != 1 || !frame.getJsonObject(frame.keySet().iterator().next())
                        .containsKey("ws_timestamp")) {
                    snapshots++;
                    continue;
                }
                String key = frame.keySet().iterator().next();
                latest.put(Integer.parseInt(key.split(":")[1]), frame.getJsonObject(key).getJsonNumber("timestamp")
                        .longValue());
            }
            assertThat(snapshots).as("snapshots a client got").isEqualTo(1);
            assertThat(latest.values()).as("every battery's update arrived").allMatch(t -> t == ts);
        }

        try (Jedis jedis = redis.jedis()) {
            String stats = jedis.info("stats");
            assertThat(stats).as("Redis refused no connection").contains("rejected_connections:0");
            long held = jedis.clientList().lines().filter(l -> l.contains("name=websocket-server-ms")).count();
            System.out.println("2 instances x " + BATTERIES + " batteries: " + held + " Redis connections held by the"
                    + " service in all (subscriber-connections 16 + pool, per instance)");
            assertThat(held).isLessThanOrEqualTo(2 * (16 + 32));
        }
        for (ServiceFixture service : services) {
            assertThat(service.service().subscribedChannels()).isEqualTo(BATTERIES);
        }
    }

    private static void seed(TestRedis redis, long ts) {
        try (Jedis jedis = redis.jedis()) {
            Pipeline pipeline = jedis.pipelined();
            for (int battery = 1; battery <= BATTERIES; battery++) {
                pipeline.sadd("info:batteries:ids", Integer.toString(battery));
                pipeline.hset("battery:" + battery + ":data", TestRedis.reading(ts, battery % 600));
            }
            pipeline.sync();
        }
    }

    private static void publishAll(TestRedis redis, long ts) {
        try (Jedis jedis = redis.jedis()) {
            Pipeline pipeline = jedis.pipelined();
            for (int battery = 1; battery <= BATTERIES; battery++) {
                String key = "battery:" + battery + ":data";
                pipeline.hset(key, TestRedis.reading(ts, (battery + 1) % 600));
                pipeline.publish(key, "updates");
            }
            pipeline.sync();
        }
    }

    private static long minSubscribers(TestRedis redis) {
        try (Jedis jedis = redis.jedis()) {
            String[] channels = IntStream.rangeClosed(1, BATTERIES).mapToObj(b -> "battery:" + b + ":data")
                    .toArray(String[]::new);
            return jedis.pubsubNumSub(channels).values().stream().mapToLong(Long::longValue).min().orElse(0);
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }
}

package io.bess.wsms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/** Per battery, a client never receives an older state after a newer one, across the snapshot/live boundary too. */
class OrderingTest {
    private static final int BATTERIES = 4;

    @Test
    void clientsConnectingDuringABurstNeverSeeATimestampGoBackwards() throws Exception {
        try (TestRedis redis = TestRedis.start();
             ServiceFixture service = ServiceFixture.start(redis.settings())) {
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong clock = new AtomicLong(1_000_000);
            Thread writer = Thread.ofPlatform().start(() -> {
                try (Jedis jedis = redis.jedis()) {
                    for (int id = 1; id <= BATTERIES; id++) {
                        jedis.sadd("info:batteries:ids", Integer.toString(id));
                    }
                    while (writing.get()) {
                        for (int id = 1; id <= BATTERIES; id++) {
                            String key = "battery:" + id + ":data";
                            jedis.hset(key, TestRedis.reading(clock.incrementAndGet(), 100));
                            jedis.publish(key, "updates");
                        }
                    }
                }
            });
            try {
                List<WsTestClient> clients = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    clients.add(WsTestClient.connect(service.ws(i % 2 == 0 ? "" : "batteries=1,2,3,4")));
                }
                long target = clock.get() + 2_000;
                for (WsTestClient client : clients) {
                    Map<String, Long> last = new HashMap<>();
                    // read until every battery has passed the target, checking order all along
                    while (last.size() < BATTERIES || last.values().stream().anyMatch(t -> t < target)) {
                        JsonObject frame = client.nextJson();
                        for (String key : frame.keySet()) {
                            long ts = frame.getJsonObject(key).getJsonNumber("timestamp").longValueExact();
                            Long previous = last.put(key, ts);
                            assertThat(previous == null || ts > previous)
                                    .as("%s went from %s to %s", key, previous, ts).isTrue();
                        }
                    }
                    client.close();
                }
            } finally {
                writing.set(false);
                writer.join();
            }
        }
    }

    @Test
    void newStateWithTheSameTimestampIsStillDeliveredButARepeatIsNot() throws Exception {
        try (TestRedis redis = TestRedis.start();
             ServiceFixture service = ServiceFixture.start(redis.settings())) {
            redis.write(1, TestRedis.reading(5_000, 100));
            try (WsTestClient client = WsTestClient.connect(service.ws("batteries=1"))) {
                assertThat(client.nextJson().getJsonObject("battery:1:data").getInt("voltage")).isEqualTo(100);
                // a coarse device clock: same timestamp, new values
                redis.write(1, TestRedis.reading(5_000, 101));
                assertThat(client.nextJson().getJsonObject("battery:1:data").getInt("voltage")).isEqualTo(101);
                // an older state is never sent after a newer one
                redis.write(1, TestRedis.reading(4_000, 99));
                redis.write(1, TestRedis.reading(6_000, 102));
                assertThat(client.nextJson().getJsonObject("battery:1:data").getInt("voltage")).isEqualTo(102);
            }
        }
    }
}

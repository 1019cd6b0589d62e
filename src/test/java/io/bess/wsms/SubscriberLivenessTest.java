package io.bess.wsms;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscribed connection has no read timeout: if the network path to Redis silently drops, SUBSCRIBE would wait
 * forever and its battery would go quiet. The service pings each subscribed connection and replaces one that stays
 * silent. A paused Redis (SIGSTOP) stands in for the black hole: without the pings the old connection would simply
 * carry on after SIGCONT.
 */
class SubscriberLivenessTest {
    @Test
    void silentSubscribedConnectionIsReplacedAndUpdatesFlowAgain() throws Exception {
        try (TestRedis redis = seeded(TestRedis.start());
             ServiceFixture service = ServiceFixture.start(Map.of(
                     "redis.host", "127.0.0.1", "redis.port", Integer.toString(redis.port()),
                     "redis.subscriber-ping-interval", "200ms"));
             WsTestClient client = WsTestClient.connect(service.ws("batteries=1"))) {
            client.next();
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriberId(redis).isPresent());
            String before = subscriberId(redis).orElseThrow();

            redis.pause();
            try {
                // three silent intervals (600 ms) and then some: the service gives up on the connection
                Thread.sleep(2_000);
            } finally {
                redis.resume();
            }

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> subscriberId(redis).filter(id -> !id.equals(before)).isPresent());
            redis.write(1, TestRedis.reading(System.currentTimeMillis(), 321));
            assertThat(client.awaitJson(j -> j.containsKey("battery:1:data")
                    && j.getJsonObject("battery:1:data").getInt("voltage") == 321)).isNotNull();
        }
    }

    /** Battery 1 in the fleet: only ids of the fleet get a Redis subscription. */
    private static TestRedis seeded(TestRedis redis) {
        redis.write(1, TestRedis.reading(System.currentTimeMillis(), 1));
        return redis;
    }

    /** The id of the connection subscribed to battery 1's channel, as Redis lists it. */
    private static Optional<String> subscriberId(TestRedis redis) {
        try (Jedis jedis = redis.jedis()) {
            for (String line : jedis.clientList().split("\n")) {
                if (line.contains("cmd=subscribe") || line.contains("cmd=ping") && line.contains("sub=1")) {
                    for (String field : line.split(" ")) {
                        if (field.startsWith("id=")) {
                            return Optional.of(field.substring(3));
                        }
                    }
                }
            }
            return Optional.empty();
        }
    }
}

package io.bess.wsms;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.bess.wsms.redis.RedisConnector;
import io.bess.wsms.support.TestRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 5, in-process: a start that fails (here: the port is taken) throws one sentence naming the port
 * and the cause, and releases everything it had started: the Redis pool, the subscribers, the timers (nothing talks
 * to Redis any more) and the embedded Redis.
 */
class FailedStartTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void aTakenPortFailsTheStartWithOneSentenceNamingThePortAndTheCause() throws Exception {
        try (TestRedis redis = TestRedis.start();
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = new HashMap<>(redis.settings());
            settings.put("server.port", Integer.toString(taken.getLocalPort()));
            assertThatThrownBy(() -> ServiceFixture.start(settings))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (WS_HOST, WS_PORT): Address"
                                        + " already in use.");
            try (Jedis jedis = redis.jedis()) {
                await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> serviceConnections(jedis) == 0);
            }
        }
    }

    @Test
    void aStartThatFailsAfterTheRedisSideStartedReleasesThePoolTheSubscribersAndTheTimers() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            redis.write(1, TestRedis.reading(1_000, 1));
            Map<String, String> settings = new HashMap<>(redis.settings());
            // read by Helidon itself when it builds the listener: the last step of the start
            settings.put("server.backlog", "many");
            assertThatThrownBy(() -> ServiceFixture.start(settings)).isInstanceOf(RuntimeException.class)
                    .hasStackTraceContaining("backlog");
            try (Jedis jedis = redis.jedis()) {
                // no pooled, subscriber or polling connection stays, and none comes back (a timer left running
                // would poll the fleet again within a second)
                await().atMost(PATIENCE).until(() -> serviceConnections(jedis) == 0);
                await().during(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> serviceConnections(jedis) == 0);
            }
        }
    }

    @Test
    void aFailedStartStopsTheEmbeddedRedisItStarted() {
        assertThatThrownBy(() -> ServiceFixture.start(Map.of("redis.host", "", "server.backlog", "many")))
                .isInstanceOf(RuntimeException.class);
        await().atMost(PATIENCE).until(() -> ProcessHandle.current().descendants()
                .noneMatch(p -> p.info().command().orElse("").contains("redis-server")));
    }

    private static long serviceConnections(Jedis jedis) {
        return jedis.clientList().lines().filter(line -> line.contains("name=" + RedisConnector.CLIENT_NAME)).count();
    }
}

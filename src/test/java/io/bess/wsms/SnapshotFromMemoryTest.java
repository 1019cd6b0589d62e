package io.bess.wsms;

import java.time.Duration;
import java.util.Map;

import io.bess.wsms.observe.PrometheusText;
import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, point 2: a new client's snapshot is built from the states the service holds for subscribed batteries,
 * with no Redis read for them; a battery whose subscription was lost is read from Redis again until its catch-up
 * read refills it.
 */
class SnapshotFromMemoryTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Map<String, String> FROM_CACHE = Map.of("source", "cache");
    private static final Map<String, String> FROM_REDIS = Map.of("source", "redis");

    @RegisterExtension
    static final LiveService LIVE = new LiveService();

    @Test
    void aSubscribedBatterysSnapshotComesFromMemoryAndAfterALostSubscriptionFromRedis() throws Exception {
        TestRedis redis = LIVE.redis();
        long ts = System.currentTimeMillis();
        redis.write(41, TestRedis.reading(ts, 141));
        try (WsTestClient watcher = WsTestClient.connect(LIVE.service().ws("batteries=41"))) {
            watcher.nextJson();
            await().atMost(PATIENCE).until(() -> redis.subscribers(41) == 1);
            redis.write(41, TestRedis.reading(ts + 1, 142));
            assertThat(watcher.nextJson().getJsonObject("battery:41:data").getInt("voltage")).isEqualTo(142);

            // the hash changes behind the service's back (no publish): a snapshot from memory still shows the state
            // that was published, one read from Redis would show the new hash
            try (Jedis jedis = redis.jedis()) {
                jedis.hset("battery:41:data", "voltage", "999");
            }
            PrometheusText before = PrometheusText.scrape(LIVE.service());
            assertThat(snapshotVoltage()).as("served from memory").isEqualTo(142);
            PrometheusText after = PrometheusText.scrape(LIVE.service());
            assertThat(after.value("wsms_snapshot_states_total", FROM_CACHE)
                               - before.value("wsms_snapshot_states_total", FROM_CACHE)).isEqualTo(1);
            assertThat(after.value("wsms_snapshot_states_total", FROM_REDIS))
                    .as("no Redis read for a held battery")
                    .isEqualTo(before.value("wsms_snapshot_states_total", FROM_REDIS));

            // the subscriber connection is killed: what it held may have missed updates, so Redis is read again
            try (Jedis jedis = redis.jedis()) {
                jedis.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
                jedis.hset("battery:41:data", "voltage", "998");
            }
            await().atMost(PATIENCE).until(() -> snapshotVoltage() == 998);
        }
    }

    private static int snapshotVoltage() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws("batteries=41"))) {
            JsonObject snapshot = client.nextJson();
            return snapshot.getJsonObject("battery:41:data").getInt("voltage");
        }
    }
}

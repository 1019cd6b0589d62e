package io.bess.wsms;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.bess.wsms.support.RedisProcess;
import io.bess.wsms.support.SentinelTopology;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, point 3: Redis under Sentinel (master, replica, two Sentinels, all real processes). A failover forced
 * with {@code SENTINEL FAILOVER} under live clients of two instances disconnects nobody; every client gets a fresh
 * snapshot, and an update written to the new master reaches every client.
 */
class SentinelFailoverTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * From the promotion being visible to the update written to the new master reaching every client. Seen here in
     * four runs: forced failover 199-266 ms (4 clients of 2 instances), killed master 9-267 ms. A subscriber left on
     * the old master would stay silent for about 10 s, until Sentinel's reconfiguration ends it: past 5 s the service
     * is not following the switch itself, which is broken.
     */
    private static final Duration FOLLOWS_FAILOVER = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void aForcedFailoverMovesBothInstancesToTheNewMasterWithoutDisconnectingAnyClient() throws Exception {
        String binary = RedisProcess.redis7Binary().orElseGet(RedisProcess::embeddedBinary);
        SentinelTopology redis = track(SentinelTopology.start(binary, dir, 2));
        long ts = System.currentTimeMillis();
        for (int battery = 1; battery <= 3; battery++) {
            redis.write(battery, TestRedis.reading(ts, 100 + battery));
        }
        HostAndPort oldMaster = redis.master();

        List<WsTestClient> clients = new ArrayList<>();
        for (int instance = 0; instance < 2; instance++) {
            ServiceFixture service = track(ServiceFixture.start(redis.settings()));
            assertThat(service.service().settings().redis().topology().describe()).contains("mymaster");
            clients.add(track(WsTestClient.connect(service.ws(null))));
            clients.add(track(WsTestClient.connect(service.ws("batteries=2"))));
        }
        for (WsTestClient client : clients) {
            assertThat(isSnapshot(client.nextJson())).isTrue();
        }
        // every channel is subscribed on the master by both instances
        await().atMost(PATIENCE).until(() -> subscribers(oldMaster, 2) == 2 && subscribers(oldMaster, 1) == 2);

        HostAndPort newMaster = redis.failover();
        long promoted = System.nanoTime();
        assertThat(newMaster).isNotEqualTo(oldMaster);
        redis.write(2, TestRedis.reading(ts + 1000, 222));

        long slowest = 0;
        for (WsTestClient client : clients) {
            int snapshots = 0;
            boolean arrived = false;
            while (!arrived) {
                JsonObject frame = client.nextJson();
                if (isSnapshot(frame)) {
                    snapshots++;
                }
                // in an update, or already in the fresh snapshot when it was read after the write
                arrived = frame.containsKey("battery:2:data")
                        && frame.getJsonObject("battery:2:data").getInt("voltage") == 222;
            }
            slowest = Math.max(slowest, (System.nanoTime() - promoted) / 1_000_000);
            assertThat(snapshots).as("fresh snapshots after the failover").isGreaterThanOrEqualTo(1);
            assertThat(client.isClosed()).as("no client is disconnected").isFalse();
        }
        await().atMost(PATIENCE).until(() -> subscribers(newMaster, 2) == 2);
        assertThat(slowest).as("ms from the promotion to the update at the slowest client").isLessThan(
                FOLLOWS_FAILOVER.toMillis());
        System.out.println("Sentinel failover " + oldMaster + " -> " + newMaster + ": the update written to the new"
                + " master reached all 4 clients of 2 instances " + slowest + " ms after the promotion was visible");
    }

    @Test
    void aKilledMasterIsAnOutageUntilSentinelPromotesTheReplicaThenClientsResyncFromIt() throws Exception {
        String binary = RedisProcess.redis7Binary().orElseGet(RedisProcess::embeddedBinary);
        SentinelTopology redis = track(SentinelTopology.start(binary, dir, 1));
        long ts = System.currentTimeMillis();
        redis.write(1, TestRedis.reading(ts, 101));
        ServiceFixture service = track(ServiceFixture.start(redis.settings()));
        WsTestClient client = track(WsTestClient.connect(service.ws(null)));
        assertThat(client.nextJson()).containsKey("battery:1:data");
        await().atMost(PATIENCE).until(() -> subscribers(redis.master(), 1) == 1);

        HostAndPort newMaster = redis.killMaster();
        long promoted = System.nanoTime();
        redis.write(1, TestRedis.reading(ts + 1000, 111));
        JsonObject frame;
        do {
            frame = client.nextJson();
        } while (!frame.containsKey("battery:1:data") || frame.getJsonObject("battery:1:data").getInt("voltage") != 111);
        long millis = (System.nanoTime() - promoted) / 1_000_000;
        assertThat(client.isClosed()).isFalse();
        await().atMost(PATIENCE).until(() -> subscribers(newMaster, 1) == 1);
        assertThat(millis).as("ms from the promotion to the update at the client").isLessThan(
                FOLLOWS_FAILOVER.toMillis());
        System.out.println("Sentinel after the master was killed: the update written to the new master " + newMaster
                + " reached the client " + millis + " ms after the promotion was visible");
    }

    private static boolean isSnapshot(JsonObject frame) {
        return frame.isEmpty() || frame.size() > 1
                || !frame.getJsonObject(frame.keySet().iterator().next()).containsKey("ws_timestamp");
    }

    private static long subscribers(HostAndPort node, int battery) {
        try (Jedis jedis = new Jedis(node)) {
            String channel = "battery:" + battery + ":data";
            return jedis.pubsubNumSub(channel).getOrDefault(channel, 0L);
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }
}

package io.bess.wsms;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.bess.wsms.support.ClusterTopology;
import io.bess.wsms.support.RedisProcess;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.Tool;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, point 4: a Redis Cluster of three masters (real processes). Snapshots read every battery from the node
 * that owns it; classic PUBLISH reaches clients from any node; with sharded pub/sub the service SSUBSCRIBEs on each
 * channel's owner and follows a slot moved to another master under a live client.
 */
class RedisClusterTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * A moved slot's channel subscribed on its new owner. Seen here: 102-166 ms; the service checks the topology every
     * 250 ms. Past 5 s the battery's updates have been lost for longer than any client would accept.
     */
    private static final Duration FOLLOWS_SLOT_MOVE = Duration.ofSeconds(5);
    /**
     * From a replica's promotion being visible to the update written to it reaching the client (the cluster client
     * itself may need a moment to see the new owner). Seen here: 528-1,231 ms. Past 10 s is broken.
     */
    private static final Duration FOLLOWS_FAILOVER = Duration.ofSeconds(10);
    /** Ids 1..40: the slots of their channels fall on all three masters. */
    private static final int BATTERIES = 40;

    @TempDir
    Path dir;

    @Test
    void classicPublishOnAnyNodeReachesClientsAndSnapshotsReadEveryNode() throws Exception {
        String binary = RedisProcess.redis7Binary().orElseGet(RedisProcess::embeddedBinary);
        try (ClusterTopology cluster = ClusterTopology.start(binary, dir)) {
            long ts = System.currentTimeMillis();
            seed(cluster, ts, false);
            assertThat(owners(cluster)).as("the batteries live on every master").hasSize(3);
            try (ServiceFixture service = ServiceFixture.start(cluster.settings(false));
                 WsTestClient client = WsTestClient.connect(service.ws(null))) {
                assertThat(client.nextJson()).as("snapshot read from all three nodes").hasSize(BATTERIES);
                await().atMost(PATIENCE).until(() -> IntStream.rangeClosed(1, BATTERIES)
                        .allMatch(b -> cluster.subscribers(b) == 1));
                for (int battery = 1; battery <= BATTERIES; battery++) {
                    cluster.write(battery, TestRedis.reading(ts + 1000, 300 + battery), false);
                }
                assertThat(awaitVoltages(client, 300)).as("every battery's update").hasSize(BATTERIES);
            }
        }
    }

    @Test
    @RequiresTool(Tool.REDIS_7) // sharded pub/sub
    void shardedSubscriptionsFollowASlotMovedToAnotherMasterUnderALiveClient() throws Exception {
        try (ClusterTopology cluster = ClusterTopology.start(Tool.REDIS_7.path().toString(), dir)) {
            long ts = System.currentTimeMillis();
            seed(cluster, ts, true);
            try (ServiceFixture service = ServiceFixture.start(cluster.settings(true));
                 WsTestClient client = WsTestClient.connect(service.ws(null))) {
                assertThat(client.nextJson()).hasSize(BATTERIES);
                await().atMost(PATIENCE).until(() -> IntStream.rangeClosed(1, BATTERIES)
                        .allMatch(b -> cluster.shardedSubscribers(b) == 1));
                for (int battery = 1; battery <= BATTERIES; battery++) {
                    cluster.write(battery, TestRedis.reading(ts + 1000, 400 + battery), true);
                }
                assertThat(awaitVoltages(client, 400)).hasSize(BATTERIES);

                int moved = 5;
                HostAndPort before = cluster.owner(moved);
                HostAndPort after = cluster.moveSlotOf(moved);
                long movedAt = System.nanoTime();
                assertThat(after).isNotEqualTo(before);
                // Redis ends the subscription on the old owner (sunsubscribe); the service subscribes on the new one
                await().atMost(PATIENCE).until(() -> cluster.shardedSubscribers(moved) == 1);
                long resubscribedMillis = (System.nanoTime() - movedAt) / 1_000_000;

                cluster.write(moved, TestRedis.reading(ts + 2000, 555), true);
                cluster.write(1, TestRedis.reading(ts + 2000, 501), true);
                Map<Integer, Integer> latest = new HashMap<>();
                while (latest.getOrDefault(moved, 0) != 555 || latest.getOrDefault(1, 0) != 501) {
                    JsonObject frame = client.nextJson();
                    frame.forEach((key, value) -> latest.put(Integer.parseInt(key.split(":")[1]),
                                                             value.asJsonObject().getInt("voltage")));
                }
                assertThat(resubscribedMillis).as("ms to subscribe on the slot's new owner")
                        .isLessThan(FOLLOWS_SLOT_MOVE.toMillis());
                System.out.println("slot of battery " + moved + " moved " + before + " -> " + after
                        + ": subscribed on the new owner " + resubscribedMillis + " ms later, updates flow");
            }
        }
    }

    @Test
    @RequiresTool(Tool.REDIS_7) // sharded pub/sub
    void shardedSubscriptionsFollowAMasterFailover() throws Exception {
        try (ClusterTopology cluster = ClusterTopology.start(Tool.REDIS_7.path().toString(), dir, true)) {
            long ts = System.currentTimeMillis();
            seed(cluster, ts, true);
            try (ServiceFixture service = ServiceFixture.start(cluster.settings(true));
                 WsTestClient client = WsTestClient.connect(service.ws(null))) {
                assertThat(client.nextJson()).hasSize(BATTERIES);
                await().atMost(PATIENCE).until(() -> IntStream.rangeClosed(1, BATTERIES)
                        .allMatch(b -> cluster.shardedSubscribers(b) == 1));

                int battery = 32;
                HostAndPort before = cluster.owner(battery);
                HostAndPort after = cluster.killOwnerOf(battery);
                long promoted = System.nanoTime();
                await().atMost(PATIENCE).until(() -> cluster.shardedSubscribers(battery) == 1);
                // the cluster client may need a moment to see the new owner: retry the write until it lands
                await().atMost(PATIENCE).ignoreExceptions()
                        .until(() -> {
                            cluster.write(battery, TestRedis.reading(ts + 3000, 532), true);
                            return true;
                        });
                JsonObject frame;
                do {
                    frame = client.nextJson();
                } while (!frame.containsKey("battery:" + battery + ":data")
                        || frame.getJsonObject("battery:" + battery + ":data").getInt("voltage") != 532);
                long followedMillis = (System.nanoTime() - promoted) / 1_000_000;
                assertThat(client.isClosed()).isFalse();
                assertThat(followedMillis).as("ms from the promotion to the update at the client")
                        .isLessThan(FOLLOWS_FAILOVER.toMillis());
                System.out.println("cluster master " + before + " killed, replica " + after + " promoted: battery "
                        + battery + "'s update reached the client " + followedMillis
                        + " ms after the promotion was visible");
            }
        }
    }

    private static void seed(ClusterTopology cluster, long ts, boolean sharded) {
        for (int battery = 1; battery <= BATTERIES; battery++) {
            cluster.write(battery, TestRedis.reading(ts, 200 + battery), sharded);
        }
    }

    private static Set<HostAndPort> owners(ClusterTopology cluster) {
        return IntStream.rangeClosed(1, BATTERIES).mapToObj(cluster::owner).collect(Collectors.toSet());
    }

    /** Reads frames until every battery showed voltage {@code base + id}; returns those batteries. */
    private static Set<Integer> awaitVoltages(WsTestClient client, int base) throws InterruptedException {
        Map<Integer, Integer> latest = new HashMap<>();
        while (latest.size() < BATTERIES || latest.entrySet().stream().anyMatch(e -> e.getValue() != base + e.getKey())) {
            JsonObject frame = client.nextJson();
            frame.forEach((key, value) -> latest.put(Integer.parseInt(key.split(":")[1]),
                                                     value.asJsonObject().getInt("voltage")));
        }
        return latest.keySet();
    }
}

package io.bess.wsms.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.util.JedisClusterCRC16;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of three masters on loopback, real processes, assembled with CLUSTER MEET and ADDSLOTS (no
 * redis-cli needed). The test writes through a cluster client, classic (PUBLISH) or sharded (SPUBLISH), and can
 * move a slot to another master under live clients.
 */
public final class ClusterTopology implements AutoCloseable {
    private static final int SLOTS = 16_384;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<RedisProcess> nodes = new ArrayList<>();
    private RedisClusterClient client;

    private ClusterTopology() {
    }

    /**
     * Starts three masters, splits the slots among them and waits until every node reports the cluster ok.
     *
     * @param binary redis-server to run
     * @param dir    where the nodes keep their cluster config files
     * @return the running cluster
     */
    public static ClusterTopology start(String binary, Path dir) {
        return start(binary, dir, false);
    }

    /**
     * Starts three masters, each with a replica when asked (so that a killed master fails over).
     *
     * @param binary   redis-server to run
     * @param dir      where the nodes keep their cluster config files
     * @param replicas whether each master gets a replica
     * @return the running cluster
     */
    public static ClusterTopology start(String binary, Path dir, boolean replicas) {
        ClusterTopology cluster = new ClusterTopology();
        try {
            cluster.startAll(binary, dir, replicas);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(String binary, Path dir, boolean replicas) {
        int masters = 3;
        for (int i = 0; i < (replicas ? 2 * masters : masters); i++) {
            int port = RedisProcess.freeClusterPort();
            List<String> command = RedisProcess.serverArgs(binary, port);
            command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                                   "--cluster-node-timeout", "2000", "--dir", dir.toString()));
            nodes.add(RedisProcess.start(command, port));
        }
        for (int i = 0; i < masters; i++) {
            int from = SLOTS * i / masters;
            int to = SLOTS * (i + 1) / masters;
            try (Jedis jedis = jedis(nodes.get(i).port())) {
                int[] slots = new int[to - from];
                for (int s = from; s < to; s++) {
                    slots[s - from] = s;
                }
                jedis.clusterAddSlots(slots);
                if (i > 0) {
                    jedis.clusterMeet("127.0.0.1", nodes.getFirst().port());
                }
            }
        }
        for (int i = masters; i < nodes.size(); i++) {
            try (Jedis jedis = jedis(nodes.get(i).port())) {
                jedis.clusterMeet("127.0.0.1", nodes.getFirst().port());
            }
        }
        await().atMost(PATIENCE).until(() -> nodes.stream().allMatch(
                n -> clusterInfo(n.port()).contains("cluster_known_nodes:" + nodes.size())));
        for (int i = masters; i < nodes.size(); i++) {
            String masterId;
            try (Jedis master = jedis(nodes.get(i - masters).port())) {
                masterId = master.clusterMyId();
            }
            try (Jedis jedis = jedis(nodes.get(i).port())) {
                jedis.clusterReplicate(masterId);
            }
        }
        await().atMost(PATIENCE).until(() -> nodes.stream().allMatch(
                n -> clusterInfo(n.port()).contains("cluster_state:ok")));
        if (replicas) {
            await().atMost(PATIENCE).until(() -> nodes.subList(masters, nodes.size()).stream().allMatch(
                    n -> info(n.port()).contains("master_link_status:up")));
        }
        client = RedisClusterClient.create(nodes.stream().map(n -> new HostAndPort("127.0.0.1", n.port()))
                                                   .collect(Collectors.toSet()));
    }

    /**
     * Config overrides pointing the service at this cluster.
     *
     * @param sharded whether the service subscribes with SSUBSCRIBE
     * @return config keys to values
     */
    public Map<String, String> settings(boolean sharded) {
        return Map.of("redis.mode", "cluster",
                      "redis.cluster-nodes", nodes.stream().map(n -> "127.0.0.1:" + n.port())
                              .collect(Collectors.joining(",")),
                      "redis.sharded-pubsub", Boolean.toString(sharded));
    }

    /**
     * Writes one battery as the pipeline does: SADD, HSET, then PUBLISH or (sharded) SPUBLISH "updates".
     *
     * @param battery id
     * @param fields  hash fields
     * @param sharded SPUBLISH instead of PUBLISH
     */
    public void write(int battery, Map<String, String> fields, boolean sharded) {
        String key = key(battery);
        client.sadd("info:batteries:ids", Integer.toString(battery));
        client.hset(key, fields);
        if (sharded) {
            client.spublish(key, "updates");
        } else {
            client.publish(key, "updates");
        }
    }

    /** The node that owns a battery's key and channel now, as the live nodes see it. */
    public HostAndPort owner(int battery) {
        int slot = JedisClusterCRC16.getSlot(key(battery));
        for (RedisProcess node : nodes) {
            if (!node.isAlive()) {
                continue;
            }
            try (Jedis jedis = jedis(node.port())) {
                for (Object range : jedis.clusterSlots()) {
                    List<?> r = (List<?>) range;
                    if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                        List<?> master = (List<?>) r.get(2);
                        return new HostAndPort(new String((byte[]) master.get(0)), ((Long) master.get(1)).intValue());
                    }
                }
            }
        }
        throw new IllegalStateException("no owner of slot " + slot);
    }

    /** Sharded subscribers of a battery's channel on the node that owns it. */
    public long shardedSubscribers(int battery) {
        try (Jedis jedis = new Jedis(owner(battery))) {
            return jedis.pubsubShardNumSub(key(battery)).getOrDefault(key(battery), 0L);
        }
    }

    /** Classic subscribers of a battery's channel, summed over the nodes. */
    public long subscribers(int battery) {
        long sum = 0;
        for (RedisProcess node : nodes) {
            try (Jedis jedis = jedis(node.port())) {
                sum += jedis.pubsubNumSub(key(battery)).getOrDefault(key(battery), 0L);
            }
        }
        return sum;
    }

    /**
     * Moves the slot of a battery's key and channel to another master, keys included (CLUSTER SETSLOT IMPORTING /
     * MIGRATING, MIGRATE, SETSLOT NODE on every node), as {@code redis-cli --cluster reshard} does.
     *
     * @param battery id
     * @return the new owner
     */
    public HostAndPort moveSlotOf(int battery) {
        int slot = JedisClusterCRC16.getSlot(key(battery));
        HostAndPort from = owner(battery);
        RedisProcess source = nodes.stream().filter(n -> n.port() == from.getPort()).findFirst().orElseThrow();
        RedisProcess target = nodes.stream().filter(n -> n.port() != from.getPort()).findFirst().orElseThrow();
        try (Jedis src = jedis(source.port()); Jedis dst = jedis(target.port())) {
            String sourceId = src.clusterMyId();
            String targetId = dst.clusterMyId();
            dst.clusterSetSlotImporting(slot, sourceId);
            src.clusterSetSlotMigrating(slot, targetId);
            List<String> keys = src.clusterGetKeysInSlot(slot, 1000);
            if (!keys.isEmpty()) {
                src.migrate("127.0.0.1", target.port(), 0, 5000, new MigrateParams(), keys.toArray(String[]::new));
            }
            for (RedisProcess node : nodes) {
                try (Jedis jedis = jedis(node.port())) {
                    jedis.clusterSetSlotNode(slot, targetId);
                }
            }
        }
        HostAndPort to = new HostAndPort("127.0.0.1", target.port());
        await().atMost(PATIENCE).until(() -> owner(battery).equals(to));
        return to;
    }

    /**
     * Kills (SIGKILL) the master that owns a battery and waits until its replica has taken over the slots.
     *
     * @param battery id
     * @return the new owner
     */
    public HostAndPort killOwnerOf(int battery) {
        HostAndPort before = owner(battery);
        nodes.stream().filter(n -> n.port() == before.getPort()).findFirst().orElseThrow().kill();
        await().atMost(PATIENCE).until(() -> !owner(battery).equals(before));
        return owner(battery);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        for (RedisProcess node : nodes.reversed()) {
            node.close();
        }
    }

    private static String key(int battery) {
        return "battery:" + battery + ":data";
    }

    private static Jedis jedis(int port) {
        return new Jedis("127.0.0.1", port);
    }

    private static String info(int port) {
        try (Jedis jedis = jedis(port)) {
            return jedis.info("replication");
        }
    }

    private static String clusterInfo(int port) {
        try (Jedis jedis = jedis(port)) {
            return jedis.clusterInfo();
        }
    }
}

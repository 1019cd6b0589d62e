package io.bess.wsms.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import static org.awaitility.Awaitility.await;

/**
 * A master, a replica and Sentinels on loopback, as real processes: {@code redis-server --replicaof} and
 * {@code redis-server sentinel.conf --sentinel}. The test writes to whichever node is the master now.
 */
public final class SentinelTopology implements AutoCloseable {
    /** The master's name in Sentinel. */
    public static final String MASTER_NAME = "mymaster";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<RedisProcess> processes = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();

    private SentinelTopology() {
    }

    /**
     * Starts a master, one replica of it and Sentinels watching it (quorum 1), and waits until every Sentinel
     * knows the replica, so that a failover can be forced at once.
     *
     * @param binary    redis-server to run
     * @param dir       where the Sentinels' configuration files go (Sentinel rewrites them)
     * @param sentinels how many Sentinels
     * @return the running topology
     */
    public static SentinelTopology start(String binary, Path dir, int sentinels) {
        SentinelTopology topology = new SentinelTopology();
        try {
            topology.startAll(binary, dir, sentinels);
            return topology;
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    private void startAll(String binary, Path dir, int count) {
        int masterPort = RedisProcess.freePort();
        processes.add(RedisProcess.start(RedisProcess.serverArgs(binary, masterPort), masterPort));
        int replicaPort = RedisProcess.freePort();
        List<String> replica = RedisProcess.serverArgs(binary, replicaPort);
        replica.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort)));
        processes.add(RedisProcess.start(replica, replicaPort));
        await().atMost(PATIENCE).until(() -> info(replicaPort, "replication").contains("master_link_status:up"));
        for (int i = 0; i < count; i++) {
            int port = RedisProcess.freePort();
            Path config = dir.resolve("sentinel-" + port + ".conf");
            write(config, String.join("\n",
                                      "port " + port,
                                      "bind 127.0.0.1",
                                      "dir " + dir,
                                      "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
                                      "sentinel down-after-milliseconds " + MASTER_NAME + " 2000",
                                      "sentinel failover-timeout " + MASTER_NAME + " 10000",
                                      "sentinel parallel-syncs " + MASTER_NAME + " 1",
                                      ""));
            RedisProcess sentinel = RedisProcess.start(List.of(binary, config.toString(), "--sentinel"), port);
            processes.add(sentinel);
            sentinels.add(sentinel);
        }
        await().atMost(PATIENCE).until(() -> sentinels.stream().allMatch(this::knowsAHealthyReplica));
    }

    /** Config overrides pointing the service at this topology through its Sentinels. */
    public Map<String, String> settings() {
        return Map.of("redis.mode", "sentinel",
                      "redis.sentinels", sentinels.stream().map(s -> "127.0.0.1:" + s.port())
                              .collect(Collectors.joining(",")),
                      "redis.master-name", MASTER_NAME);
    }

    /** The master's address, as the first Sentinel has it now. */
    public HostAndPort master() {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinels.getFirst().port())) {
            List<String> address = sentinel.sentinelGetMasterAddrByName(MASTER_NAME);
            return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        }
    }

    /**
     * Writes one battery to the current master exactly as the pipeline does: SADD, HSET, PUBLISH "updates".
     *
     * @param battery id
     * @param fields  hash fields
     */
    public void write(int battery, Map<String, String> fields) {
        try (Jedis jedis = new Jedis(master())) {
            String key = "battery:" + battery + ":data";
            jedis.sadd("info:batteries:ids", Integer.toString(battery));
            jedis.hset(key, fields);
            jedis.publish(key, "updates");
        }
    }

    /**
     * Forces a failover ({@code SENTINEL FAILOVER}) and waits until the replica is the master and answers as one.
     *
     * @return the new master
     */
    public HostAndPort failover() {
        HostAndPort before = master();
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinels.getFirst().port())) {
            sentinel.sentinelFailover(MASTER_NAME);
        }
        await().atMost(PATIENCE).until(() -> !master().equals(before)
                && info(master().getPort(), "replication").contains("role:master"));
        return master();
    }

    /**
     * Kills the master (SIGKILL) and waits until Sentinel has promoted the replica and it answers as a master.
     *
     * @return the new master
     */
    public HostAndPort killMaster() {
        HostAndPort before = master();
        processes.stream().filter(p -> p.port() == before.getPort()).findFirst().orElseThrow().kill();
        await().atMost(PATIENCE).until(() -> !master().equals(before)
                && info(master().getPort(), "replication").contains("role:master"));
        return master();
    }

    @Override
    public void close() {
        for (RedisProcess process : processes.reversed()) {
            process.close();
        }
    }

    private boolean knowsAHealthyReplica(RedisProcess sentinel) {
        try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
            return jedis.sentinelReplicas(MASTER_NAME).stream()
                    .anyMatch(r -> "slave".equals(r.get("flags")) && "ok".equals(r.get("master-link-status")));
        }
    }

    private static String info(int port, String section) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            return jedis.info(section);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

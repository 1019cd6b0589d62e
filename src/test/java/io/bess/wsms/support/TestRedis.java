package io.bess.wsms.support;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * A real redis-server process the test owns (the binary embedded-redis ships, or a given one), so the test can stop
 * it, kill it with SIGKILL and start it again on the same port. Also writes like the pipeline's upstream writer.
 */
public final class TestRedis implements AutoCloseable {
    private final RedisProcess process;

    private TestRedis(RedisProcess process) {
        this.process = process;
    }

    /** Starts a Redis on a free loopback port. */
    public static TestRedis start() {
        return start(List.of());
    }

    /**
     * Starts a Redis with extra arguments (e.g. {@code --requirepass secret}).
     *
     * @param extraArgs redis-server arguments
     * @return the running Redis
     */
    public static TestRedis start(List<String> extraArgs) {
        return start(RedisProcess.embeddedBinary(), extraArgs);
    }

    /**
     * Starts a given redis-server binary with extra arguments.
     *
     * @param binary    path of redis-server
     * @param extraArgs redis-server arguments
     * @return the running Redis
     */
    public static TestRedis start(String binary, List<String> extraArgs) {
        int port = RedisProcess.freePort();
        List<String> command = RedisProcess.serverArgs(binary, port);
        command.addAll(extraArgs);
        return new TestRedis(RedisProcess.start(command, port));
    }

    /** The port. */
    public int port() {
        return process.port();
    }

    /** Config overrides pointing the service at this Redis. */
    public Map<String, String> settings() {
        return Map.of("redis.host", "127.0.0.1", "redis.port", Integer.toString(port()));
    }

    /** SIGKILL: the way a crashed Redis goes. */
    public void kill() {
        process.kill();
    }

    /** SIGSTOP: Redis hangs; its port still accepts connections and nothing answers (a black-holed path). */
    public void pause() {
        process.signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        process.signal("CONT");
    }

    /** Starts it again on the same port (empty: no persistence). */
    public void restart() {
        process.restart();
    }

    /** A new connection to it. */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port());
    }

    /**
     * Writes one battery exactly as the pipeline does: SADD, HSET, PUBLISH "updates".
     *
     * @param battery id
     * @param fields  hash fields
     */
    public void write(int battery, Map<String, String> fields) {
        try (Jedis jedis = jedis()) {
            String key = "battery:" + battery + ":data";
            jedis.sadd("info:batteries:ids", Integer.toString(battery));
            jedis.hset(key, fields);
            jedis.publish(key, "updates");
        }
    }

    /**
     * The pipeline's six fields with the given timestamp and voltage.
     *
     * @param timestamp epoch ms
     * @param voltage   volts
     * @return fields
     */
    public static Map<String, String> reading(long timestamp, int voltage) {
        return Map.of("timestamp", Long.toString(timestamp), "voltage", Integer.toString(voltage), "current", "108",
                      "temperature", "347", "state_of_charge", "36", "state_of_health", "49");
    }

    /**
     * The hashes of some batteries as Redis holds them now, read in one pipeline.
     *
     * @param batteries ids
     * @return battery to its fields (empty fields when it has none)
     */
    public Map<Integer, Map<String, String>> states(Collection<Integer> batteries) {
        Map<Integer, Response<Map<String, String>>> responses = new LinkedHashMap<>();
        try (Jedis jedis = jedis(); Pipeline pipeline = jedis.pipelined()) {
            for (Integer battery : batteries) {
                responses.put(battery, pipeline.hgetAll("battery:" + battery + ":data"));
            }
            pipeline.sync();
        }
        Map<Integer, Map<String, String>> states = new LinkedHashMap<>();
        responses.forEach((battery, response) -> states.put(battery, response.get()));
        return states;
    }

    /** Subscribers of a battery's channel, as Redis counts them. */
    public long subscribers(int battery) {
        try (Jedis jedis = jedis()) {
            return jedis.pubsubNumSub("battery:" + battery + ":data").getOrDefault("battery:" + battery + ":data", 0L);
        }
    }

    @Override
    public void close() {
        process.close();
    }

    /** A free loopback port. */
    public static int freePort() {
        return RedisProcess.freePort();
    }
}

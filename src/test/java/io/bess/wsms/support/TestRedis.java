package io.bess.wsms.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import redis.clients.jedis.Jedis;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server process the test owns (the binary embedded-redis ships), so the test can stop it, kill it
 * with SIGKILL and start it again on the same port. Also writes like the pipeline's upstream writer.
 */
public final class TestRedis implements AutoCloseable {
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private TestRedis(int port, List<String> extraArgs) {
        this.port = port;
        this.extraArgs = extraArgs;
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
        TestRedis redis = new TestRedis(freePort(), extraArgs);
        redis.startProcess();
        return redis;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** Config overrides pointing the service at this Redis. */
    public Map<String, String> settings() {
        return Map.of("redis.host", "127.0.0.1", "redis.port", Integer.toString(port));
    }

    /** SIGKILL: the way a crashed Redis goes. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGSTOP: Redis hangs; its port still accepts connections and nothing answers (a black-holed path). */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port (empty: no persistence). */
    public void restart() {
        startProcess();
    }

    /** A new connection to it. */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port);
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

    /** Subscribers of a battery's channel, as Redis counts them. */
    public long subscribers(int battery) {
        try (Jedis jedis = jedis()) {
            return jedis.pubsubNumSub("battery:" + battery + ":data").getOrDefault("battery:" + battery + ":data", 0L);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    private void startProcess() {
        try {
            File binary = ExecutableProvider.newJarResourceProvider().get();
            List<String> command = new java.util.ArrayList<>(List.of(binary.getAbsolutePath(), "--port",
                                                                     Integer.toString(port), "--bind", "127.0.0.1",
                                                                     "--save", "", "--appendonly", "no"));
            command.addAll(extraArgs);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A free loopback port. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

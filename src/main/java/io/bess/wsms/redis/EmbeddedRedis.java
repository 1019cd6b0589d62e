package io.bess.wsms.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * A real redis-server process started by the service itself (embedded-redis ships the binary), bound to loopback
 * on a free port, without persistence. The default when no REDIS_HOST is given.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts a redis-server on a free loopback port.
     *
     * @return the running server
     */
    public static EmbeddedRedis start() {
        return start(freePort());
    }

    /**
     * Starts a redis-server on the given loopback port (tests restart Redis on the same port).
     *
     * @param port TCP port
     * @return the running server
     */
    public static EmbeddedRedis start(int port) {
        try {
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .soutListener(line -> { })
                    .serrListener(line -> { })
                    .build();
            server.start();
            return new EmbeddedRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded Redis: " + e.getMessage(), e);
        }
    }

    /** Loopback host. */
    public String host() {
        return "127.0.0.1";
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.bess.wsms.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server (or Sentinel) process a test owns on a loopback port: started from a command line, waited for
 * until its port accepts connections, and stopped, killed, paused or started again at will.
 */
public final class RedisProcess implements AutoCloseable {
    private final List<String> command;
    private final int port;
    private Process process;

    private RedisProcess(List<String> command, int port) {
        this.command = List.copyOf(command);
        this.port = port;
    }

    /**
     * Starts a process and waits until its port accepts connections.
     *
     * @param command the command line (binary first)
     * @param port    the port it listens on
     * @return the running process
     */
    public static RedisProcess start(List<String> command, int port) {
        RedisProcess redis = new RedisProcess(command, port);
        redis.restart();
        return redis;
    }

    /** The redis-server binary that embedded-redis ships (Redis 6.2): always there. */
    public static String embeddedBinary() {
        try {
            File binary = ExecutableProvider.newJarResourceProvider().get();
            return binary.getAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A redis-server 7 or newer ({@link Tool#REDIS_7}), for a test that can fall back to the embedded 6.2; a test
     * that needs 7 declares {@code @RequiresTool(Tool.REDIS_7)} and uses {@code Tool.REDIS_7.path()}.
     *
     * @return its path, empty when there is none
     */
    public static Optional<String> redis7Binary() {
        return Tool.REDIS_7.find().map(Path::toString);
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the way a crashed Redis goes. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /**
     * Sends a signal (STOP, CONT, ...).
     *
     * @param name signal name without SIG
     */
    public void signal(String name) {
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

    /** Starts it (again) with the same command line and waits for its port. */
    public void restart() {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start: " + command);
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                pause();
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port + ": " + command);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
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

    /** A free loopback port whose Cluster bus port (port + 10000) is free as well. */
    public static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port + 10_000 < 65_536 && isFree(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a Redis Cluster node");
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The standard arguments of a throwaway server: loopback, this port, no persistence, and a directory of its own
     * (a replica writes the RDB it receives there; in the working directory, a Redis 7 file would stop every later
     * Redis 6.2 started there). Later arguments override these.
     */
    static List<String> serverArgs(String binary, int port) {
        Path dir;
        try {
            dir = Files.createTempDirectory("wsms-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dir.toFile().deleteOnExit();
        return new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no", "--dir", dir.toString()));
    }
}

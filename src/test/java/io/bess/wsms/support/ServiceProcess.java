package io.bess.wsms.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * The real service ({@link MainProcess}) on a loopback port with the simulator off, waited for until it accepts
 * WebSockets. Stops with SIGTERM like {@code docker stop} or systemd.
 */
public final class ServiceProcess implements AutoCloseable {
    /** How long a process may take to accept WebSockets: a cold JVM on a loaded 2-core machine. */
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final MainProcess process;
    private final int port;

    private ServiceProcess(MainProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code Main} on {@code 127.0.0.1:port} with the simulator off.
     *
     * @param dir  working directory (created if missing); starting again in the same one starts new log files
     * @param port WebSocket and HTTP port
     * @param env  further environment variables (REDIS_HOST, WS_MAX_CONNECTIONS, ...); they win over the above
     * @return the started process, not yet accepting: see {@link #awaitAccepting()}
     */
    public static ServiceProcess start(Path dir, int port, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new HashMap<>(Map.of("WS_PORT", Integer.toString(port), "WS_HOST", "127.0.0.1",
                                                       "SIMULATOR", "off"));
        all.putAll(env);
        return new ServiceProcess(MainProcess.start(dir, all), port);
    }

    /** Waits until a WebSocket upgrade succeeds (101), failing after a generous startup deadline. */
    public ServiceProcess awaitAccepting() {
        try {
            await().atMost(STARTUP).ignoreExceptions()
                    .failFast(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("exited with " + process.exitValue() + "; its log:\n" + logText());
                        }
                    })
                    .until(() -> RawUpgrade.send(port, "/ws", Map.of()).status() == 101);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not accepting WebSockets on port " + port + " within " + STARTUP.toSeconds()
                    + " s; its log:\n" + logText(), e);
        }
        return this;
    }

    /** HTTP and WebSocket port. */
    public int port() {
        return port;
    }

    /** {@code ws://127.0.0.1:port/ws}. */
    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** {@code http://127.0.0.1:port} plus a path. */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Everything the process has written so far (standard output, then standard error). */
    public String logText() {
        return process.stdoutText() + process.stderrText();
    }

    /** SIGTERM: the normal way to stop the service. */
    public void sigterm() {
        process.sigterm();
    }

    /**
     * Waits for the process to exit.
     *
     * @param patience how long at most
     * @return whether it exited in time
     */
    public boolean waitFor(Duration patience) throws InterruptedException {
        return process.waitFor(patience);
    }

    /** The exit code; the process must have exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL if still running: cleanup after a test, whatever happened. */
    @Override
    public void close() {
        try {
            process.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

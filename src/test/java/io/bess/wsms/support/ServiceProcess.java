package io.bess.wsms.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * The real {@code Main} in a child process, started the way an operator starts it: settings in its environment
 * (nothing inherited from the test's own {@code REDIS_*}, {@code WS_*} or {@code SIMULATOR*}), its output appended to
 * {@code out.log} in its working directory. Stops with SIGTERM like {@code docker stop} or systemd.
 */
public final class ServiceProcess implements AutoCloseable {
    /** How long a process may take to accept WebSockets: a cold JVM on a loaded 2-core machine. */
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code Main} on {@code 127.0.0.1:port} with the simulator off.
     *
     * @param dir  working directory (created if missing); starting again in the same one appends to its log
     * @param port WebSocket and HTTP port
     * @param env  further environment variables (REDIS_HOST, WS_MAX_CONNECTIONS, ...); they win over the above
     * @return the started process, not yet accepting: see {@link #awaitAccepting()}
     */
    public static ServiceProcess start(Path dir, int port, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("out.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                                                        "io.bess.wsms.Main")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("WS_")
                    || k.startsWith("SIMULATOR"));
            builder.environment().put("WS_PORT", Integer.toString(port));
            builder.environment().put("WS_HOST", "127.0.0.1");
            builder.environment().put("SIMULATOR", "off");
            builder.environment().putAll(env);
            return new ServiceProcess(builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** Everything the process has written so far. */
    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM: the normal way to stop the service. */
    public void sigterm() {
        process.destroy();
    }

    /**
     * Waits for the process to exit.
     *
     * @param patience how long at most
     * @return whether it exited in time
     */
    public boolean waitFor(Duration patience) throws InterruptedException {
        return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit code; the process must have exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL if still running: cleanup after a test, whatever happened. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

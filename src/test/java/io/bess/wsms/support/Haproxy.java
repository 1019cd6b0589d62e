package io.bess.wsms.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Debian's haproxy running the shipped {@code deploy/haproxy.cfg} unchanged: the test's addresses go into the
 * environment variables the file reads ({@code WSMS_LISTEN}, {@code WSMS_1}, {@code WSMS_2}, {@code WSMS_STATS}).
 * Its log (stdout and stderr) is {@code haproxy.log} in the given directory.
 */
public final class Haproxy implements AutoCloseable {
    /** The example configuration, relative to the project directory (where Maven runs the tests). */
    public static final Path CONFIG = Path.of("deploy", "haproxy.cfg");

    private final Process process;
    private final int port;
    private final int statsPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Haproxy(Process process, int port, int statsPort, Path log) {
        this.process = process;
        this.port = port;
        this.statsPort = statsPort;
        this.log = log;
    }

    /**
     * The haproxy binary, for code that can do without it; a test that needs it declares
     * {@code @RequiresTool(Tool.HAPROXY)} and passes {@code Tool.HAPROXY.path()} to {@link #start}.
     */
    public static Optional<Path> binary() {
        return Tool.HAPROXY.find();
    }

    /**
     * Starts haproxy in the foreground with {@link #CONFIG} in front of two instances on loopback.
     *
     * @param binary the haproxy binary
     * @param dir    where its log goes
     * @param first  port of the first instance (server {@code ws1})
     * @param second port of the second instance (server {@code ws2})
     * @return the running haproxy, its stats page answering
     */
    public static Haproxy start(Path binary, Path dir, int first, int second) {
        int port = TestRedis.freePort();
        int statsPort = TestRedis.freePort();
        Path log = dir.resolve("haproxy.log");
        try {
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-db", "-f", CONFIG.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("WSMS_LISTEN", "127.0.0.1:" + port);
            builder.environment().put("WSMS_1", "127.0.0.1:" + first);
            builder.environment().put("WSMS_2", "127.0.0.1:" + second);
            builder.environment().put("WSMS_STATS", "127.0.0.1:" + statsPort);
            Haproxy haproxy = new Haproxy(builder.start(), port, statsPort, log);
            haproxy.awaitStats();
            return haproxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitStats() {
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .failFast(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("haproxy exited with " + process.exitValue() + ":\n" + logText());
                        }
                    })
                    .until(() -> !servers().isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("haproxy's stats page did not answer; its log:\n" + logText(), e);
        }
    }

    /** {@code ws://127.0.0.1:port/ws} through the balancer. */
    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /**
     * One server as the stats page shows it.
     *
     * @param status        {@code UP}, {@code DOWN}, or a transition such as {@code UP 1/2} (one failed check of two)
     * @param current       connections open to it now ({@code scur})
     * @param total         connections ever sent to it ({@code stot})
     * @param redispatched  requests moved from it to another server after it failed or refused them ({@code wredis})
     */
    public record ServerStats(String status, long current, long total, long redispatched) {
    }

    /** The backend's servers by name ({@code ws1}, {@code ws2}), from the stats page's CSV. */
    public Map<String, ServerStats> servers() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("stats page answered " + response.statusCode());
        }
        String[] lines = response.body().split("\n");
        List<String> columns = List.of(lines[0].replaceFirst("^# ", "").split(","));
        Map<String, ServerStats> servers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            String name = cells[columns.indexOf("svname")];
            if (cells[columns.indexOf("pxname")].equals("wsms") && !name.equals("FRONTEND") && !name.equals("BACKEND")) {
                servers.put(name, new ServerStats(cells[columns.indexOf("status")],
                                                  number(cells[columns.indexOf("scur")]),
                                                  number(cells[columns.indexOf("stot")]),
                                                  number(cells[columns.indexOf("wredis")])));
            }
        }
        return servers;
    }

    private static long number(String cell) {
        return cell.isEmpty() ? 0 : Long.parseLong(cell);
    }

    /** Everything haproxy has logged so far (connections, server state changes). */
    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

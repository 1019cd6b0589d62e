package io.bess.wsms.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.bess.wsms.ServiceFixture;
import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4, point 1: {@code /observe/health} and {@code /observe/health/ready} follow Redis (503 within 5 s of it
 * becoming unreachable, 200 again when it is back); {@code /observe/health/live} stays 200 while the process works.
 */
class HealthTest {
    /** The requirement: readiness is 503 within this long after Redis becomes unreachable. */
    private static final Duration DOWN_DEADLINE = Duration.ofSeconds(5);
    /** Generous: how long Redis may take to be seen as back. */
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @RegisterExtension
    static final LiveService LIVE = new LiveService();

    @BeforeEach
    void redisIsUp() {
        await().atMost(PATIENCE).until(() -> Http.get(LIVE.service().http("/observe/health/ready")).statusCode() == 200);
    }

    @Test
    void healthAndReadinessAre200WithTheRedisCheckAndItsAddressWhileRedisAnswers() {
        for (String path : List.of("/observe/health", "/observe/health/ready")) {
            HttpResponse<String> response = Http.get(LIVE.service().http(path));
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(Http.contentType(response)).as(path).startsWith("application/json");
            JsonObject body = WsTestClient.parse(response.body());
            assertThat(body.getString("status")).as(path).isEqualTo("UP");
            JsonObject check = check(body, "redis").orElseThrow(() -> new AssertionError(path + ": no redis check"));
            assertThat(check.getString("status")).isEqualTo("UP");
            assertThat(check.getJsonObject("data").getString("redis")).isEqualTo("127.0.0.1:" + LIVE.redis().port());
        }
    }

    @Test
    void livenessIs200AndDoesNotDependOnRedis() {
        HttpResponse<String> response = Http.get(LIVE.service().http("/observe/health/live"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject body = WsTestClient.parse(response.body());
        assertThat(body.getString("status")).isEqualTo("UP");
        assertThat(check(body, "process")).hasValueSatisfying(c -> assertThat(c.getString("status")).isEqualTo("UP"));
        assertThat(check(body, "redis")).isEmpty();
    }

    @Test
    void readinessIs503WithinFiveSecondsOfRedisBeingKilledAnd200WhenItIsBackWhileLivenessStays200()
            throws Exception {
        try (LivenessWatch liveness = LivenessWatch.start(LIVE.service())) {
            LIVE.redis().kill();
            long killed = System.nanoTime();
            await().atMost(DOWN_DEADLINE).pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.get(LIVE.service().http("/observe/health/ready")).statusCode() == 503);
            double downAfter = seconds(killed);

            for (String path : List.of("/observe/health", "/observe/health/ready")) {
                HttpResponse<String> response = Http.get(LIVE.service().http(path));
                assertThat(response.statusCode()).as(path).isEqualTo(503);
                JsonObject body = WsTestClient.parse(response.body());
                assertThat(body.getString("status")).as(path).isEqualTo("DOWN");
                JsonObject redisCheck = check(body, "redis").orElseThrow();
                assertThat(redisCheck.getString("status")).isEqualTo("DOWN");
                assertThat(redisCheck.getJsonObject("data").getString("redis")).isEqualTo("127.0.0.1:" + LIVE.redis().port());
                assertThat(redisCheck.getJsonObject("data").getString("error")).isNotBlank();
            }
            assertThat(Http.get(LIVE.service().http("/observe/health/live")).statusCode()).isEqualTo(200);

            LIVE.redis().restart();
            long restarted = System.nanoTime();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.get(LIVE.service().http("/observe/health/ready")).statusCode() == 200);
            double upAfter = seconds(restarted);
            assertThat(Http.get(LIVE.service().http("/observe/health")).statusCode()).isEqualTo(200);

            System.out.printf("readiness: 503 %.2f s after Redis was killed, 200 %.2f s after it restarted;"
                                      + " liveness answered %d probes meanwhile, all 200%n",
                              downAfter, upAfter, liveness.probes());
            assertThat(liveness.failures()).as("liveness answers other than 200").isEmpty();
            assertThat(liveness.probes()).isPositive();
        }
    }

    @Test
    void readinessIs503WithinFiveSecondsOfRedisHangingAnd200WhenItResumes() throws Exception {
        // SIGSTOP: the port still accepts connections but nothing answers, like a hung host or a black-holed network
        long pid = redisPid();
        try (LivenessWatch liveness = LivenessWatch.start(LIVE.service())) {
            signal("STOP", pid);
            long stopped = System.nanoTime();
            try {
                await().atMost(DOWN_DEADLINE).pollInterval(Duration.ofMillis(50))
                        .until(() -> Http.get(LIVE.service().http("/observe/health/ready")).statusCode() == 503);
            } finally {
                System.out.printf("readiness: 503 %.2f s after Redis hung%n", seconds(stopped));
                signal("CONT", pid);
            }
            long resumed = System.nanoTime();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.get(LIVE.service().http("/observe/health/ready")).statusCode() == 200);
            System.out.printf("readiness: 200 %.2f s after Redis resumed; liveness %d probes, all 200%n",
                              seconds(resumed), liveness.probes());
            assertThat(liveness.failures()).as("liveness answers other than 200").isEmpty();
        }
    }

    private static Optional<JsonObject> check(JsonObject health, String name) {
        return health.getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> name.equals(c.getString("name")))
                .findFirst();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** The test's redis-server: a child of this JVM (it retitles itself "redis-server... 127.0.0.1:PORT"). */
    private static long redisPid() {
        String address = "127.0.0.1:" + LIVE.redis().port();
        return ProcessHandle.current().descendants()
                .filter(p -> commandLine(p.pid()).contains("redis-server") && commandLine(p.pid()).contains(address))
                .map(ProcessHandle::pid)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no redis-server process at " + address));
    }

    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
        assertThat(exit).as("kill -" + name).isZero();
    }

    /** Probes liveness every 100 ms on a thread of its own and remembers every answer that was not 200. */
    private static final class LivenessWatch implements AutoCloseable {
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicInteger probes = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private LivenessWatch(ServiceFixture service) {
            thread = Thread.ofPlatform().daemon().name("liveness-watch").start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = Http.get(service.http("/observe/health/live"));
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    probes.incrementAndGet();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static LivenessWatch start(ServiceFixture service) {
            return new LivenessWatch(service);
        }

        List<String> failures() {
            return failures;
        }

        int probes() {
            return probes.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(5000);
        }
    }
}

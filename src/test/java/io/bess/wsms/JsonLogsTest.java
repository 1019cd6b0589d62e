package io.bess.wsms;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.bess.wsms.logging.EcsLines;
import io.bess.wsms.support.MainProcess;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, point 2: with LOG_FORMAT=json every line the real process writes, on stdout and stderr, the service's,
 * Helidon's and Jedis's alike, is one ECS JSON object (timestamp, level, logger, thread, message and, for an
 * exception, its type, message and stack trace as one string); a bad LOG_FORMAT exits 2 with one sentence, and a
 * configuration error in JSON mode is one JSON line too.
 */
class JsonLogsTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path workDir;

    @Test
    void everyLineIsAnEcsJsonObjectThroughARedisOutageAClientErrorAndTheStop() throws Exception {
        int port = TestRedis.freePort();
        try (TestRedis redis = TestRedis.start();
             MainProcess main = MainProcess.start(workDir, Map.of(
                     "LOG_FORMAT", "json", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(redis.port()),
                     "WS_HOST", "127.0.0.1", "WS_PORT", Integer.toString(port), "SIMULATOR", "off"))) {
            await().atMost(START).ignoreExceptions()
                    .until(() -> RawUpgrade.send(port, "/ws", Map.of()).status() == 101);
            redis.write(1, TestRedis.reading(System.currentTimeMillis(), 230));
            try (WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"))) {
                assertThat(client.nextJson().containsKey("battery:1:data")).isTrue();

                // the outage: a WARNING when it is noticed, an INFO when Redis is back
                redis.kill();
                awaitRecord(main, r -> r.getString("log.level").equals("WARNING")
                        && r.getString("log.logger").equals("io.bess.wsms.redis.RedisStatus"));
                redis.restart();
                awaitRecord(main, r -> r.getString("log.level").equals("INFO")
                        && r.getString("message").contains("Redis is back after"));
                assertThat(client.next()).as("fresh snapshot after the outage").isEqualTo("{}");
            }

            // client errors: a malformed selection is refused (400, the service logs nothing for it), and a frame
            // with a reserved opcode (3) makes Helidon log a WARNING with the exception's stack trace
            assertThat(RawUpgrade.send(port, "/ws?batteries=seven", Map.of()).status()).isEqualTo(400);
            try (RawWsClient raw = RawWsClient.connect(port, "/ws?batteries=1", 0)) {
                assertThat(raw.status()).isEqualTo(101);
                raw.sendFrame(3, new byte[] {1, 2, 3});
                raw.readUntilClose();
            }
            JsonObject withTrace = awaitRecord(main, EcsLines::hasStackTrace);

            assertThat(main.stop(PATIENCE)).as("exit code after SIGTERM").isZero();

            List<JsonObject> records = new ArrayList<>(EcsLines.parse(main.stdout(), "stdout"));
            records.addAll(EcsLines.parse(main.stderr(), "stderr"));
            assertThat(records).anyMatch(r -> r.getString("log.logger").startsWith("io.bess.wsms."))
                    .anyMatch(r -> r.getString("log.logger").startsWith("io.helidon."));
            System.out.println("JSON logs: " + records.size() + " lines (" + main.stdout().size() + " on stdout, "
                                       + main.stderr().size() + " on stderr), all ECS JSON; one with an exception: "
                                       + withTrace);
        }
    }

    @Test
    void aBadLogFormatExitsWithCode2AndOneSentenceNamingTheVariable() throws Exception {
        try (MainProcess main = MainProcess.start(workDir, Map.of("LOG_FORMAT", "xml", "WS_PORT", "0"))) {
            assertThat(main.awaitExit(START)).isEqualTo(2);
            assertThat(main.stderr()).containsExactly(
                    "websocket-server-ms: The setting log.format (LOG_FORMAT) must be text or json, got 'xml'.");
            assertThat(main.stdout()).isEmpty();
        }
    }

    @Test
    void aBadSettingInJsonModeIsOneJsonLineWithTheSentenceAndExitCode2() throws Exception {
        try (MainProcess main = MainProcess.start(workDir, Map.of("LOG_FORMAT", "json", "WS_PORT", "abc"))) {
            assertThat(main.awaitExit(START)).isEqualTo(2);
            List<String> lines = new ArrayList<>(main.stdout());
            lines.addAll(main.stderr());
            assertThat(lines).hasSize(1);
            JsonObject record = EcsLines.parse(lines.get(0), "output");
            assertThat(record.getString("log.level")).isEqualTo("SEVERE");
            assertThat(record.getString("log.logger")).isEqualTo("io.bess.wsms.Main");
            assertThat(record.getString("message"))
                    .isEqualTo("The setting server.port (WS_PORT) must be a whole number between 0 and 65535, got 'abc'.");
        }
    }

    @Test
    void textModeStaysAsBefore() throws Exception {
        try (MainProcess main = MainProcess.start(workDir, Map.of("WS_PORT", "abc"))) {
            assertThat(main.awaitExit(START)).isEqualTo(2);
            assertThat(main.stderr()).containsExactly("websocket-server-ms: The setting server.port (WS_PORT) must be"
                                                              + " a whole number between 0 and 65535, got 'abc'.");
            assertThat(main.stdout()).isEmpty();
        }
    }

    private static JsonObject awaitRecord(MainProcess main, Predicate<JsonObject> wanted) {
        return await().atMost(PATIENCE).until(() -> EcsLines.parse(main.stdout(), "stdout").stream()
                .filter(wanted).findFirst().orElse(null), r -> r != null);
    }
}

package io.bess.wsms;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.bess.wsms.logging.EcsLines;
import io.bess.wsms.support.MainProcess;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.TestIssuer;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, point 5, in the real process with LOG_FORMAT=json and WS_JWT_JWKS: the audit trail's events are ECS
 * JSON lines with event.action, event.outcome, user.id, source.ip, the battery count, the close code and the
 * duration as fields (numbers as numbers), and no line carries the token.
 */
class AuditJsonLogTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path workDir;

    @Test
    void auditEventsAreEcsFieldsOfTheJsonLinesAndNeverCarryTheToken() throws Exception {
        int port = TestRedis.freePort();
        TestIssuer issuer = TestIssuer.create(workDir);
        String token = issuer.token("ops-7", "1-2");
        try (TestRedis redis = TestRedis.start();
             MainProcess main = MainProcess.start(workDir, Map.of(
                     "LOG_FORMAT", "json", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(redis.port()),
                     "WS_HOST", "127.0.0.1", "WS_PORT", Integer.toString(port), "SIMULATOR", "off",
                     "WS_JWT_JWKS", issuer.jwksFile().toString(), "WS_JWT_ISSUER", TestIssuer.ISSUER,
                     "WS_JWT_AUDIENCE", TestIssuer.AUDIENCE))) {
            redis.write(1, TestRedis.reading(System.currentTimeMillis(), 230));
            String probe = issuer.token("probe", "1");
            await().atMost(PATIENCE).ignoreExceptions()
                    .until(() -> RawUpgrade.send(port, "/ws", Map.of("Authorization", "Bearer " + probe)).status()
                            == 101);
            try (WsTestClient client = WsTestClient.connectOffering(URI.create("ws://127.0.0.1:" + port + "/ws"),
                                                                    List.of("bearer", token))) {
                client.next();
                client.send("{\"action\":\"auth\",\"token\":\"" + issuer.token("ops-7", "1") + "\"}");
                client.awaitJson(j -> j.containsKey("notice"));
            }
            RawUpgrade.send(port, "/ws?token=" + token.substring(0, token.length() - 3), Map.of());
            JsonObject close = awaitEvent(main, "ws-close");
            JsonObject connect = awaitEvent(main, "ws-connect");
            JsonObject refresh = awaitEvent(main, "auth-refresh");
            JsonObject refused = awaitEvent(main, "ws-refused");

            assertThat(connect.getString("event.outcome")).isEqualTo("success");
            assertThat(connect.getString("user.id")).isEqualTo("ops-7");
            assertThat(connect.getString("source.ip")).isEqualTo("127.0.0.1");
            assertThat(connect.getString("wsms.auth.via")).isEqualTo("subprotocol");
            assertThat(connect.getJsonNumber("wsms.batteries.selected").intValue()).isEqualTo(1);
            assertThat(close.getJsonNumber("wsms.close.code").intValue()).isEqualTo(1000);
            assertThat(close.get("event.duration").getValueType()).isEqualTo(JsonValue.ValueType.NUMBER);
            assertThat(refresh.getString("event.outcome")).isEqualTo("success");
            assertThat(refused.getString("event.outcome")).isEqualTo("failure");
            assertThat(refused.getString("event.reason")).isEqualTo("unauthorized");
            assertThat(refused.getJsonNumber("http.response.status_code").intValue()).isEqualTo(401);
            main.stop(PATIENCE);
            assertThat(main.stdoutText() + main.stderrText()).doesNotContain(token.substring(30, 70));
        }
    }

    /** The first line of an action that is not the start-up probe's. */
    private static JsonObject awaitEvent(MainProcess main, String action) {
        return await().atMost(PATIENCE).until(() -> EcsLines.parse(main.stdout(), "stdout").stream()
                .filter(r -> action.equals(r.getString("event.action", "")))
                .filter(r -> !"probe".equals(r.getString("user.id", "")))
                .findFirst().orElse(null), r -> r != null);
    }
}

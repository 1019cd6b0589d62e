package io.bess.wsms;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import io.bess.wsms.redis.RedisUnavailableException;
import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 3, point 5: the token (WS_TOKEN) and the origin allow-list guard the upgrade, with 401/403 and the JSON
 * error; the token is never logged; REDIS_PASS works and a wrong one fails the start with one clear sentence.
 */
class AuthAndOriginTest {
    private static final String TOKEN = "tok-3f9a1c77-never-log-me";
    private static final String ALLOWED = "https://dash.example.com";

    private static TestRedis redis;
    private static ServiceFixture service;

    @BeforeAll
    static void start() {
        redis = TestRedis.start();
        Map<String, String> config = new HashMap<>(redis.settings());
        config.put("ws.token", TOKEN);
        config.put("ws.allowed-origins", ALLOWED + ", http://localhost:3000");
        service = ServiceFixture.start(config);
        redis.write(1, TestRedis.reading(System.currentTimeMillis(), 120));
    }

    @AfterAll
    static void stop() {
        service.close();
        redis.close();
    }

    @Test
    void upgradeWithoutTokenIsRefusedWith401AndTheJsonError() throws Exception {
        RawUpgrade answer = RawUpgrade.send(service.port(), "/ws", Map.of());
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.isJsonError("unauthorized")).as(answer.body()).isTrue();
        assertThat(answer.message()).contains("Authorization: Bearer");
    }

    @Test
    void upgradeWithAWrongTokenIsRefusedWith401HoweverItIsPresented() throws Exception {
        List<Map<String, String>> headers = List.of(
                Map.of("Authorization", "Bearer wrong"),
                Map.of("Authorization", "Bearer " + TOKEN + "x"),
                Map.of("Authorization", "Bearer " + TOKEN.substring(1)),
                Map.of("Authorization", "Basic " + TOKEN),
                Map.of("Authorization", TOKEN),
                Map.of("Authorization", "Bearer "));
        for (Map<String, String> h : headers) {
            RawUpgrade answer = RawUpgrade.send(service.port(), "/ws", h);
            assertThat(answer.status()).as(h.toString()).isEqualTo(401);
            assertThat(answer.isJsonError("unauthorized")).as(answer.body()).isTrue();
        }
        for (String query : List.of("token=wrong", "token=", "token=" + TOKEN.toUpperCase(), "tokens=" + TOKEN)) {
            RawUpgrade answer = RawUpgrade.send(service.port(), "/ws?" + query, Map.of());
            assertThat(answer.status()).as(query).isEqualTo(401);
            assertThat(answer.isJsonError("unauthorized")).as(answer.body()).isTrue();
        }
    }

    @Test
    void bearerTokenInTheAuthorizationHeaderIsAccepted() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws(""), Map.of("Authorization", "Bearer " + TOKEN))) {
            assertThat(client.nextJson().keySet()).contains("battery:1:data");
        }
    }

    @Test
    void tokenInTheQueryIsAcceptedForBrowsers() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("token=" + enc(TOKEN) + "&batteries=1"))) {
            assertThat(client.nextJson().keySet()).containsExactly("battery:1:data");
        }
    }

    @Test
    void originOutsideTheAllowListIsRefusedWith403AndTheJsonError() throws Exception {
        for (String origin : List.of("https://evil.example", "https://dash.example.com.evil.example",
                                     "http://dash.example.com", "null")) {
            RawUpgrade answer = RawUpgrade.send(service.port(), "/ws?token=" + enc(TOKEN), Map.of("Origin", origin));
            assertThat(answer.status()).as(origin).isEqualTo(403);
            assertThat(answer.isJsonError("origin_not_allowed")).as(answer.body()).isTrue();
        }
    }

    @Test
    void originInsideTheAllowListAndNoOriginAtAllAreAccepted() throws Exception {
        assertThat(RawUpgrade.send(service.port(), "/ws?token=" + enc(TOKEN), Map.of("Origin", ALLOWED)).status())
                .isEqualTo(101);
        assertThat(RawUpgrade.send(service.port(), "/ws?token=" + enc(TOKEN),
                                   Map.of("Origin", "http://localhost:3000")).status()).isEqualTo(101);
        try (WsTestClient client = WsTestClient.connect(service.ws(""), Map.of("Authorization", "Bearer " + TOKEN,
                                                                               "Origin", ALLOWED))) {
            assertThat(client.nextJson().keySet()).contains("battery:1:data");
        }
        // Postman, websocat and other non-browser clients send no Origin
        assertThat(RawUpgrade.send(service.port(), "/ws", Map.of("Authorization", "Bearer " + TOKEN)).status())
                .isEqualTo(101);
    }

    @Test
    void theTokenIsNeverLogged() throws Exception {
        try (LogCapture all = LogCapture.of("", Level.INFO); LogCapture ours = LogCapture.of("io.bess", Level.ALL)) {
            RawUpgrade.send(service.port(), "/ws?token=" + enc(TOKEN), Map.of("Origin", "https://evil.example"));
            RawUpgrade.send(service.port(), "/ws?token=" + enc(TOKEN) + "&batteries=-1", Map.of());
            RawUpgrade.send(service.port(), "/ws?token=" + enc(TOKEN) + "x", Map.of());
            RawUpgrade.send(service.port(), "/ws", Map.of("Authorization", "Bearer " + TOKEN + "x"));
            try (WsTestClient client = WsTestClient.connect(service.ws("token=" + enc(TOKEN)))) {
                client.next();
                client.send("{\"action\":\"" + TOKEN + "\"}");
                client.next();
            }
            try (WsTestClient client = WsTestClient.connect(service.ws(""), Map.of("Authorization",
                                                                                   "Bearer " + TOKEN))) {
                client.next();
                client.abort();
            }
            assertThat(all.text() + ours.text()).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(4, 20));
        }
        assertThat(service.service().settings().toString()).doesNotContain(TOKEN);
    }

    @Test
    void defaultConfigurationAcceptsAnyOriginAndNeedsNoToken() throws Exception {
        try (ServiceFixture open = ServiceFixture.start(redis.settings())) {
            for (String origin : List.of("https://evil.example", "http://localhost:8080", "null")) {
                assertThat(RawUpgrade.send(open.port(), "/ws", Map.of("Origin", origin)).status()).as(origin)
                        .isEqualTo(101);
            }
            try (WsTestClient client = WsTestClient.connect(open.ws(""), Map.of("Origin", "https://any.example"))) {
                assertThat(client.nextJson().keySet()).contains("battery:1:data");
            }
        }
    }

    @Test
    void redisPasswordIsUsedAndAWrongOneFailsTheStartWithOneClearSentence() throws Exception {
        try (TestRedis locked = TestRedis.start(List.of("--requirepass", "s3cret-pass"))) {
            Map<String, String> config = new HashMap<>(locked.settings());
            config.put("redis.password", "s3cret-pass");
            try (ServiceFixture ok = ServiceFixture.start(config);
                 WsTestClient client = WsTestClient.connect(ok.ws(""))) {
                assertThat(client.next()).isEqualTo("{}");
                try (var jedis = locked.jedis()) {
                    jedis.auth("s3cret-pass");
                    jedis.sadd("info:batteries:ids", "4");
                    jedis.hset("battery:4:data", TestRedis.reading(System.currentTimeMillis(), 144));
                    jedis.publish("battery:4:data", "updates");
                }
                assertThat(client.awaitJson(j -> j.containsKey("battery:4:data"))
                                   .getJsonObject("battery:4:data").getInt("voltage")).isEqualTo(144);
                assertThat(ok.service().settings().toString()).doesNotContain("s3cret-pass");
            }

            config.put("redis.password", "wrong-pass");
            assertThatThrownBy(() -> ServiceFixture.start(config).close())
                    .isInstanceOf(RedisUnavailableException.class)
                    .hasMessageContaining("REDIS_PASS")
                    .hasMessageNotContaining("wrong-pass");
            config.remove("redis.password");
            assertThatThrownBy(() -> ServiceFixture.start(config).close())
                    .isInstanceOf(RedisUnavailableException.class)
                    .hasMessageContaining("REDIS_PASS");
            System.out.println("wrong REDIS_PASS: " + messageOf(config, "wrong-pass"));
            System.out.println("no REDIS_PASS:    " + messageOf(config, null));
        }
    }

    private static String messageOf(Map<String, String> base, String password) {
        Map<String, String> config = new HashMap<>(base);
        if (password != null) {
            config.put("redis.password", password);
        }
        try {
            ServiceFixture.start(config).close();
            return "(started)";
        } catch (RedisUnavailableException e) {
            return e.getMessage();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

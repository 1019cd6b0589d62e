package io.bess.wsms.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.bess.wsms.observe.Http;
import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4, point 3: {@code GET /api/batteries} is the snapshot frame's JSON, {@code GET /api/batteries/{id}} one
 * battery's object; errors are the protocol's JSON error (404 unknown, 400 malformed id, 503 Redis unreachable).
 */
class BatteryApiTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    static final LiveService LIVE = new LiveService();

    @BeforeEach
    void emptyRedisThatAnswers() {
        await().atMost(PATIENCE).until(() -> Http.get(LIVE.service().http("/observe/health/ready")).statusCode() == 200);
        try (Jedis jedis = LIVE.redis().jedis()) {
            jedis.flushAll();
        }
    }

    @Test
    void allBatteriesIsTheSameJsonAsTheSnapshotFrame() throws Exception {
        Map<String, String> withExtras = new LinkedHashMap<>(TestRedis.reading(1731801715600L, 140));
        withExtras.put("site", "north-yard");
        withExtras.put("voltage", "131.5");
        LIVE.redis().write(1, TestRedis.reading(1731801715542L, 136));
        LIVE.redis().write(2, withExtras);
        LIVE.redis().write(10, TestRedis.reading(1731801715700L, 150));

        String snapshot;
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            snapshot = client.next();
        }
        HttpResponse<String> response = Http.get(LIVE.service().http("/api/batteries"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(response)).startsWith("application/json");
        assertThat(WsTestClient.parse(response.body())).isEqualTo(WsTestClient.parse(snapshot));
        assertThat(WsTestClient.parse(response.body()).keySet())
                .containsExactlyInAnyOrder("battery:1:data", "battery:2:data", "battery:10:data");
    }

    @Test
    void noBatteryIsAnEmptyObject() {
        HttpResponse<String> response = Http.get(LIVE.service().http("/api/batteries"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{}");
    }

    @Test
    void oneBatteryIsItsObjectFromTheSnapshot() throws Exception {
        LIVE.redis().write(7, TestRedis.reading(1731801715542L, 136));
        LIVE.redis().write(70, TestRedis.reading(1731801715543L, 137));

        HttpResponse<String> response = Http.get(LIVE.service().http("/api/batteries/7"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(response)).startsWith("application/json");
        JsonObject battery = WsTestClient.parse(response.body());
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            assertThat(battery).isEqualTo(client.nextJson().getJsonObject("battery:7:data"));
        }
        assertThat(battery.getJsonNumber("timestamp").longValueExact()).isEqualTo(1731801715542L);
        assertThat(battery.getInt("voltage")).isEqualTo(136);
    }

    @Test
    void oneBatteryFollowsUpdates() {
        LIVE.redis().write(3, TestRedis.reading(1000, 100));
        assertThat(WsTestClient.parse(Http.get(LIVE.service().http("/api/batteries/3")).body()).getInt("voltage"))
                .isEqualTo(100);
        LIVE.redis().write(3, TestRedis.reading(2000, 101));
        assertThat(WsTestClient.parse(Http.get(LIVE.service().http("/api/batteries/3")).body()).getInt("voltage"))
                .isEqualTo(101);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9", "2147483647"})
    void unknownBatteryIs404WithTheJsonError(String id) {
        LIVE.redis().write(1, TestRedis.reading(1000, 100));
        HttpResponse<String> response = Http.get(LIVE.service().http("/api/batteries/" + id));
        assertError(response, 404, "not_found");
        assertThat(message(response)).contains(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1.5", "1,2", "1%202", "%201", "99999999999", "0x1f", "%E2%82%AC"})
    void malformedIdIs400WithTheJsonError(String id) {
        LIVE.redis().write(1, TestRedis.reading(1000, 100));
        HttpResponse<String> response = Http.get(LIVE.service().http("/api/batteries/" + id));
        assertError(response, 400, "bad_request");
        System.out.println("GET /api/batteries/" + id + " -> 400 " + message(response));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/batteries/1/", "/api/batteries/1/history"})
    void pathsBelowABatteryAre404WithTheJsonError(String path) {
        LIVE.redis().write(1, TestRedis.reading(1000, 100));
        assertError(Http.get(LIVE.service().http(path)), 404, "not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/batteries", "/api/batteries/1"})
    void otherMethodsAre405WithAllowGetAndTheJsonError(String path) {
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> response = Http.send(LIVE.service().http(path), method);
            assertError(response, 405, "method_not_allowed");
            assertThat(response.headers().firstValue("Allow")).as(method).hasValue("GET");
        }
    }

    @Test
    void whileRedisIsDownBothAre503WithTheJsonErrorAnd200WhenItIsBack() {
        LIVE.redis().write(1, TestRedis.reading(1000, 100));
        LIVE.redis().kill();
        try {
            for (String path : List.of("/api/batteries", "/api/batteries/1")) {
                HttpResponse<String> response = Http.get(LIVE.service().http(path));
                assertError(response, 503, "redis_unavailable");
            }
            // ids are checked before Redis is asked
            assertError(Http.get(LIVE.service().http("/api/batteries/abc")), 400, "bad_request");
        } finally {
            LIVE.redis().restart();
        }
        await().atMost(PATIENCE).until(() -> Http.get(LIVE.service().http("/api/batteries")).statusCode() == 200);
        assertThat(Http.get(LIVE.service().http("/api/batteries")).body()).isEqualTo("{}");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Http.contentType(response)).startsWith("application/json");
        JsonObject error = WsTestClient.parse(response.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo(code);
        assertThat(error.getString("message")).isNotBlank().doesNotContain("Exception", "\tat ");
    }

    private static String message(HttpResponse<String> response) {
        return WsTestClient.parse(response.body()).getJsonObject("error").getString("message");
    }
}

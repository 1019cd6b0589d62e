package io.bess.wsms;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import io.bess.wsms.observe.PrometheusText;
import io.bess.wsms.support.Keycloak;
import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, point 7: end to end against a real Keycloak (26.7, from Maven Central, one start for the whole class),
 * with the realm of {@code src/test/resources/keycloak/wsms-realm.json}: users with a {@code batteries} attribute
 * mapped into the access token, an audience mapper, a client with 15 s ES256 tokens, tokens by password grant. The
 * service starts before Keycloak listens: the identity provider is down at start, then up, without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakIdentityTest {
    private static final Duration KEYCLOAK_START = Duration.ofMinutes(4);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Looks like a JWT, so that it needs the keys to be judged. */
    private static final String SOME_JWT = b64("{\"alg\":\"RS256\",\"kid\":\"k\"}") + "." + b64("{\"sub\":\"x\"}")
            + "." + b64("signature");

    private static TestRedis redis;
    private static Keycloak keycloak;
    private static ServiceFixture service;
    private static LogCapture providerLog;
    private static int statusWhileDown;
    private static String bodyWhileDown;
    private static double availableWhileDown;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.start();
        long now = System.currentTimeMillis();
        for (int id : List.of(1, 2, 3, 10, 11, 12, 20)) {
            redis.write(id, TestRedis.reading(now, 100 + id));
        }
        keycloak = Keycloak.prepare(Path.of("src/test/resources/keycloak/wsms-realm.json"));
        keycloak.start();
        providerLog = LogCapture.of("io.bess.wsms.auth", Level.INFO);
        Map<String, String> config = new HashMap<>(redis.settings());
        config.put("auth.jwt.issuer", keycloak.issuer());
        config.put("auth.jwt.audience", "wsms");
        service = ServiceFixture.start(config);
        // Keycloak takes tens of seconds to listen: this is the identity provider down at the service's start
        RawUpgrade down = RawUpgrade.send(service.port(), "/ws", Map.of("Authorization", "Bearer " + SOME_JWT));
        statusWhileDown = down.status();
        bodyWhileDown = down.body();
        availableWhileDown = PrometheusText.scrape(service).value("wsms_auth_available");
        Duration took = keycloak.awaitReady(KEYCLOAK_START);
        System.out.println("Keycloak " + System.getProperty("keycloak.version", "") + " ready in " + took.toMillis()
                                   + " ms");
    }

    @AfterAll
    static void stop() throws Exception {
        if (providerLog != null) {
            providerLog.close();
        }
        if (service != null) {
            service.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void identityProviderDownAtStartThen503ThenTokensWorkWithoutARestart() throws Exception {
        assertThat(statusWhileDown).as(bodyWhileDown).isEqualTo(503);
        assertThat(WsTestClient.parse(bodyWhileDown).getJsonObject("error").getString("code"))
                .isEqualTo("auth_unavailable");
        assertThat(availableWhileDown).isZero();
        assertThat(providerLog.count(Level.WARNING, "Identity provider not reachable")).isEqualTo(1);
        String token = alice();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> RawUpgrade.send(service.port(), "/ws", bearer(token)).status() == 101);
        PrometheusText metrics = PrometheusText.scrape(service);
        assertThat(metrics.value("wsms_auth_available")).isEqualTo(1);
        assertThat(metrics.value("wsms_upgrades_refused_total", Map.of("reason", "auth_unavailable")))
                .isGreaterThanOrEqualTo(1);
        assertThat(providerLog.count(Level.INFO, "Identity provider keys loaded")).isEqualTo(1);
    }

    @Test
    @Order(2)
    void theTokensBatteriesScopeTheSnapshotTheUpdatesAndRest() throws Exception {
        String token = alice();
        try (WsTestClient client = WsTestClient.connect(service.ws(""), bearer(token))) {
            assertThat(client.nextJson().keySet()).containsExactlyInAnyOrder(
                    "battery:1:data", "battery:2:data", "battery:10:data", "battery:11:data", "battery:12:data");
            long now = System.currentTimeMillis() + 1000;
            redis.write(3, TestRedis.reading(now, 33));
            redis.write(20, TestRedis.reading(now, 34));
            redis.write(11, TestRedis.reading(now, 35));
            assertThat(client.awaitJson(j -> j.containsKey("battery:11:data")).getJsonObject("battery:11:data")
                               .getInt("voltage")).isEqualTo(35);
            redis.write(2, TestRedis.reading(now + 1, 36));
            client.awaitJson(j -> j.containsKey("battery:2:data"));
            assertThat(String.join("", client.drain())).doesNotContain("battery:3:").doesNotContain("battery:20:");
        }
        HttpResponse<String> all = get("/api/batteries", token);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(WsTestClient.parse(all.body()).keySet()).containsExactlyInAnyOrder(
                "battery:1:data", "battery:2:data", "battery:10:data", "battery:11:data", "battery:12:data");
        assertThat(get("/api/batteries/10", token).statusCode()).isEqualTo(200);
        assertThat(get("/api/batteries/20", token).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void forbiddenIdsGetTheErrorFrameAndTheConnectionStays() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("batteries=1,3"), bearer(alice()))) {
            assertThat(client.nextJson().keySet()).containsExactly("battery:1:data");
            JsonObject error = client.nextJson().getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("forbidden");
            assertThat(error.getJsonArray("batteries").toString()).isEqualTo("[3]");
            client.send("{\"action\":\"subscribe\",\"batteries\":[20,10]}");
            assertThat(client.nextJson().keySet()).containsExactly("battery:10:data");
            assertThat(client.nextJson().getJsonObject("error").getJsonArray("batteries").toString())
                    .isEqualTo("[20]");
            redis.write(10, TestRedis.reading(System.currentTimeMillis() + 2000, 99));
            client.awaitJson(j -> j.containsKey("battery:10:data"));
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    @Order(4)
    void theBearerSubprotocolCarriesTheTokenAndIsAnswered() throws Exception {
        String token = keycloak.token("wsms-cli", "bob", "bob-pass");
        try (WsTestClient client = WsTestClient.connectOffering(service.ws(""), List.of("bearer", token))) {
            assertThat(client.subprotocol()).isEqualTo("bearer");
            assertThat(client.nextJson().keySet()).contains("battery:3:data", "battery:20:data");
        }
    }

    @Test
    @Order(5)
    void aForgedOrMissingTokenIs401AndOneWithoutTheClaimIs403() throws Exception {
        assertThat(RawUpgrade.send(service.port(), "/ws", Map.of()).status()).isEqualTo(401);
        String token = alice();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"batteries\":[", "\"batteries\":[\"*\",");
        String forged = parts[0] + "." + b64(payload) + "." + parts[2];
        RawUpgrade answer = RawUpgrade.send(service.port(), "/ws", bearer(forged));
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.message()).contains("signature");
        RawUpgrade carol = RawUpgrade.send(service.port(), "/ws",
                                           bearer(keycloak.token("wsms-cli", "carol", "carol-pass")));
        assertThat(carol.status()).isEqualTo(403);
        assertThat(carol.isJsonError("no_batteries")).isTrue();
    }

    @Test
    @Order(6)
    void expiryClosesWith1008AndARefreshWithNewPermissionsKeepsTheConnection() throws Exception {
        // wsms-short issues ES256 tokens that live 15 s
        String first = keycloak.token("wsms-short", "dave", "dave-pass");
        Instant exp = expiry(first);
        try (WsTestClient expiring = WsTestClient.connect(service.ws(""), bearer(first));
             WsTestClient refreshing = WsTestClient.connectOffering(service.ws(""), List.of("bearer", first))) {
            assertThat(expiring.nextJson().keySet()).containsExactlyInAnyOrder("battery:1:data", "battery:2:data",
                                                                               "battery:3:data");
            refreshing.next();
            keycloak.setBatteries("dave", "1");
            // the same user (same sub) from the 5-minute client: a 15 s token would itself expire while we watch
            String fresh = keycloak.token("wsms-cli", "dave", "dave-pass");
            assertThat(Instant.now()).isBefore(exp);
            refreshing.send("{\"action\":\"auth\",\"token\":\"" + fresh + "\"}");
            JsonObject notice = refreshing.awaitJson(j -> j.containsKey("notice")).getJsonObject("notice");
            assertThat(notice.getString("code")).isEqualTo("token_refreshed");
            assertThat(notice.getJsonArray("removed").toString()).isEqualTo("[2,3]");

            // the token lives 15 s: longer than WsTestClient's own patience, so wait for exp plus the bound
            await().atMost(Duration.between(Instant.now(), exp).plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(expiring::isClosed);
            Instant closed = Instant.now();
            assertThat(expiring.awaitClose()).isEqualTo(1008);
            assertThat(expiring.closeReason()).isEqualTo("token expired");
            assertThat(closed).isBefore(exp.plusMillis(2_500));
            System.out.println("closed " + Duration.between(exp, closed).toMillis() + " ms after exp");

            await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(exp.plusSeconds(2)));
            long now = System.currentTimeMillis() + 3000;
            redis.write(2, TestRedis.reading(now, 202));
            redis.write(1, TestRedis.reading(now, 201));
            assertThat(refreshing.awaitJson(j -> j.containsKey("battery:1:data")).getJsonObject("battery:1:data")
                               .getInt("voltage")).isEqualTo(201);
            assertThat(refreshing.isClosed()).isFalse();
            assertThat(String.join("", refreshing.drain())).doesNotContain("battery:2:");
        }
    }

    @Test
    @Order(7)
    void aRotatedSigningKeyIsPickedUpWithoutARestart() throws Exception {
        String before = alice();
        keycloak.rotateRsaKey();
        String after = alice();
        assertThat(kid(after)).isNotEqualTo(kid(before));
        int port = service.port();
        // the unknown kid fetches the keys again, at most once per 30 s
        await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofSeconds(2))
                .until(() -> RawUpgrade.send(port, "/ws", bearer(after)).status() == 101);
        assertThat(RawUpgrade.send(port, "/ws", bearer(before)).status()).isEqualTo(101);
        assertThat(service.port()).isEqualTo(port);
    }

    private static String alice() {
        return keycloak.token("wsms-cli", "alice", "alice-pass");
    }

    private static Instant expiry(String token) {
        JsonObject claims = WsTestClient.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                                                          StandardCharsets.UTF_8));
        return Instant.ofEpochSecond(claims.getJsonNumber("exp").longValueExact());
    }

    private static String kid(String token) {
        return WsTestClient.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
                                             StandardCharsets.UTF_8)).getString("kid");
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                                 .header("Authorization", "Bearer " + token).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}

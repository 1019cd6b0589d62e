package io.bess.wsms.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import io.bess.wsms.ServiceFixture;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With a token configured, the REST snapshot (the same data as the WebSocket) needs the same token. */
class RestAuthTest {
    private static TestRedis redis;
    private static ServiceFixture service;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        redis = TestRedis.start();
        redis.write(1, TestRedis.reading(1, 100));
        service = ServiceFixture.start(Map.of("redis.host", "127.0.0.1", "redis.port", Integer.toString(redis.port()),
                                              "ws.token", "s3cret"));
    }

    @AfterAll
    static void stop() {
        service.close();
        redis.close();
    }

    @Test
    void restWithoutTokenIsRefusedWith401AndTheJsonError() throws Exception {
        HttpResponse<String> response = get(service.http("/api/batteries"), null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(WsTestClient.parse(response.body()).getJsonObject("error").getString("code"))
                .isEqualTo("unauthorized");
        assertThat(get(service.http("/api/batteries/1"), "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void restWithTheTokenInHeaderOrQueryAnswers() throws Exception {
        assertThat(get(service.http("/api/batteries"), "s3cret").statusCode()).isEqualTo(200);
        assertThat(get(service.http("/api/batteries/1?token=s3cret"), null).statusCode()).isEqualTo(200);
    }

    @Test
    void healthStaysOpenForProbes() throws Exception {
        assertThat(get(service.http("/observe/health"), null).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(URI uri, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package io.bess.wsms;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import io.bess.wsms.support.SelfSignedCertificate;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, point 5: with {@code WS_TLS_CERT} and {@code WS_TLS_KEY} the real process (Main, embedded Redis, the
 * simulator) serves {@code wss://} and {@code https://} on its one port, with a self-signed certificate made here; a
 * client that trusts it gets the snapshot and the REST answers, plain {@code ws://} and {@code http://} get nothing.
 */
class ClientTlsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static SelfSignedCertificate certificate;
    private static HttpClient trusting;
    private static Process service;
    private static int port;

    @BeforeAll
    static void startTheServiceWithTls() throws Exception {
        certificate = SelfSignedCertificate.create(dir, "server");
        trusting = HttpClient.newBuilder().sslContext(certificate.trustingContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        port = TestRedis.freePort();
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("WS_")
                || k.startsWith("SIMULATOR"));
        builder.environment().put("WS_HOST", "127.0.0.1");
        builder.environment().put("WS_PORT", Integer.toString(port));
        builder.environment().put("WS_TLS_CERT", certificate.certificate().toString());
        builder.environment().put("WS_TLS_KEY", certificate.privateKey().toString());
        builder.environment().put("SIMULATOR_BATTERIES", "3");
        service = builder.start();
        // ready once the simulator's batteries answer over https (the embedded default runs the simulator)
        await().atMost(PATIENCE).ignoreExceptions().until(() -> !service.isAlive()
                || get(trusting, "/api/batteries").body().contains("battery:3:data"));
        assertThat(service.isAlive()).as(log()).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroy();
            service.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatTrustsTheCertificateGetsTheSnapshotAndUpdatesOverWss() throws Exception {
        try (WsTestClient client = WsTestClient.connect(trusting, URI.create("wss://127.0.0.1:" + port + "/ws"))) {
            JsonObject snapshot = client.nextJson();
            assertThat(snapshot.keySet()).contains("battery:1:data", "battery:2:data", "battery:3:data");
            JsonObject update = client.awaitJson(j -> j.values().stream()
                    .anyMatch(v -> v.asJsonObject().containsKey("ws_timestamp")));
            assertThat(update.keySet()).hasSize(1);
        }
        assertThat(log()).contains("WebSocket at wss://127.0.0.1:" + port + "/ws")
                .contains("dashboard at https://127.0.0.1:" + port + "/");
    }

    @Test
    void theRestApiAndHealthAnswerOverHttps() throws Exception {
        HttpResponse<String> one = get(trusting, "/api/batteries/2");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(WsTestClient.parse(one.body()).keySet()).contains("timestamp", "voltage", "state_of_charge");
        assertThat(get(trusting, "/observe/health").statusCode()).isEqualTo(200);
        assertThat(get(trusting, "/").body()).contains("<html");
    }

    @Test
    void plainWsAndHttpOnTheTlsPortGetNoAnswer() {
        assertThatThrownBy(() -> WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws")).close())
                .as("plain ws://")
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                                                                    + "/api/batteries"))
                                                    .timeout(Duration.ofSeconds(10)).build(),
                                            HttpResponse.BodyHandlers.ofString()))
                .as("plain http://")
                .isInstanceOf(IOException.class);
        assertThat(service.isAlive()).isTrue();
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> get(defaultTrust, "/api/batteries"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("PKIX");
    }

    private static HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                                   .timeout(Duration.ofSeconds(10)).build(),
                           HttpResponse.BodyHandlers.ofString());
    }

    private static String log() throws Exception {
        return Files.readString(dir.resolve("service.log"));
    }
}

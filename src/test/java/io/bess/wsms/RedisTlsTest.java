package io.bess.wsms;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.Tool;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 3, point 5: TLS to Redis ({@code REDIS_SSL=true}) against a real TLS-only redis-server (Debian's 7.0 is built
 * with TLS; the embedded 6.2 binary is not). The service runs as its own process so that its trust store (a
 * throwaway self-signed certificate) is set the standard way, with {@code -Djavax.net.ssl.trustStore}.
 */
@RequiresTool({Tool.REDIS_7, Tool.OPENSSL})
class RedisTlsTest {
    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private int tlsPort;

    @BeforeEach
    void startTlsRedis() throws Exception {
        run(List.of(Tool.OPENSSL.path().toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"));
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert",
                    "-noprompt", "-alias", "redis", "-file", "cert.pem", "-keystore", "trust.p12",
                    "-storetype", "PKCS12", "-storepass", "changeit"));
        tlsPort = TestRedis.freePort();
        processes.add(new ProcessBuilder(Tool.REDIS_7.path().toString(), "--port", "0", "--tls-port",
                                         Integer.toString(tlsPort), "--bind", "127.0.0.1",
                                         "--tls-cert-file", "cert.pem", "--tls-key-file", "key.pem",
                                         "--tls-ca-cert-file", "cert.pem", "--tls-auth-clients", "no",
                                         "--save", "", "--appendonly", "no")
                              .directory(dir.toFile()).redirectErrorStream(true)
                              .redirectOutput(dir.resolve("redis.log").toFile()).start());
        await().atMost(Duration.ofSeconds(10)).until(() -> accepts(tlsPort));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes.reversed()) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void serviceReadsAndSubscribesOverTlsWhenRedisSslIsOn() throws Exception {
        int port = TestRedis.freePort();
        // the simulator writes through the same TLS settings: the client then sees live updates
        Process service = service(port, "true", true, Map.of("SIMULATOR", "on", "SIMULATOR_BATTERIES", "3"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !service.isAlive()
                || RawUpgrade.send(port, "/ws", Map.of()).status() == 101);
        assertThat(service.isAlive()).as(Files.readString(dir.resolve("service.log"))).isTrue();
        try (WsTestClient client = WsTestClient.connect(java.net.URI.create("ws://127.0.0.1:" + port + "/ws"))) {
            client.next();
            JsonObject update = client.awaitJson(j -> j.values().stream()
                    .anyMatch(v -> v.asJsonObject().containsKey("ws_timestamp")));
            assertThat(update.keySet()).hasSize(1);
            service.destroy();
            assertThat(client.awaitClose()).isEqualTo(1001);
        }
        assertThat(service.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).isZero();
        System.out.println("TLS: " + Files.readString(dir.resolve("service.log")).lines()
                .filter(l -> l.contains("Redis at")).findFirst().orElse(""));
    }

    @Test
    void plainConnectionToATlsRedisFailsTheStartWithOneClearSentence() throws Exception {
        Process service = service(TestRedis.freePort(), "false", true, Map.of());
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("service.log"));
        assertThat(service.exitValue()).as(log).isEqualTo(2);
        assertThat(log).contains("REDIS_SSL").doesNotContain("\tat ");
        System.out.println("REDIS_SSL=false against a TLS port: " + log.strip());
    }

    @Test
    void untrustedRedisCertificateFailsTheStartWithOneClearSentence() throws Exception {
        Process service = service(TestRedis.freePort(), "true", false, Map.of());
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("service.log"));
        assertThat(service.exitValue()).as(log).isEqualTo(2);
        assertThat(log).contains("REDIS_SSL").doesNotContain("\tat ");
        System.out.println("REDIS_SSL=true, certificate not trusted: " + log.strip());
    }

    private Process service(int port, String ssl, boolean trusted, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                                                               .toString()));
        if (trusted) {
            command.add("-Djavax.net.ssl.trustStore=" + dir.resolve("trust.p12"));
            command.add("-Djavax.net.ssl.trustStorePassword=changeit");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.bess.wsms.Main"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("WS_")
                || k.startsWith("SIMULATOR"));
        builder.environment().putAll(Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(tlsPort),
                                            "REDIS_SSL", ssl, "WS_HOST", "127.0.0.1", "WS_PORT",
                                            Integer.toString(port), "SIMULATOR", "off"));
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tool.log").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + Files.readString(dir.resolve("tool.log")))
                .isZero();
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

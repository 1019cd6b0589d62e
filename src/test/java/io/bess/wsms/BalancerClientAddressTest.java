package io.bess.wsms;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.bess.wsms.support.Haproxy;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.Tool;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.bess.wsms.support.LoopbackSockets.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, points 4 and 7, with the shipped {@code deploy/haproxy.cfg} unchanged: the balancer passes each client's
 * address (PROXY protocol v2), which the service believes because the balancer's address is in
 * {@code server.trusted-proxies}, so the per-address limit counts clients, not the balancer; and the balancer's own
 * log lines show the path without the query string that carries a browser's token.
 */
@RequiresTool(Tool.HAPROXY)
class BalancerClientAddressTest {
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    private static final InetAddress CLIENT = address("127.0.0.11");
    private static final InetAddress NEIGHBOUR = address("127.0.0.12");

    @TempDir
    Path dir;

    @Test
    void theBalancerPassesEachClientsAddressToTheLimitAndLogsNoQueryString() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Map<String, String> config = new HashMap<>(redis.settings());
            config.put("server.trusted-proxies", "127.0.0.1");
            config.put("ws.max-connections-per-ip", "1");
            config.put("ws.token", TOKEN);
            try (ServiceFixture service = ServiceFixture.start(config);
                 Haproxy haproxy = Haproxy.start(Tool.HAPROXY.path(), dir, service.port(), service.port())) {
                await("both server lines UP: the health checks pass with their PROXY header")
                        .atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> haproxy.servers().values().stream().allMatch(s -> s.status().equals("UP")));
                URI withToken = URI.create(haproxy.ws() + "?token=" + TOKEN);
                int port = haproxy.ws().getPort();

                try (WsTestClient client = WsTestClient.connect(HttpClient.newBuilder().localAddress(CLIENT).build(),
                                                                withToken)) {
                    assertThat(client.next()).isEqualTo("{}");
                    await().until(() -> service.service().connectionsFrom("127.0.0.11") == 1);

                    RawUpgrade second = RawUpgrade.send(CLIENT, port, new byte[0], "/ws?token=" + TOKEN, Map.of());
                    assertThat(second.status()).as("the client's second connection, through the balancer")
                            .isEqualTo(503);
                    assertThat(second.isJsonError("too_many_connections_from_address")).as(second.body()).isTrue();
                    assertThat(second.message()).contains("127.0.0.11");
                    assertThat(RawUpgrade.send(NEIGHBOUR, port, new byte[0], "/ws?token=" + TOKEN, Map.of())
                                       .status()).as("another client behind the same balancer").isEqualTo(101);
                }

                await("haproxy logged the WebSocket once it ended").atMost(Duration.ofSeconds(30))
                        .until(() -> haproxy.logText().lines().filter(l -> l.contains("\"GET /ws HTTP/1.1\""))
                                .anyMatch(l -> l.contains(" 101 ")));
                String log = haproxy.logText();
                System.out.println("haproxy log lines of this test:\n" + log.lines()
                        .filter(l -> l.contains("GET /ws")).reduce("", (a, b) -> a + b + "\n"));
                assertThat(log).contains("127.0.0.11:").contains(" 503 ").doesNotContain(TOKEN)
                        .doesNotContain("?token");
            }
        }
    }
}

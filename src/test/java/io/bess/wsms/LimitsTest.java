package io.bess.wsms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.Test;

import static io.bess.wsms.RedisOutageTest.assertIsUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 3, point 4: above {@code ws.max-connections} the upgrade gets 503 with the JSON error; others carry on. */
class LimitsTest {
    @Test
    void upgradeAboveMaxConnectionsIsRefusedWith503AndJsonWhileExistingClientsKeepReceiving() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Map<String, String> config = new HashMap<>(redis.settings());
            config.put("ws.max-connections", "3");
            List<WsTestClient> clients = new ArrayList<>();
            try (ServiceFixture service = ServiceFixture.start(config)) {
                for (int i = 0; i < 3; i++) {
                    clients.add(WsTestClient.connect(service.ws("")));
                    assertThat(clients.get(i).next()).isEqualTo("{}");
                }
                for (int attempt = 0; attempt < 5; attempt++) {
                    RawUpgrade refused = RawUpgrade.send(service.port(), "/ws", Map.of());
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.isJsonError("too_many_connections")).as(refused.body()).isTrue();
                    assertThat(refused.message()).contains("connection limit (3)");
                }
                assertThat(service.service().hub().size()).isEqualTo(3);

                redis.write(1, TestRedis.reading(System.currentTimeMillis(), 131));
                for (WsTestClient client : clients) {
                    assertIsUpdate(client.nextJson(), 1, 131);
                    assertThat(client.isClosed()).isFalse();
                }

                // a place frees up: the next client gets in
                clients.removeFirst().close();
                await().atMost(Duration.ofSeconds(10)).until(() -> service.service().hub().size() == 2);
                try (WsTestClient late = WsTestClient.connect(service.ws(""))) {
                    assertThat(late.nextJson().keySet()).containsExactly("battery:1:data");
                }
            } finally {
                clients.forEach(WsTestClient::close);
            }
        }
    }
}

package io.bess.wsms;

import java.time.Duration;
import java.util.Map;

import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Helidon counts only frames received from the client as activity, so a client that only listens (a dashboard,
 * Postman) would be dropped by the idle timeout. The server's pings make it answer. The timeout is shrunk here so
 * that "ten minutes" becomes a couple of seconds; the control case shows the test can fail.
 */
class ListenOnlyKeepaliveTest {
    /** Helidon's idle clock ticks once a second, so the timeout must be a few seconds to be exact enough. */
    private static final String IDLE_TIMEOUT = "PT4S";

    @Test
    void listenOnlyClientOutlivesTheIdleTimeoutAndKeepsReceiving() throws Exception {
        try (TestRedis redis = TestRedis.start();
             ServiceFixture service = ServiceFixture.start(settings(redis, "1s"));
             WsTestClient client = WsTestClient.connect(service.ws("batteries=1"))) {
            client.next();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int received = 0;
            for (int i = 1; System.nanoTime() < end; i++) {
                redis.write(1, TestRedis.reading(i, i));
                int expected = i;
                client.awaitJson(j -> j.getJsonObject("battery:1:data").getInt("voltage") == expected);
                received++;
                Thread.sleep(100);
            }
            assertThat(client.isClosed()).isFalse();
            assertThat(received).isGreaterThan(10);
        }
    }

    @Test
    void withoutServerPingsTheSameClientIsDroppedByTheIdleTimeout() throws Exception {
        try (TestRedis redis = TestRedis.start();
             ServiceFixture service = ServiceFixture.start(settings(redis, "1h"));
             WsTestClient client = WsTestClient.connect(service.ws("batteries=1"))) {
            client.next();
            await().atMost(Duration.ofSeconds(15)).until(client::isClosed);
        }
    }

    @Test
    void serverAnswersAClientPingWithAPong() throws Exception {
        try (TestRedis redis = TestRedis.start();
             ServiceFixture service = ServiceFixture.start(redis.settings());
             WsTestClient client = WsTestClient.connect(service.ws(""))) {
            client.next();
            client.pingAndAwaitPong();
        }
    }

    private static Map<String, String> settings(TestRedis redis, String pingInterval) {
        return Map.of("redis.host", "127.0.0.1", "redis.port", Integer.toString(redis.port()),
                      "ws.ping-interval", pingInterval,
                      "server.idle-connection-timeout", IDLE_TIMEOUT,
                      "server.idle-connection-period", "PT0.2S");
    }
}

package io.bess.wsms.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The fault proxy does what {@link io.bess.wsms.RedisFaultsTest} relies on, against a real Redis: each fault really
 * happens (else those tests would pass without testing anything), and clears as its documentation says.
 */
class FaultProxyTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private TestRedis redis;
    private FaultProxy proxy;

    @BeforeEach
    void start() {
        redis = TestRedis.start();
        proxy = FaultProxy.start("127.0.0.1", redis.port());
    }

    @AfterEach
    void stop() {
        proxy.close();
        redis.close();
    }

    @Test
    void latencyDelaysEveryChunkInBothDirectionsAndClearsForLiveConnections() {
        try (Jedis jedis = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            proxy.latency(Duration.ofMillis(200));
            long start = System.nanoTime();
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat((System.nanoTime() - start) / 1_000_000).as("a round trip: 200 ms each way")
                    .isGreaterThanOrEqualTo(390);
            proxy.clear();
            assertThat(jedis.set("k", "v")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v");
        }
    }

    @Test
    void stallForwardsNothingUntilClearedThenEverythingBufferedFlowsInOrder() throws IOException {
        try (Socket socket = connect()) {
            proxy.stall();
            send(socket, "SET a 1\r\nGET a\r\n");
            socket.setSoTimeout(1000);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.clear();
            socket.setSoTimeout(10_000);
            assertThat(read(socket.getInputStream(), "+OK\r\n$1\r\n1\r\n".length())).isEqualTo("+OK\r\n$1\r\n1\r\n");
        }
    }

    @Test
    void resetSendsAnRstToEveryLiveConnectionAndNewOnesWork() throws IOException {
        try (Socket socket = connect(); Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            send(socket, "PING\r\n");
            assertThat(read(socket.getInputStream(), 7)).isEqualTo("+PONG\r\n");
            await().atMost(PATIENCE).until(() -> clients(jedis) == 2);
            proxy.reset();
            assertThatThrownBy(() -> socket.getInputStream().read()).as("an RST, not a FIN (which reads -1)")
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            // Redis was reset too: it dropped its side
            await().atMost(PATIENCE).until(() -> clients(jedis) == 1);
            try (Jedis fresh = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                assertThat(fresh.ping()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void bandwidthLimitsEachDirectionToItsRate() {
        try (Jedis jedis = new Jedis("127.0.0.1", proxy.port(), 30_000)) {
            String value = "x".repeat(128 * 1024);
            proxy.bandwidth(64 * 1024);
            long start = System.nanoTime();
            jedis.set("big", value);
            long setMillis = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            assertThat(jedis.get("big")).isEqualTo(value);
            long getMillis = (System.nanoTime() - start) / 1_000_000;
            // 128 KB at 64 KB/s is 2 s, less the first burst (50 ms)
            assertThat(setMillis).as("128 KB to Redis").isGreaterThanOrEqualTo(1900);
            assertThat(getMillis).as("128 KB from Redis").isGreaterThanOrEqualTo(1900);
            proxy.clear();
            assertThat(jedis.get("big")).isEqualTo(value);
        }
    }

    @Test
    void halfOpenSwallowsLiveAndNewConnectionsWithoutFinOrRstAndOnlyLaterConnectionsWorkAfterItClears()
            throws IOException {
        try (Socket live = connect()) {
            send(live, "PING\r\n");
            assertThat(read(live.getInputStream(), 7)).isEqualTo("+PONG\r\n");
            proxy.halfOpen();
            try (Socket during = connect()) {
                send(live, "PING\r\n");
                send(during, "PING\r\n");
                assertSilent(live);
                assertSilent(during);
                assertThat(proxy.blackHoledConnections()).isEqualTo(2);

                proxy.clear();
                send(live, "PING\r\n");
                send(during, "PING\r\n");
                assertSilent(live);
                assertSilent(during);
                try (Jedis after = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                    assertThat(after.ping()).isEqualTo("PONG");
                }
            }
            // the service's side closed one: the proxy lets it go
            await().atMost(PATIENCE).until(() -> proxy.blackHoledConnections() == 1);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String resp) throws IOException {
        socket.getOutputStream().write(resp.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String read(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** Nothing arrives within a second: no answer, and neither a FIN (read -1) nor an RST (exception). */
    private static void assertSilent(Socket socket) throws IOException {
        socket.setSoTimeout(1000);
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        socket.setSoTimeout(10_000);
    }

    private static long clients(Jedis jedis) {
        return jedis.clientList().lines().count();
    }
}

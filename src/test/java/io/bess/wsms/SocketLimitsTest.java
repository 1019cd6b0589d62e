package io.bess.wsms;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.bess.wsms.observe.PrometheusText;
import io.bess.wsms.support.LoopbackSockets;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.bess.wsms.RedisOutageTest.assertIsUpdate;
import static io.bess.wsms.support.LoopbackSockets.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 4: limits at the socket. Connections that never finish their request head are closed after
 * {@code server.request-header-timeout} and cost nobody else anything meanwhile; {@code ws.max-connections-per-ip}
 * counts every TCP connection of an address, from its first moment to its end however it ends, and answers the one
 * past the limit with 503 while other addresses connect. Client addresses are distinct loopback addresses (Linux
 * routes all of 127/8 to the loopback interface).
 */
class SocketLimitsTest {
    private static final InetAddress CROWDED = address("127.0.0.2");
    private static final InetAddress OTHER = address("127.0.0.3");
    private static final InetAddress SECOND_CROWD = address("127.0.0.4");
    private static final InetAddress SMALL = address("127.0.0.5");
    /** The start of an upgrade request whose blank line never comes. */
    private static final byte[] UNFINISHED = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final int HANGING_PER_ADDRESS = 1000;

    @Test
    void whileTwoThousandRequestsHangAClientGetsItsSnapshotAtOnceThe1001stOfAnAddressGets503AndTheHangingAreClosed()
            throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            redis.write(1, TestRedis.reading(System.currentTimeMillis(), 131));
            Map<String, String> config = new HashMap<>(redis.settings());
            config.put("ws.max-connections-per-ip", Integer.toString(HANGING_PER_ADDRESS));
            List<Socket> hanging = new ArrayList<>();
            try (ServiceFixture service = ServiceFixture.start(config)) {
                HttpClient fromOther = HttpClient.newBuilder().localAddress(OTHER).build();
                // both ends warm: the figure below is about the hanging connections, not a cold JVM
                try (WsTestClient warm = WsTestClient.connect(fromOther, service.ws(""))) {
                    assertThat(warm.nextJson().keySet()).containsExactly("battery:1:data");
                }

                // half of them send part of a request, half send nothing at all: both kinds hang and both count
                long firstOpened = System.nanoTime();
                for (int i = 0; i < HANGING_PER_ADDRESS; i++) {
                    byte[] bytes = i % 2 == 0 ? UNFINISHED : new byte[0];
                    hanging.add(LoopbackSockets.open(CROWDED, service.port(), bytes));
                    hanging.add(LoopbackSockets.open(SECOND_CROWD, service.port(), bytes));
                }
                await("every hanging connection counted").atMost(Duration.ofSeconds(10))
                        .until(() -> service.service().connectionsFrom("127.0.0.2") == HANGING_PER_ADDRESS
                                && service.service().connectionsFrom("127.0.0.4") == HANGING_PER_ADDRESS);

                long start = System.nanoTime();
                try (WsTestClient normal = WsTestClient.connect(fromOther, service.ws(""))) {
                    JsonObject snapshot = normal.nextJson();
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(snapshot.keySet()).containsExactly("battery:1:data");
                    assertThat(took).as("upgrade to snapshot while 2,000 requests hang").isLessThan(Duration.ofSeconds(1));

                    RawUpgrade refused = RawUpgrade.send(CROWDED, service.port(), new byte[0], "/ws", Map.of());
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.isJsonError("too_many_connections_from_address")).as(refused.body()).isTrue();
                    assertThat(refused.message()).contains("127.0.0.2").contains("at most 1000");
                    assertThat(RawUpgrade.send(OTHER, service.port(), new byte[0], "/ws", Map.of()).status())
                            .as("another address still connects").isEqualTo(101);

                    Duration sinceFirst = Duration.ofNanos(System.nanoTime() - firstOpened);
                    await("hanging connections closed within 20 s of opening")
                            .atMost(Duration.ofSeconds(20).minus(sinceFirst))
                            .until(() -> service.service().connectionsFrom("127.0.0.2") == 0
                                    && service.service().connectionsFrom("127.0.0.4") == 0);
                    System.out.println("2,000 hanging requests: snapshot " + took.toMillis() + " ms after the upgrade"
                            + " began; all closed " + Duration.ofNanos(System.nanoTime() - firstOpened).toMillis()
                            + " ms after the first opened");
                    for (Socket socket : hanging) {
                        socket.setSoTimeout(2000);
                        assertThat(LoopbackSockets.endedByServer(socket)).as("closed by the server").isTrue();
                    }
                    PrometheusText metrics = PrometheusText.scrape(service);
                    assertThat(metrics.value("wsms_upgrades_refused_total", Map.of("reason", "request_header_timeout")))
                            .isEqualTo(2 * HANGING_PER_ADDRESS);
                    assertThat(metrics.value("wsms_upgrades_refused_total",
                                             Map.of("reason", "too_many_connections_from_address"))).isEqualTo(1);

                    // the normal client has sent nothing for longer than the header timeout: an open WebSocket
                    // is not subject to it
                    redis.write(1, TestRedis.reading(System.currentTimeMillis(), 132));
                    assertIsUpdate(normal.awaitJson(frame -> frame.getJsonObject("battery:1:data")
                            .getInt("voltage") == 132), 1, 132);
                }
            } finally {
                for (Socket socket : hanging) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void theDeadlineIsForTheWholeHeadAndForEachKeptAliveRequestButNeverForAnOpenWebSocket() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Map<String, String> config = new HashMap<>(redis.settings());
            config.put("server.request-header-timeout", "1s");
            try (ServiceFixture service = ServiceFixture.start(config);
                 WsTestClient listener = WsTestClient.connect(service.ws(""));
                 Socket slow = LoopbackSockets.open(OTHER, service.port(), "GET /ws HTTP/1.1\r\n".getBytes(
                         StandardCharsets.US_ASCII));
                 Socket keptAlive = LoopbackSockets.open(OTHER, service.port(), new byte[0]);
                 Socket silent = LoopbackSockets.open(OTHER, service.port(), new byte[0])) {
                assertThat(listener.next()).isEqualTo("{}");
                long opened = System.nanoTime();
                // each poll below waits briefly for the end of the stream
                slow.setSoTimeout(300);
                silent.setSoTimeout(300);

                // a byte every 100 ms: no single read ever waits long, yet the head is never complete
                AtomicInteger trickled = new AtomicInteger();
                CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = slow.getOutputStream();
                        while (true) {
                            out.write('a');
                            out.flush();
                            trickled.incrementAndGet();
                            Thread.sleep(100);
                        }
                    } catch (IOException e) {
                        // the server closed it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });

                // two requests on one kept-alive connection, both answered; then it waits, and is closed
                for (int i = 0; i < 2; i++) {
                    keptAlive.getOutputStream().write("GET /observe/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                                                             .getBytes(StandardCharsets.US_ASCII));
                    assertThat(LoopbackSockets.readResponse(keptAlive.getInputStream())).startsWith("HTTP/1.1 200");
                }
                keptAlive.setSoTimeout(300);

                await("the trickling head is cut off").atMost(Duration.ofSeconds(5)).until(
                        () -> LoopbackSockets.endedByServer(slow));
                assertThat(trickled.get()).as("bytes trickled in before the deadline").isGreaterThan(3);
                trickle.join();
                await("an idle kept-alive connection is closed").atMost(Duration.ofSeconds(5)).until(
                        () -> LoopbackSockets.endedByServer(keptAlive));
                await("a silent connection is closed").atMost(Duration.ofSeconds(5)).until(
                        () -> LoopbackSockets.endedByServer(silent));
                await().until(() -> service.service().connectionsFrom("127.0.0.3") == 0);

                // the WebSocket has been silent for longer than the timeout and still gets its updates
                assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThan(Duration.ofSeconds(1));
                redis.write(1, TestRedis.reading(System.currentTimeMillis(), 77));
                assertIsUpdate(listener.nextJson(), 1, 77);
            }
        }
    }

    @Test
    void anAddressCountsEveryConnectionUntilItEndsHoweverItEnds() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Map<String, String> config = new HashMap<>(redis.settings());
            config.put("ws.max-connections-per-ip", "2");
            try (ServiceFixture service = ServiceFixture.start(config)) {
                HttpClient fromSmall = HttpClient.newBuilder().localAddress(SMALL).build();
                WsTestClient webSocket = WsTestClient.connect(fromSmall, service.ws(""));
                Socket raw = LoopbackSockets.open(SMALL, service.port(), new byte[0]);
                assertThat(webSocket.next()).isEqualTo("{}");
                await().until(() -> service.service().connectionsFrom("127.0.0.5") == 2);
                assertThat(RawUpgrade.send(SMALL, service.port(), new byte[0], "/ws", Map.of()).status())
                        .as("a raw connection that sent nothing holds a place").isEqualTo(503);

                // reset without a FIN: the place is free again
                raw.setSoLinger(true, 0);
                raw.close();
                await().until(() -> service.service().connectionsFrom("127.0.0.5") == 1);
                LoopbackSockets.Held upgraded = LoopbackSockets.upgrade(SMALL, service.port(), new byte[0], Map.of());
                assertThat(upgraded.status()).isEqualTo(101);
                await().until(() -> service.service().connectionsFrom("127.0.0.5") == 2);
                assertThat(RawUpgrade.send(SMALL, service.port(), new byte[0], "/ws", Map.of()).status())
                        .isEqualTo(503);

                // an upgraded connection dropped with a reset, and one closed with a close frame
                upgraded.socket().setSoLinger(true, 0);
                upgraded.close();
                webSocket.close();
                await().until(() -> service.service().connectionsFrom("127.0.0.5") == 0);
                try (RawWsClient again = RawWsClient.connect(service.port(), "/ws", 0)) {
                    assertThat(again.status()).as("127.0.0.1 was never limited").isEqualTo(101);
                }
                try (WsTestClient back = WsTestClient.connect(fromSmall, service.ws(""))) {
                    assertThat(back.next()).isEqualTo("{}");
                }
            }
        }
    }
}

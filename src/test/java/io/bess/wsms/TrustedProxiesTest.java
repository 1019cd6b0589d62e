package io.bess.wsms;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;

import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.LoopbackSockets;
import io.bess.wsms.support.LoopbackSockets.Held;
import io.bess.wsms.support.RawUpgrade;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.bess.wsms.support.LoopbackSockets.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 4: behind a load balancer the client's address comes from the PROXY protocol (v1 or v2) or
 * X-Forwarded-For, and only from a peer listed in {@code server.trusted-proxies}; the per-address limit (1 here)
 * then counts that address. From any other peer a PROXY header is refused and X-Forwarded-For ignored.
 */
class TrustedProxiesTest {
    private static final InetAddress BALANCER = address("127.0.0.6");
    private static final InetAddress STRANGER = address("127.0.0.7");
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] NONE = new byte[0];

    @RegisterExtension
    static final LiveService LIVE = new LiveService(Map.of("server.trusted-proxies", "127.0.0.6/32, 10.0.0.0/8",
                                                           "ws.max-connections-per-ip", "1"));

    @Test
    void aProxyV1HeaderFromATrustedPeerNamesTheClientThatTheLimitCounts() throws Exception {
        try (Held first = LoopbackSockets.upgrade(BALANCER, port(), v1("TCP4 203.0.113.7 127.0.0.1 40001 8001"),
                                                  Map.of());
             Held other = LoopbackSockets.upgrade(BALANCER, port(), v1("TCP4 203.0.113.8 127.0.0.1 40002 8001"),
                                                  Map.of());
             Held six = LoopbackSockets.upgrade(BALANCER, port(), v1("TCP6 2001:db8::1 ::1 40003 8001"), Map.of())) {
            assertThat(first.status()).isEqualTo(101);
            assertThat(other.status()).as("another client behind the same balancer").isEqualTo(101);
            assertThat(six.status()).isEqualTo(101);
            await().until(() -> connectionsFrom("203.0.113.7") == 1 && connectionsFrom("203.0.113.8") == 1
                    && connectionsFrom("2001:db8:0:0:0:0:0:1") == 1);
            await("the balancer itself is not counted").until(() -> connectionsFrom("127.0.0.6") == 0);

            RawUpgrade second = RawUpgrade.send(BALANCER, port(), v1("TCP4 203.0.113.7 127.0.0.1 40004 8001"), "/ws",
                                                Map.of());
            assertThat(second.status()).isEqualTo(503);
            assertThat(second.isJsonError("too_many_connections_from_address")).isTrue();
            assertThat(second.message()).contains("203.0.113.7");
        }
        await().until(() -> connectionsFrom("203.0.113.7") == 0);
    }

    @Test
    void aProxyV2HeaderFromATrustedPeerNamesTheClientAndItsLocalCommandStandsForThePeer() throws Exception {
        try (Held client = LoopbackSockets.upgrade(BALANCER, port(), v2(address("198.51.100.20")), Map.of());
             Held healthCheck = LoopbackSockets.upgrade(BALANCER, port(), v2Local(), Map.of())) {
            assertThat(client.status()).isEqualTo(101);
            assertThat(healthCheck.status()).isEqualTo(101);
            await().until(() -> connectionsFrom("198.51.100.20") == 1 && connectionsFrom("127.0.0.6") == 1);
            assertThat(RawUpgrade.send(BALANCER, port(), v2(address("198.51.100.20")), "/ws", Map.of()).status())
                    .isEqualTo(503);
        }
    }

    @Test
    void xForwardedForFromATrustedPeerNamesTheNearestAddressThatIsNotATrustedProxy() throws Exception {
        // the left entry is whatever the client claimed; the balancer appended the address it really saw
        try (Held client = LoopbackSockets.upgrade(BALANCER, port(), NONE,
                                                   Map.of("X-Forwarded-For", "192.0.2.66, 198.51.100.77"));
             Held chained = LoopbackSockets.upgrade(BALANCER, port(), NONE,
                                                    Map.of("X-Forwarded-For", "198.51.100.78, 10.1.2.3"))) {
            assertThat(client.status()).isEqualTo(101);
            assertThat(chained.status()).isEqualTo(101);
            await().until(() -> connectionsFrom("198.51.100.77") == 1 && connectionsFrom("198.51.100.78") == 1);
            assertThat(connectionsFrom("192.0.2.66")).as("a claim of the client's is not believed").isZero();
            assertThat(connectionsFrom("10.1.2.3")).as("a trusted proxy in the chain is skipped").isZero();

            RawUpgrade second = RawUpgrade.send(BALANCER, port(), NONE, "/ws",
                                                Map.of("X-Forwarded-For", "198.51.100.77"));
            assertThat(second.status()).isEqualTo(503);
            assertThat(second.message()).contains("198.51.100.77");
        }
    }

    @Test
    void fromAnUntrustedPeerAProxyHeaderIsRefusedAndXForwardedForIsNotBelieved() throws Exception {
        try (LogCapture log = LogCapture.of("io.bess.wsms.web", Level.WARNING)) {
            RawUpgrade v1 = RawUpgrade.send(STRANGER, port(), v1("TCP4 203.0.113.50 127.0.0.1 40005 8001"), "/ws",
                                            Map.of());
            assertThat(v1.status()).isEqualTo(400);
            assertThat(v1.isJsonError("proxy_header_not_trusted")).as(v1.body()).isTrue();
            RawUpgrade v2 = RawUpgrade.send(STRANGER, port(), v2(address("203.0.113.50")), "/ws", Map.of());
            assertThat(v2.status()).isEqualTo(400);
            assertThat(v2.isJsonError("proxy_header_not_trusted")).as(v2.body()).isTrue();
            assertThat(connectionsFrom("203.0.113.50")).isZero();
            // one line names the peer and the setting, however many headers it sends
            assertThat(log.count(Level.WARNING, "127.0.0.7")).isEqualTo(1);
            assertThat(log.text()).contains("server.trusted-proxies");
        }
        await().until(() -> connectionsFrom("127.0.0.7") == 0);

        try (Held held = LoopbackSockets.upgrade(STRANGER, port(), NONE,
                                                 Map.of("X-Forwarded-For", "203.0.113.99",
                                                        "X-Wsms-Client-Address", "203.0.113.98"))) {
            assertThat(held.status()).isEqualTo(101);
            await().until(() -> connectionsFrom("127.0.0.7") == 1);
            assertThat(connectionsFrom("203.0.113.99")).isZero();
            assertThat(connectionsFrom("203.0.113.98")).as("the service's own header cannot be sent in").isZero();
            RawUpgrade second = RawUpgrade.send(STRANGER, port(), NONE, "/ws",
                                                Map.of("X-Forwarded-For", "203.0.113.100"));
            assertThat(second.status()).as("counted as 127.0.0.7 whatever it claims").isEqualTo(503);
            assertThat(second.message()).contains("127.0.0.7");
        }
    }

    @Test
    void aMalformedProxyHeaderFromATrustedPeerGets400() throws Exception {
        RawUpgrade v1 = RawUpgrade.send(BALANCER, port(), v1("TCP4 not-an-address 127.0.0.1 1 2"), "/ws", Map.of());
        assertThat(v1.status()).isEqualTo(400);
        assertThat(v1.isJsonError("bad_proxy_header")).as(v1.body()).isTrue();
        byte[] version3 = v2Local();
        version3[12] = 0x30;
        RawUpgrade v2 = RawUpgrade.send(BALANCER, port(), version3, "/ws", Map.of());
        assertThat(v2.status()).isEqualTo(400);
        assertThat(v2.isJsonError("bad_proxy_header")).as(v2.body()).isTrue();
    }

    private static int port() {
        return LIVE.service().port();
    }

    private static int connectionsFrom(String address) {
        return LIVE.service().service().connectionsFrom(address);
    }

    private static byte[] v1(String fields) {
        return ("PROXY " + fields + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A version 2 PROXY command for a TCP over IPv4 connection from {@code source}. */
    private static byte[] v2(InetAddress source) {
        ByteBuffer header = ByteBuffer.allocate(16 + 12);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        header.put(source.getAddress()).put(new byte[] {127, 0, 0, 1}).putShort((short) 40010).putShort((short) 8001);
        return header.array();
    }

    /** A version 2 LOCAL command: the balancer speaking for itself, as in its health checks. */
    private static byte[] v2Local() {
        ByteBuffer header = ByteBuffer.allocate(16);
        header.put(V2_SIGNATURE).put((byte) 0x20).put((byte) 0x00).putShort((short) 0);
        return header.array();
    }
}

package io.bess.wsms.web;

import java.net.InetAddress;
import java.util.List;

import io.bess.wsms.config.AddressRange;
import io.bess.wsms.config.TrustedProxies;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** X-Forwarded-For from a trusted peer: read from the right, trusted hops skipped, client claims not believed. */
class ClientAddressTest {
    private static final InetAddress PEER = ip("10.0.0.2");
    private static final TrustedProxies TRUSTED = new TrustedProxies(List.of(new AddressRange(ip("10.0.0.0"), 8)));

    @Test
    void theNearestUntrustedHopIsTheClient() {
        assertThat(client()).as("no header: the peer").isEqualTo("10.0.0.2");
        assertThat(client("203.0.113.5")).isEqualTo("203.0.113.5");
        assertThat(client("198.51.100.1, 203.0.113.5")).as("the left one is the client's own claim")
                .isEqualTo("203.0.113.5");
        assertThat(client("203.0.113.5, 10.0.0.9")).as("a trusted hop is skipped").isEqualTo("203.0.113.5");
        assertThat(client("198.51.100.1", "203.0.113.5,10.0.0.9")).as("several header lines are one list")
                .isEqualTo("203.0.113.5");
        assertThat(client("10.0.0.7, 10.0.0.9")).as("all trusted: the farthest").isEqualTo("10.0.0.7");
    }

    @Test
    void portsAndBracketsAreAcceptedAndGarbageStopsTheWalk() {
        assertThat(client("203.0.113.5:4711")).isEqualTo("203.0.113.5");
        assertThat(client("[2001:db8::5]:4711")).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(client("2001:db8::5")).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(client("unknown")).as("nothing usable: the peer").isEqualTo("10.0.0.2");
        assertThat(client("203.0.113.5, garbage, 10.0.0.9")).as("no further than the garbage")
                .isEqualTo("10.0.0.9");
        assertThat(client("evil.example.com")).as("never a DNS lookup").isEqualTo("10.0.0.2");
    }

    @Test
    void theResolvedAddressIsReadFromTheRequestHeadersAndUnknownWithoutOne() {
        WritableHeaders<?> headers = WritableHeaders.create();
        assertThat(ClientAddress.of(headers)).isEqualTo(ClientAddress.UNKNOWN);
        headers.set(ClientAddress.HEADER, "203.0.113.5");
        assertThat(ClientAddress.of(headers)).isEqualTo("203.0.113.5");
    }

    private static String client(String... lines) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (String line : lines) {
            headers.add(HeaderNames.X_FORWARDED_FOR, line);
        }
        return ClientAddress.forwardedFor(headers, PEER, TRUSTED).getHostAddress();
    }

    private static InetAddress ip(String literal) {
        return AddressRange.literal(literal).orElseThrow();
    }
}

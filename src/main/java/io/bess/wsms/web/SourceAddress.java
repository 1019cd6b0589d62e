package io.bess.wsms.web;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Headers;

/**
 * The client address the audit trail records as {@code source.ip}. Today the TCP peer's address; the request
 * headers are passed so that, once the service knows its trusted proxies ({@code server.trusted-proxies}), this one
 * method can hand over to the client-address resolver that honours {@code Forwarded} / {@code X-Forwarded-For}
 * from those proxies only.
 */
final class SourceAddress {
    private SourceAddress() {
    }

    /**
     * The client's address.
     *
     * @param peer    the TCP peer
     * @param headers the request's headers (unused until trusted proxies exist)
     * @return the IP address as text, {@code unknown} when the peer has none
     */
    static String of(PeerInfo peer, Headers headers) {
        SocketAddress address = peer.address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "unknown";
    }
}

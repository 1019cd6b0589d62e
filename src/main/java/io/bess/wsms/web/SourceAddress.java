package io.bess.wsms.web;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Headers;

/**
 * The client address the audit trail records as {@code source.ip}: the one {@link ClientAddress} worked out for the
 * request (the PROXY protocol's or {@code X-Forwarded-For}'s client when the peer is a trusted proxy), else the TCP
 * peer's address.
 */
final class SourceAddress {
    private SourceAddress() {
    }

    /**
     * The client's address.
     *
     * @param peer    the TCP peer
     * @param headers the request's headers, which carry the address the socket guard resolved
     * @return the IP address as text, {@code unknown} when there is none
     */
    static String of(PeerInfo peer, Headers headers) {
        String resolved = ClientAddress.of(headers);
        if (!ClientAddress.UNKNOWN.equals(resolved)) {
            return resolved;
        }
        SocketAddress address = peer.address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return ClientAddress.UNKNOWN;
    }
}

package io.bess.wsms.web;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.bess.wsms.config.AddressRange;
import io.bess.wsms.config.TrustedProxies;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who the client is, in one place. The client is the TCP peer, unless that peer is a trusted proxy
 * ({@code server.trusted-proxies}); then it is the address the proxy passed on: the PROXY protocol header's source,
 * else the nearest untrusted address in {@code X-Forwarded-For}, else the proxy itself. {@link SocketGuard} works it
 * out once per request, before any filter, route or WebSocket listener sees the request, and stores it in the
 * request's headers under {@link #HEADER} (whatever a client sends under that name is replaced, never believed), so
 * that every part of {@code web/} reads the same answer with {@link #of(Headers)}: the per-address connection limit,
 * and log or audit lines ({@code source.ip}).
 */
public final class ClientAddress {
    /** The request header that carries the resolved address inside the service. */
    public static final HeaderName HEADER = HeaderNames.create("X-Wsms-Client-Address");
    /** What {@link #of(Headers)} answers for a request that did not come through the service's listener. */
    public static final String UNKNOWN = "unknown";

    private ClientAddress() {
    }

    /**
     * The client's address of a request, as resolved at the socket.
     *
     * @param headers the request's headers ({@code ServerRequest.headers()}, or the headers a
     *                {@code WsListener.onHttpUpgrade} gets)
     * @return the IP address in Java's textual form ({@code 203.0.113.9}, {@code 0:0:0:0:0:0:0:1}); {@link #UNKNOWN}
     *         only for a request that did not pass the service's listener (a test's own server)
     */
    public static String of(Headers headers) {
        return headers.first(HEADER).orElse(UNKNOWN);
    }

    /**
     * The client's address of a request, as resolved at the socket.
     *
     * @param request the request
     * @return the address, see {@link #of(Headers)}
     */
    public static String of(ServerRequest request) {
        return of(request.headers());
    }

    /**
     * The client named by {@code X-Forwarded-For} as a trusted peer sent it: proxies append the address they got
     * the request from, so the list is read from the right, skipping trusted proxies, and the first address that is
     * not one is the client. Entries to the left of it were written by the client itself and are not believed.
     *
     * @param headers request headers (every {@code X-Forwarded-For} line, in order)
     * @param peer    the trusted TCP peer that sent them
     * @param trusted the trusted proxies
     * @return the client's address; the peer when there is no usable entry
     */
    static InetAddress forwardedFor(Headers headers, InetAddress peer, TrustedProxies trusted) {
        if (!headers.contains(HeaderNames.X_FORWARDED_FOR)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String line : headers.get(HeaderNames.X_FORWARDED_FOR).allValues()) {
            for (String hop : line.split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = hopAddress(hops.get(i));
            if (hop.isEmpty()) {
                // garbage (or "unknown"): whoever wrote it cannot be asked further; keep the last address known
                break;
            }
            client = hop.get();
            if (!trusted.trusts(client)) {
                break;
            }
        }
        return client;
    }

    /** One X-Forwarded-For entry: an address, possibly with a port ({@code 1.2.3.4:5678}, {@code [::1]:5678}). */
    private static Optional<InetAddress> hopAddress(String hop) {
        String text = hop;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            text = end < 0 ? "" : text.substring(1, end);
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
            text = text.substring(0, text.indexOf(':'));
        }
        return AddressRange.literal(text);
    }
}

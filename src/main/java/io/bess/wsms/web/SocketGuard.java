package io.bess.wsms.web;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.bess.wsms.config.ServerSettings;
import io.bess.wsms.config.TrustedProxies;
import io.bess.wsms.config.WsSettings;
import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.timer.Periodic;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.Http1ConnectionSelectorConfig;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * The limits at the socket, below HTTP: who the client is behind a trusted proxy (PROXY protocol or
 * X-Forwarded-For, see {@link ClientAddress}), how many TCP connections one client address may hold
 * ({@code ws.max-connections-per-ip}; past it a 503 with the JSON error), and how long a connection may take to send
 * a request's line and headers ({@code server.request-header-timeout}; past it the connection is closed). The
 * timeout holds from the connection's first moment, and again while a kept-alive connection waits for its next
 * request, but never after a WebSocket upgrade (a dashboard that only listens sends nothing for hours) nor while a
 * response streams.
 *
 * <p>It is the listener's only connection selector, wrapped around Helidon's HTTP/1 one, so every accepted
 * connection reaches it before a byte is read (with a second selector Helidon would read to choose between them).
 * Helidon 4.5's own listener options do not cover this: {@code enable-proxy-protocol} demands the header from every
 * peer and believes any, {@code requested-uri-discovery} names the requested URI rather than the client,
 * {@code max-tcp-connections} is one total that queues connections instead of answering them, and
 * {@code connection-options.read-timeout} applies to client sockets only.
 */
public final class SocketGuard implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(SocketGuard.class.getName());
    /** At most one warning per this long about PROXY headers from an untrusted peer (one comes per connection). */
    private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

    private final Duration headerTimeout;
    private final int maxPerAddress;
    private final TrustedProxies trusted;
    private final UpgradeGate.RefusalCounter refusals;
    private final AddressCounts counts = new AddressCounts();
    /** Connections with a deadline: not yet upgraded, not yet ended. */
    private final Set<GuardedConnection> watched = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL.toNanos());
    private final Housekeeping housekeeping;
    private final Periodic sweeper;

    /**
     * Creates the guard and starts its timer.
     *
     * @param server       the request-header timeout and the trusted proxies
     * @param ws           the per-address limit
     * @param refusals     counts refused and timed-out connections, by reason
     * @param housekeeping runs the timer that closes late connections
     */
    public SocketGuard(ServerSettings server, WsSettings ws, UpgradeGate.RefusalCounter refusals,
                       Housekeeping housekeeping) {
        this.headerTimeout = server.requestHeaderTimeout();
        this.maxPerAddress = ws.maxConnectionsPerIp();
        this.trusted = server.trustedProxies();
        this.refusals = refusals;
        // a tenth of the timeout: a connection is closed at most 10 % late, at least 20 and at most 1 s apart
        Duration period = headerTimeout.dividedBy(10);
        period = period.compareTo(Duration.ofMillis(20)) < 0 ? Duration.ofMillis(20)
                : period.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : period;
        this.housekeeping = housekeeping;
        this.sweeper = housekeeping.every("socket-guard", period, this::sweep);
    }

    /**
     * The listener's connection selector: Helidon's HTTP/1, guarded.
     *
     * @param http1     HTTP/1 settings; the guard adds the listener that tells it when a request head is complete
     * @param upgraders protocol upgrades offered (WebSocket)
     * @return the selector, to be the listener's only one
     */
    public ServerConnectionSelector selector(Http1Config.Builder http1, List<Http1Upgrader> upgraders) {
        Http1ConnectionSelectorConfig.Builder builder = Http1ConnectionSelector.builder()
                .config(http1.addReceiveListener(new HeadListener()).build());
        upgraders.forEach(upgrader -> builder.addUpgrader(new MarkingUpgrader(upgrader)));
        return new GuardedSelector(builder.build());
    }

    /**
     * TCP connections a client address holds now.
     *
     * @param address the address, as {@link ClientAddress#of} gives it
     * @return its open connections
     */
    public int connectionsFrom(String address) {
        return counts.count(address);
    }

    /** Stops the timer and closes every connection still waiting for a request head (the server is stopping). */
    @Override
    public void close() {
        housekeeping.stop(sweeper);
        watched.forEach(c -> c.close(true));
    }

    Duration headerTimeout() {
        return headerTimeout;
    }

    int maxPerAddress() {
        return maxPerAddress;
    }

    TrustedProxies trusted() {
        return trusted;
    }

    AddressCounts counts() {
        return counts;
    }

    boolean overLimit(int rank) {
        return maxPerAddress > 0 && rank > maxPerAddress;
    }

    /** A connection refused at the socket, before its request named an endpoint (transport {@code tcp}). */
    void refused(String reason) {
        refusals.refused(reason, "tcp");
    }

    void watch(GuardedConnection connection) {
        watched.add(connection);
    }

    /** Whether the connection was still watched: the one caller that gets true acts on its end. */
    boolean forget(GuardedConnection connection) {
        return watched.remove(connection);
    }

    /** A PROXY header from a peer not in the trusted proxies: almost always a balancer missing from the list. */
    void untrustedProxyHeader(InetAddress peer) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARNING_INTERVAL.toNanos() && lastWarning.compareAndSet(last, now)) {
            LOGGER.log(Level.WARNING, "A PROXY protocol header from " + peer.getHostAddress() + ", which is not in"
                    + " server.trusted-proxies (WS_TRUSTED_PROXIES), was refused with 400; if it is your load"
                    + " balancer, add its address (at most one such line a minute)");
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (GuardedConnection connection : watched) {
            connection.sweep(now);
        }
    }

    /** Helidon's HTTP/1 selector, each connection wrapped in its guard. */
    private final class GuardedSelector implements ServerConnectionSelector {
        private final ServerConnectionSelector http;

        GuardedSelector(ServerConnectionSelector http) {
            this.http = http;
        }

        @Override
        public int bytesToIdentifyConnection() {
            return http.bytesToIdentifyConnection();
        }

        @Override
        public Support supports(BufferData request) {
            return http.supports(request);
        }

        @Override
        public Set<String> supportedApplicationProtocols() {
            return http.supportedApplicationProtocols();
        }

        @Override
        public ServerConnection connection(ConnectionContext ctx) {
            return new GuardedConnection(ctx, SocketGuard.this, http);
        }
    }

    /** Tells a connection's guard that its request head is complete, before Helidon acts on the request. */
    private static final class HeadListener implements Http1ConnectionListener {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            // the head is complete only with its headers
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            // Helidon passes the request's own writable headers here (Http1Connection, 4.5.0)
            if (ctx instanceof GuardedContext guarded && headers instanceof WritableHeaders<?> writable) {
                guarded.guard().headRead(writable);
            }
        }
    }

    /** An upgrader that tells the connection's guard when the upgrade happened. */
    private record MarkingUpgrader(Http1Upgrader upgrader) implements Http1Upgrader {
        @Override
        public String supportedProtocol() {
            return upgrader.supportedProtocol();
        }

        @Override
        public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
            ServerConnection upgraded = upgrader.upgrade(ctx, prologue, headers);
            if (upgraded != null && ctx instanceof GuardedContext guarded) {
                guarded.guard().upgraded();
            }
            return upgraded;
        }
    }
}

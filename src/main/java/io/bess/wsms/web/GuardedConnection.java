package io.bess.wsms.web;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.bess.wsms.hub.FrameEncoder;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.SocketWriterException;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * One TCP connection as {@link SocketGuard} sees it, around Helidon's HTTP/1 connection: it reads a trusted proxy's
 * PROXY header, works out who the client is, counts the connection against that address from its first moment to
 * its end (however it ends), and holds the deadline by which the request head must be complete. Everything here
 * runs on the connection's own reader thread, except {@link #sweep}, which the guard's timer calls.
 */
final class GuardedConnection implements ServerConnection, InterruptableTask<Void> {
    /** How long a connection over its address's limit may take to send the request head that gets its 503. */
    private static final Duration OVER_LIMIT_GRACE = Duration.ofSeconds(2);

    private final ConnectionContext ctx;
    private final SocketGuard guard;
    private final ServerConnection http;
    private final InetAddress peer;
    private final boolean peerTrusted;
    private final AtomicReference<Phase> phase = new AtomicReference<>(new InRequest(0));
    /** True until Helidon's HTTP connection runs: this connection is reading its first bytes itself. */
    private volatile boolean admitting = true;
    private volatile boolean upgraded;
    private int requests;
    /** The client a trusted proxy named in a PROXY header; null when no header came. */
    private InetAddress proxied;
    /** The address this connection is counted under; null while not counted. */
    private String countedAs;
    /** Whether it came past its address's limit; only this connection's thread uses it (volatile for SpotBugs). */
    private volatile boolean overLimit;

    /** Where a connection is: waiting for a request head (with its deadline), or past one. */
    private sealed interface Phase {
    }

    /** The request line and headers must be complete by then ({@link System#nanoTime()}). */
    private record Awaiting(long deadlineNanos) implements Phase {
    }

    /** The head of request {@code number} has been read; a new instance per request, compared by identity. */
    private record InRequest(int number) implements Phase {
    }

    GuardedConnection(ConnectionContext ctx, SocketGuard guard, ServerConnectionSelector httpSelector) {
        this.ctx = ctx;
        this.guard = guard;
        this.peer = ctx.remotePeer().address() instanceof InetSocketAddress inet
                ? inet.getAddress() : InetAddress.getLoopbackAddress();
        this.peerTrusted = guard.trusted().trusts(peer);
        // Helidon's connection only keeps the context: the wrapper lets its listener and upgraders find this guard
        this.http = httpSelector.connection(new GuardedContext(ctx, this));
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        phase.set(new Awaiting(System.nanoTime() + guard.headerTimeout().toNanos()));
        guard.watch(this);
        try {
            if (admitted()) {
                admitting = false;
                http.handle(limit);
            }
        } finally {
            admitting = false;
            guard.forget(this);
            if (countedAs != null) {
                guard.counts().remove(countedAs);
            }
        }
    }

    /**
     * Reads what comes before HTTP: from a trusted proxy an optional PROXY header, which names the client at once;
     * from anyone else nothing but a look at the first byte, to refuse a PROXY header clearly instead of as bad
     * HTTP. A direct client is counted before that first byte arrives: a connection that never sends one counts.
     */
    private boolean admitted() {
        DataReader reader = ctx.dataReader();
        try {
            if (!peerTrusted) {
                count(peer);
                if (ProxyHeader.follows(reader)) {
                    guard.untrustedProxyHeader(peer);
                    refuse(Status.BAD_REQUEST_400, "proxy_header_not_trusted", "A PROXY protocol header is only"
                            + " accepted from the addresses in server.trusted-proxies (WS_TRUSTED_PROXIES).");
                    return false;
                }
            } else if (ProxyHeader.follows(reader)) {
                proxied = ProxyHeader.read(reader).orElse(peer);
                count(proxied);
            }
            return true;
        } catch (ProxyHeader.Malformed e) {
            refuse(Status.BAD_REQUEST_400, "bad_proxy_header", "The PROXY protocol header is malformed: "
                    + e.getMessage() + ".");
            return false;
        } catch (ServerConnectionException | DataReader.InsufficientDataAvailableException e) {
            // the peer left, or its time ran out and the guard closed the socket, before it sent anything
            return false;
        }
    }

    /**
     * The head of a request is complete (Helidon's HTTP listener, on this connection's thread): the deadline is
     * off, the client is known, and a connection over its address's limit is answered 503 and closed.
     *
     * @param headers the request's headers, before any route, filter or upgrade sees them
     * @throws CloseConnectionException after a 503, to end the connection
     */
    void headRead(WritableHeaders<?> headers) {
        phase.set(new InRequest(++requests));
        InetAddress client = proxied != null ? proxied
                : peerTrusted ? ClientAddress.forwardedFor(headers, peer, guard.trusted()) : peer;
        count(client);
        headers.set(ClientAddress.HEADER, countedAs);
        if (overLimit) {
            refuse(Status.SERVICE_UNAVAILABLE_503, "too_many_connections_from_address",
                   "Too many connections from " + countedAs + " (at most " + guard.maxPerAddress()
                           + " per address); close some and try again.");
            throw new CloseConnectionException("over the per-address connection limit");
        }
    }

    /** Helidon has switched this connection to WebSocket: from now on only frames flow, no deadline applies. */
    void upgraded() {
        upgraded = true;
        guard.forget(this);
    }

    /**
     * The guard's timer: closes a connection past its deadline, and gives a kept-alive connection that has answered
     * its request and waits for the next one a new deadline.
     *
     * @param now {@link System#nanoTime()}
     */
    void sweep(long now) {
        Phase current = phase.get();
        if (current instanceof Awaiting awaiting) {
            if (now - awaiting.deadlineNanos() >= 0) {
                expire();
            }
        } else if (!admitting && http instanceof InterruptableTask<?> task && task.canInterrupt() && !upgraded) {
            // Helidon's connection is interruptible only while it reads a request line or once upgraded; the
            // upgrade flag is read after it, and set before Helidon records an upgrade, so an upgraded connection
            // never gets here. Compared by identity: a head read meanwhile keeps its InRequest.
            phase.compareAndSet(current, new Awaiting(now + guard.headerTimeout().toNanos()));
        }
    }

    private void expire() {
        if (guard.forget(this)) {
            guard.refused("request_header_timeout");
            closeSocket();
        }
    }

    private void count(InetAddress client) {
        String address = client.getHostAddress();
        if (address.equals(countedAs)) {
            return;
        }
        if (countedAs != null) {
            // a trusted proxy's kept-alive connection now carries another client's request
            guard.counts().remove(countedAs);
        }
        countedAs = address;
        overLimit = guard.overLimit(guard.counts().add(address));
        if (overLimit) {
            long cut = System.nanoTime() + OVER_LIMIT_GRACE.toNanos();
            phase.updateAndGet(p -> p instanceof Awaiting a && a.deadlineNanos() - cut > 0 ? new Awaiting(cut) : p);
        }
    }

    private void refuse(Status status, String code, String message) {
        guard.refused(code);
        byte[] body = FrameEncoder.error(code, message).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        BufferData response = BufferData.growing(head.length() + body.length);
        response.write(head.getBytes(StandardCharsets.US_ASCII));
        response.write(body);
        try {
            ctx.dataWriter().writeNow(response);
        } catch (SocketWriterException | UncheckedIOException | ServerConnectionException e) {
            // the peer is gone: nobody is left to tell
        }
    }

    private void closeSocket() {
        try {
            ctx.serverSocket().close();
        } catch (UncheckedIOException e) {
            // closed already
        }
    }

    @Override
    public boolean canInterrupt() {
        return admitting || http instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    @Override
    public Duration idleTime() {
        return http.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        if (interrupt && admitting) {
            // Helidon's connection has not started: its close cannot reach the read this connection is blocked in
            closeSocket();
        }
        http.close(interrupt);
    }
}

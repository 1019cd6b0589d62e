package io.bess.wsms.web;

import java.nio.charset.StandardCharsets;

import io.helidon.common.GenericType;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.spi.Sink;
import io.helidon.webserver.http.spi.SinkProviderContext;

/**
 * One event stream's HTTP/1.1 response, written straight to the client's socket like {@link WsTransport} writes
 * WebSocket frames: the response head once, then bytes that are already complete events (encoded once per update
 * and shared by every SSE client), one socket write per batch. The body is delimited by the end of the connection
 * ({@code Connection: close}, no chunked encoding), so closing the socket is the stream's clean end; that also
 * unblocks a writer stuck on a client that stopped reading. Helidon's own {@code SseSink} writes each event through
 * the chunked response stream, one write per event, and gives no way to drop the connection or to notice the
 * client hanging up; this sink is made by {@link SseStreamProvider}, Helidon's sink SPI, which hands over the
 * connection.
 */
final class SseStream implements Sink<byte[]> {
    /** What {@code ServerResponse.sink(TYPE)} asks for. */
    static final GenericType<SseStream> TYPE = GenericType.create(SseStream.class);
    private static final byte[] OK = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
    /** nginx buffers proxied responses unless told not to; an event stream must flow as it is written. */
    private static final Header NO_PROXY_BUFFERING = HeaderValues.create("X-Accel-Buffering", "no");
    /** The event stream's own rule (the WHATWG spec's example); Helidon's constant lists four directives. */
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");

    private final ConnectionContext connection;
    private volatile boolean ended;

    /**
     * Takes over the response: sends its head at once (so the client sees the stream start before any event).
     *
     * @param context the response and its connection
     */
    SseStream(SinkProviderContext context) {
        this.connection = context.connectionContext();
        ServerResponseHeaders headers = context.serverResponse().headers();
        headers.set(HeaderValues.CONTENT_TYPE_EVENT_STREAM);
        headers.set(NO_CACHE);
        headers.set(HeaderValues.CONNECTION_CLOSE);
        headers.set(NO_PROXY_BUFFERING);
        headers.remove(HeaderNames.CONTENT_LENGTH);
        headers.remove(HeaderNames.TRANSFER_ENCODING);
        if (!headers.contains(HeaderNames.DATE)) {
            headers.set(HeaderValues.create(HeaderNames.DATE, DateTime.rfc1123String()));
        }
        BufferData head = BufferData.growing(256);
        head.write(OK);
        for (Header header : headers) {
            header.writeHttp1Header(head);
        }
        head.write('\r');
        head.write('\n');
        connection.dataWriter().writeNow(head);
    }

    /**
     * Writes bytes that are complete events, in one socket write; blocks while the client's window is full.
     *
     * @param events the bytes; not modified
     * @return this stream
     */
    @Override
    public SseStream emit(byte[] events) {
        connection.dataWriter().writeNow(BufferData.create(events));
        return this;
    }

    /** Ends the stream: the connection is closed, which is how a client knows a close-delimited body has ended. */
    @Override
    public void close() {
        try {
            connection.serverSocket().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }

    /**
     * Blocks the connection's own thread until the client hangs up or the stream is closed: an event stream's
     * client sends nothing after its request, so the end of its input is the first sign that it went away (a write
     * would fail only later, and not at all while nothing is sent). Anything it does send is read and dropped.
     */
    void awaitEnd() {
        DataReader input = connection.dataReader();
        try {
            while (!ended) {
                input.ensureAvailable();
                input.skip(input.available());
            }
        } catch (RuntimeException endOfInput) {
            // the client closed its side, reset the connection, or the stream was closed here
        } finally {
            ended = true;
        }
    }

    /** Whether the client may still be there: false once its input has ended. */
    boolean isOpen() {
        return !ended;
    }

    /** The client's address, for log lines. */
    String peer() {
        try {
            return String.valueOf(connection.remotePeer().address());
        } catch (RuntimeException e) {
            return "(address unknown: " + e.getMessage() + ")";
        }
    }
}

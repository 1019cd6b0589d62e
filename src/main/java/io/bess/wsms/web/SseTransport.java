package io.bess.wsms.web;

import io.bess.wsms.hub.Framing;
import io.bess.wsms.hub.SseFormat;
import io.bess.wsms.hub.Transport;
import io.bess.wsms.hub.TransportException;

/** A client's event stream, as its writer uses it. */
final class SseTransport implements Transport {
    private final SseStream stream;
    private final WsTransport.Ended ended;

    /**
     * Wraps a stream.
     *
     * @param stream the response's event stream
     * @param ended  told how the server ended the stream (the audit trail's close)
     */
    SseTransport(SseStream stream, WsTransport.Ended ended) {
        this.stream = stream;
        this.ended = ended;
    }

    @Override
    public Framing framing() {
        return Framing.SSE;
    }

    @Override
    public void write(byte[] events) {
        try {
            stream.emit(events);
        } catch (RuntimeException e) {
            throw new TransportException(e);
        }
    }

    /**
     * Ends the stream cleanly. An event stream has no close codes: a comment line says why (clients ignore it,
     * {@code curl} shows it), then the connection closes. An {@code EventSource} reconnects by itself, and its new
     * stream starts with a snapshot.
     */
    @Override
    public void close(int code, String reason) {
        ended.ended(code, reason);
        try {
            stream.emit(SseFormat.comment("closed " + code + (reason.isEmpty() ? "" : " " + reason)));
        } catch (RuntimeException ignored) {
            // the client is already gone: nothing left to say
        }
        stream.close();
    }

    @Override
    public void abort() {
        ended.ended(1006, "connection dropped");
        stream.close();
    }

    @Override
    public boolean isOpen() {
        return stream.isOpen();
    }

    /** For log lines only. */
    @Override
    public String toString() {
        return "SSE client " + stream.peer();
    }
}

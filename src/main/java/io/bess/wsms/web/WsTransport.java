package io.bess.wsms.web;

import io.bess.wsms.hub.Transport;
import io.bess.wsms.hub.TransportException;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsSession;

/** A client's Helidon WebSocket session, as its writer uses it. */
final class WsTransport implements Transport {
    private final WsSession session;
    private final ConnectionContext connection;
    /** Helidon's thread for this connection: it calls onOpen, reads every frame and ends with the connection. */
    private final Thread reader;
    /** Told the close code (1006 when none could be sent) and reason when the server ends the connection. */
    private final Ended ended;

    /**
     * Wraps a session; must be called on the connection's own thread (from {@code onOpen}).
     *
     * @param session the WebSocket session
     * @param ended   told the close code and reason when the server closes or drops the connection
     */
    WsTransport(WsSession session, Ended ended) {
        this.session = session;
        this.ended = ended;
        if (!(session.socketContext() instanceof ConnectionContext context)) {
            throw new IllegalStateException("a server WebSocket session always has a connection context");
        }
        this.connection = context;
        this.reader = Thread.currentThread();
    }

    /** Told how the server ended a connection. */
    @FunctionalInterface
    interface Ended {
        /**
         * The server closed (or dropped) the connection.
         *
         * @param code   close code, 1006 when no close frame could be sent
         * @param reason close reason
         */
        void ended(int code, String reason);
    }

    @Override
    public void write(byte[] frames) {
        try {
            // straight to the socket, in one write: the frames are already complete WebSocket frames, encoded once
            // for all recipients; WsSession.send would encode and frame the text again for every client
            connection.dataWriter().writeNow(BufferData.create(frames));
        } catch (RuntimeException e) {
            throw new TransportException(e);
        }
    }

    @Override
    public void close(int code, String reason) {
        // a connection whose reader has ended is already gone: no close frame reaches the peer
        ended.ended(reader.isAlive() ? code : 1006, reason);
        try {
            session.close(code, reason);
        } catch (RuntimeException ignored) {
            // the peer is already gone: nothing left to close politely
        }
    }

    @Override
    public void abort() {
        ended.ended(1006, "connection dropped");
        // WsSession.close would wait for the send lock that a stuck writer holds; closing the socket does not
        try {
            connection.serverSocket().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }

    @Override
    public boolean isOpen() {
        return reader.isAlive();
    }

    /** For log lines only: built when asked, not held by each of thousands of connections. */
    @Override
    public String toString() {
        try {
            return "client " + session.socketContext().remotePeer().address();
        } catch (RuntimeException e) {
            return "client (address unknown: " + e.getMessage() + ")";
        }
    }
}

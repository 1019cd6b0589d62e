package io.bess.wsms.hub;

/**
 * The socket side of one client, as its writer sees it. Only the client's writer thread writes (pongs included, so
 * that frames never interleave); {@link #abort()} may be called from anywhere to unblock a writer stuck on a peer
 * that stopped reading.
 */
public interface Transport {
    /**
     * How this transport's messages are put on the wire; the writer encodes with it and never asks which transport
     * it feeds.
     *
     * @return WebSocket frames unless the transport says otherwise
     */
    default Framing framing() {
        return Framing.WEBSOCKET;
    }

    /**
     * Writes complete messages (one or many) in one socket write; blocks while the peer's window is full.
     *
     * @param frames message bytes as the transport's {@link #framing()} makes them; not modified
     * @throws TransportException when the connection is gone
     */
    void write(byte[] frames);

    /**
     * Ends the connection politely: a close frame, or the end of an event stream.
     *
     * @param code   WebSocket close code
     * @param reason short reason
     */
    void close(int code, String reason);

    /** Drops the TCP connection without a close handshake. */
    void abort();

    /**
     * Whether the connection is still read from. A peer that drops its socket without a close frame ends the
     * server's reading of it silently (no callback); this is how the session finds out without waiting for a write
     * to fail.
     *
     * @return false once the connection has ended
     */
    boolean isOpen();
}

package io.bess.wsms.hub;

/**
 * The socket side of one client, as its writer sees it. Only the client's writer thread sends;
 * {@link #abort()} may be called from anywhere to unblock a writer stuck on a peer that stopped reading.
 */
public interface Transport {
    /**
     * Sends one text frame; blocks while the peer's window is full.
     *
     * @param text the frame
     * @throws TransportException when the connection is gone
     */
    void send(String text);

    /** Sends a ping frame. */
    void ping();

    /**
     * Sends a close frame.
     *
     * @param code   WebSocket close code
     * @param reason short reason
     */
    void close(int code, String reason);

    /** Drops the TCP connection without a close handshake. */
    void abort();
}

package io.bess.wsms.hub;

/**
 * How a transport puts the protocol's messages on the wire: as WebSocket frames or as Server-Sent Events. A client's
 * writer asks its transport's framing for the bytes of every message and never asks which transport it feeds; an
 * update is encoded once per framing and shared by every client of it.
 */
public enum Framing {
    /** RFC 6455 frames: text frames for messages, pings for keepalive (answered with pongs). */
    WEBSOCKET("ws") {
        @Override
        byte[] update(Frame frame) {
            return frame.wire();
        }

        @Override
        byte[] text(String json) {
            return WireFormat.text(json);
        }

        @Override
        byte[] keepalive() {
            return WireFormat.ping();
        }

        @Override
        boolean keepaliveAnswered() {
            return true;
        }
    },
    /** An event stream: one {@code data:} event per message, a comment line for keepalive (never answered). */
    SSE("sse") {
        @Override
        byte[] update(Frame frame) {
            return frame.sse();
        }

        @Override
        byte[] text(String json) {
            return SseFormat.data(json);
        }

        @Override
        byte[] keepalive() {
            return SseFormat.comment("keepalive");
        }

        @Override
        boolean keepaliveAnswered() {
            return false;
        }
    };

    private final String label;

    Framing(String label) {
        this.label = label;
    }

    /** The transport's name in metric labels ({@code transport="ws"} or {@code "sse"}). */
    public String label() {
        return label;
    }

    /** An update's bytes, shared by every client of this framing; never modified. */
    abstract byte[] update(Frame frame);

    /** A message made for one client (a snapshot, an error). */
    abstract byte[] text(String json);

    /** What keeps the connection alive through proxies and tells whether the peer still reads. */
    abstract byte[] keepalive();

    /**
     * Whether the peer answers keepalives (WebSocket pongs): only then does a silent peer mean a dead one. An event
     * stream's client never sends anything, so its liveness rests on the socket (a failed write, an end of input)
     * and on the slow-client timeout.
     */
    abstract boolean keepaliveAnswered();
}

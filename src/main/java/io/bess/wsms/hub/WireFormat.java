package io.bess.wsms.hub;

import java.nio.charset.StandardCharsets;

/**
 * Server-to-client WebSocket frames as bytes on the wire (RFC 6455 section 5.2). Server frames are not masked, so
 * a frame's bytes are the same for every recipient: an update is encoded once and the same array is written to
 * every client's socket, with no per-client UTF-8 encoding or framing.
 */
public final class WireFormat {
    private static final int FIN = 0x80;
    private static final int TEXT = 0x1;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    /** A ping with no payload. */
    private static final byte[] EMPTY_PING = {(byte) (FIN | PING), 0};

    private WireFormat() {
    }

    /**
     * One final text frame.
     *
     * @param text the message
     * @return header and UTF-8 payload
     */
    public static byte[] text(String text) {
        return frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A ping frame with no payload (a fresh copy: callers may not share mutable arrays). */
    static byte[] ping() {
        return EMPTY_PING.clone();
    }

    /**
     * A pong answering a ping.
     *
     * @param payload the ping's payload (at most 125 bytes by the RFC)
     * @return the pong frame
     */
    public static byte[] pong(byte[] payload) {
        return frame(PONG, payload);
    }

    private static byte[] frame(int opcode, byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) (FIN | opcode);
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length < 65_536) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}

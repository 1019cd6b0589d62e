package io.bess.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A lean WebSocket client connection: sends the upgrade, checks for 101, then parses frames with a
 * streaming state machine that keeps no payload: it only looks for the {@code "seq":} member of each
 * text message. The first message is the snapshot (marks the connection ready); every later message is
 * one update. Pings are answered; everything else is skipped.
 */
final class WsConn extends Conn {
    /** Debugging aid: BENCH_NO_PONG=1 leaves server pings unanswered. */
    private static final boolean NO_PONG = System.getenv("BENCH_NO_PONG") != null;
    /** Debugging aid: BENCH_ZERO_MASK=1 masks pongs with the key 0 (reproduces the lost-session finding). */
    private static final boolean ZERO_MASK = System.getenv("BENCH_ZERO_MASK") != null;
    private static final int HANDSHAKE = 0;
    private static final int HEADER = 1;
    private static final int PAYLOAD = 2;

    private int state = HANDSHAKE;
    // handshake
    private int hsPos;
    private int hsStatus;
    private int crlf;
    // frame header
    private final byte[] hdr = new byte[14];
    private int hdrLen;
    private int hdrNeed = 2;
    private int opcode;
    private int messageOpcode;
    private boolean fin;
    private long remaining;
    // control payload (ping / close), at most 125 bytes
    private byte[] ctrl;
    private int ctrlLen;
    // message parsing
    long messages;
    private final SeqScanner seq = new SeqScanner();
    int closeCode = -1;

    WsConn(String host, int port, String pathAndQuery, boolean stalled) {
        super(("GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII), stalled);
    }

    @Override
    void onBytes(ByteBuffer in, long now) throws IOException {
        int pos = in.position();
        int limit = in.limit();
        while (pos < limit) {
            switch (state) {
                case HANDSHAKE -> pos = handshake(in, pos, limit);
                case HEADER -> {
                    hdr[hdrLen++] = in.get(pos++);
                    if (hdrLen == 2) {
                        int b0 = hdr[0] & 0xff;
                        int b1 = hdr[1] & 0xff;
                        fin = (b0 & 0x80) != 0;
                        opcode = b0 & 0x0f;
                        int len7 = b1 & 0x7f;
                        hdrNeed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
                    }
                    if (hdrLen == hdrNeed) {
                        startPayload(now);
                    }
                }
                default -> pos = payload(in, pos, limit, now);
            }
        }
        in.position(limit);
    }

    private int handshake(ByteBuffer in, int pos, int limit) throws IOException {
        while (pos < limit) {
            byte b = in.get(pos++);
            if (hsPos >= 9 && hsPos < 12) {
                hsStatus = hsStatus * 10 + (b - '0');
            }
            hsPos++;
            crlf = (b == '\r' || b == '\n') ? crlf + 1 : 0;
            if (crlf == 4) {
                if (hsStatus != 101) {
                    throw new IOException("upgrade refused: " + hsStatus);
                }
                state = HEADER;
                return pos;
            }
        }
        return pos;
    }

    private void startPayload(long now) throws IOException {
        int len7 = hdr[1] & 0x7f;
        if (len7 == 126) {
            remaining = ((hdr[2] & 0xff) << 8) | (hdr[3] & 0xff);
        } else if (len7 == 127) {
            long v = 0;
            for (int i = 2; i < 10; i++) {
                v = (v << 8) | (hdr[i] & 0xff);
            }
            remaining = v;
        } else {
            remaining = len7;
        }
        if (opcode == 1 || opcode == 2) {
            messageOpcode = opcode;
            seq.reset();
        }
        ctrlLen = 0;
        hdrLen = 0;
        hdrNeed = 2;
        state = PAYLOAD;
        if (remaining == 0) {
            endFrame(now);
        }
    }

    private int payload(ByteBuffer in, int pos, int limit, long now) throws IOException {
        int n = (int) Math.min(remaining, limit - pos);
        if (opcode >= 8) {
            if (ctrl == null) {
                ctrl = new byte[125];
            }
            for (int i = 0; i < n && ctrlLen < 125; i++) {
                ctrl[ctrlLen++] = in.get(pos + i);
            }
        } else if (!seq.found() && messageOpcode == 1) {
            for (int i = pos; i < pos + n && !seq.found(); i++) {
                seq.feed(in.get(i));
            }
        }
        remaining -= n;
        pos += n;
        if (remaining == 0) {
            endFrame(now);
        }
        return pos;
    }

    private void endFrame(long now) throws IOException {
        state = HEADER;
        switch (opcode) {
            case 0, 1, 2 -> {
                if (fin) {
                    endMessage(now);
                }
            }
            case 8 -> {
                closeCode = ctrlLen >= 2 ? ((ctrl[0] & 0xff) << 8) | (ctrl[1] & 0xff) : 1005;
                closedByPeer = true;
                loop.closedByPeer++;
                throw new IOException("closed by server: " + closeCode);
            }
            case 9 -> {
                loop.pings++;
                if (NO_PONG) {
                    return;
                }
                // a client frame must be masked (RFC 6455 5.3); the key is arbitrary, the payload is XORed with it
                int mask = ZERO_MASK ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextInt() | 0x01010101;
                ByteBuffer pong = ByteBuffer.allocate(6 + ctrlLen);
                pong.put((byte) 0x8A).put((byte) (0x80 | ctrlLen)).putInt(mask);
                for (int i = 0; i < ctrlLen; i++) {
                    pong.put((byte) (ctrl[i] ^ (mask >>> (24 - 8 * (i & 3)))));
                }
                pong.flip();
                write(pong);
            }
            default -> {
                // pong or reserved: ignore
            }
        }
    }

    private void endMessage(long now) {
        messages++;
        boolean seqFound = seq.end();
        if (messages == 1) {
            markReady(now);
            return;
        }
        if (seqFound) {
            loop.record(this, seq.value(), now);
        } else {
            loop.deliveredAll++;
            loop.unparsed++;
        }
    }
}

package io.bess.wsms.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for what the JDK client cannot do: stop reading with a tiny receive
 * buffer (a truly stalled peer), send binary or oversized or garbage frames, vanish without a close frame.
 * JDK only, on purpose: the bench's chaos scenario compiles this very file into its own jar (see
 * {@code bench/pom.xml}).
 */
public final class RawWsClient implements AutoCloseable {
    /** One frame read from the server. */
    public record RawFrame(int opcode, byte[] payload) {
        /** The payload as text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** For a close frame, its code. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String responseHead;

    private RawWsClient(Socket socket, String responseHead, DataInputStream in) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.responseHead = responseHead;
    }

    /**
     * Opens a socket and sends an upgrade request.
     *
     * @param port              server port
     * @param pathAndQuery      e.g. {@code /ws?batteries=1}
     * @param receiveBufferSize socket receive buffer (small to stall quickly), 0 for the default
     * @return the client, upgraded or not (see {@link #status()})
     */
    public static RawWsClient connect(int port, String pathAndQuery, int receiveBufferSize) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferSize > 0) {
            socket.setReceiveBufferSize(receiveBufferSize);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        return new RawWsClient(socket, readHead(in), in);
    }

    /** The HTTP status of the upgrade answer. */
    public int status() {
        return Integer.parseInt(responseHead.split(" ", 3)[1]);
    }

    /** The raw socket, to stop reading or to reset it. */
    public Socket socket() {
        return socket;
    }

    /**
     * Sends one masked frame.
     *
     * @param opcode  1 text, 2 binary, 8 close, 9 ping, 10 pong
     * @param payload bytes
     */
    public void sendFrame(int opcode, byte[] payload) throws IOException {
        out.write(frame(true, opcode, payload));
        out.flush();
    }

    /**
     * One masked client frame.
     *
     * @param fin     whether it is the last fragment
     * @param opcode  1 text, 2 binary, 0 continuation, 8 close, 9 ping, 10 pong
     * @param payload bytes
     * @return the frame as sent on the wire
     */
    public static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Sends a text frame. */
    public void sendText(String text) throws IOException {
        sendFrame(1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the next frame (blocking, up to the socket timeout). */
    public RawFrame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new RawFrame(b0 & 0x0f, payload);
    }

    /** Reads frames until a text frame, answering nothing. */
    public String readText() throws IOException {
        while (true) {
            RawFrame frame = read();
            if (frame.opcode() == 1) {
                return frame.text();
            }
            if (frame.opcode() == 8) {
                throw new IOException("closed by server with " + frame.closeCode());
            }
        }
    }

    /** Reads until the server's close frame and returns its code, or -1 when the socket just ends. */
    public int readUntilClose() throws IOException {
        try {
            while (true) {
                RawFrame frame = read();
                if (frame.opcode() == 8) {
                    return frame.closeCode();
                }
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return -1;
        }
    }

    /** The response body after a refused upgrade (Content-Length or chunked not parsed: reads what is there). */
    public String body() throws IOException {
        socket.setSoTimeout(2000);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                body.write(buffer, 0, n);
                if (body.toString(StandardCharsets.UTF_8).contains("}}")) {
                    break;
                }
            }
        } catch (java.net.SocketTimeoutException ignored) {
            // whatever arrived is the body
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Drops the connection with a TCP reset and no close frame. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString();
    }
}

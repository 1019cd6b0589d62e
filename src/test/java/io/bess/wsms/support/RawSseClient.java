package io.bess.wsms.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An event-stream client on a plain socket, for what a real HTTP client will not do: stop reading with a tiny
 * receive buffer (a truly stalled peer), or hang up while the server has nothing to send.
 */
public final class RawSseClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final String head;

    private RawSseClient(Socket socket, InputStream in, String head) {
        this.socket = socket;
        this.in = in;
        this.head = head;
    }

    /**
     * Opens a socket, sends {@code GET pathAndQuery} and reads the response head.
     *
     * @param port              server port
     * @param pathAndQuery      e.g. {@code /sse?batteries=1}
     * @param receiveBufferSize socket receive buffer (small to stall quickly), 0 for the default
     * @return the client
     */
    public static RawSseClient connect(int port, String pathAndQuery, int receiveBufferSize) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferSize > 0) {
            socket.setReceiveBufferSize(receiveBufferSize);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return new RawSseClient(socket, in, head.toString(StandardCharsets.US_ASCII));
    }

    /** The response's status line and headers. */
    public String head() {
        return head;
    }

    /** Reads until the first blank line after some data: the first event (the snapshot). */
    public String readEvent() throws IOException {
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the stream ended before an event");
            }
            if (b == '\n' && previous == '\n') {
                return event.toString(StandardCharsets.UTF_8).strip();
            }
            event.write(b);
            previous = b;
        }
    }

    /**
     * Reads (at last) until the server ends the stream.
     *
     * @return the last bytes read before the end (up to 256), or null when the connection was reset
     */
    public String readUntilEnd() {
        byte[] buffer = new byte[64 * 1024];
        byte[] tail = new byte[0];
        try {
            socket.setSoTimeout(30_000);
            int n;
            while ((n = in.read(buffer)) >= 0) {
                byte[] joined = new byte[Math.min(256, tail.length + n)];
                int fromTail = joined.length - Math.min(n, joined.length);
                System.arraycopy(tail, tail.length - fromTail, joined, 0, fromTail);
                System.arraycopy(buffer, n - (joined.length - fromTail), joined, fromTail, joined.length - fromTail);
                tail = joined;
            }
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

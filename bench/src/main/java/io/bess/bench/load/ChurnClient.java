package io.bess.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One churn client on a plain blocking socket (its own WebSocket code, RFC 6455: the JDK's client failed now and
 * then with "Invalid UTF-8 in frame TEXT" on streams that raw readers of the same server at the same time found
 * valid, and a bench must not count its client's faults as the server's). It keeps the {@code seq} of the last state
 * it received of each battery, from snapshot and update frames alike; checks every text frame is valid UTF-8;
 * answers pings; and leaves with a close frame.
 */
final class ChurnClient {
    private static final Pattern BATTERY = Pattern.compile("\"battery:(\\d+):data\":\\{([^}]*)}");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(-?\\d+)");
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    final long id;
    /** The batteries it selected; empty for every battery. */
    final Set<Integer> watched;
    volatile long departNanos;
    /** When its upgrade was answered with 101. */
    volatile long connectedNanos;
    /** When its first frame (the snapshot) arrived; 0 before. */
    volatile long snapshotNanos;
    /** Set when it starts leaving: what happens to the connection after that is its own doing. */
    volatile boolean leaving;
    private final Map<Integer, Long> seqs = new ConcurrentHashMap<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private Socket socket;
    private OutputStream out;

    ChurnClient(long id, Set<Integer> watched, long departNanos) {
        this.id = id;
        this.watched = watched;
        this.departNanos = departNanos;
    }

    /** The last seq received of a battery, null when none. */
    Long seq(int battery) {
        return seqs.get(battery);
    }

    boolean everyBattery() {
        return watched.isEmpty();
    }

    /**
     * Connects and asks for the upgrade.
     *
     * @return the answer's HTTP status (101: upgraded, then {@link #read()} must run)
     * @throws IOException when the connection fails or no answer comes
     */
    int open(String host, int port, String pathAndQuery) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = head(socket.getInputStream());
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        if (status != 101) {
            socket.close();
        } else {
            // the server pings every 20 s; silence longer than that is not ours to judge here
            socket.setSoTimeout(0);
        }
        return status;
    }

    /**
     * Reads frames until the connection ends.
     *
     * @return how it ended ("close 1001 ...", "EOF", an error), or null when it ended because the client left
     */
    String read() {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                if ((b1 & 0x80) != 0 || length > (1 << 24)) {
                    return leaving ? null : "bad frame header " + Integer.toHexString(b0) + " " + length;
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                switch (b0 & 0x0f) {
                    case TEXT -> {
                        if (!text(payload)) {
                            return leaving ? null : "text frame that is not UTF-8";
                        }
                    }
                    case PING -> send(PONG, payload);
                    case CLOSE -> {
                        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                        return leaving ? null : "close " + code + " " + new String(payload, 2,
                                Math.max(0, payload.length - 2), StandardCharsets.UTF_8);
                    }
                    case PONG -> { }
                    default -> {
                        return leaving ? null : "unexpected opcode " + (b0 & 0x0f);
                    }
                }
            }
        } catch (EOFException e) {
            return leaving ? null : "EOF";
        } catch (IOException e) {
            return leaving ? null : e.toString();
        }
    }

    /** Leaves: a close frame, then the socket is closed. */
    void leave() {
        leaving = true;
        try {
            send(CLOSE, new byte[] {0x03, (byte) 0xe8});
        } catch (IOException ignored) {
            // already gone
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private boolean text(byte[] payload) {
        CharBuffer chars;
        try {
            chars = utf8.reset().decode(ByteBuffer.wrap(payload));
        } catch (CharacterCodingException e) {
            return false;
        }
        Matcher battery = BATTERY.matcher(chars);
        while (battery.find()) {
            Matcher seq = SEQ.matcher(battery.group(2));
            if (seq.find()) {
                seqs.put(Integer.parseInt(battery.group(1)), Long.parseLong(seq.group(1)));
            }
        }
        if (snapshotNanos == 0) {
            snapshotNanos = System.nanoTime();
        }
        return true;
    }

    /** One masked client frame; the reader (pongs) and the leaving thread (close) both write. */
    private synchronized void send(int opcode, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 6);
        frame.write(0x80 | opcode);
        frame.write(0x80 | payload.length);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed before the upgrade was answered");
            }
            head.write(c);
            matched = c == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : c == '\r' ? 1 : 0;
            if (head.size() > 16_384) {
                throw new IOException("upgrade answer head over 16 KB");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "client " + id + (watched.isEmpty() ? " (every battery)" : " (batteries " + watched + ")");
    }
}

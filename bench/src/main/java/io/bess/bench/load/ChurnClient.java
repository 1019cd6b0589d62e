package io.bess.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.bess.wsms.support.RawWsClient;

/**
 * One churn client on a plain blocking socket: the service's own test client {@link RawWsClient} (compiled into the
 * bench from the test tree, like the fault proxy), not the JDK's, which failed now and then with "Invalid UTF-8 in
 * frame TEXT" on streams that raw readers of the same server at the same time found valid; a bench must not count
 * its client's faults as the server's. It keeps the {@code seq} of the last state it received of each battery, from
 * snapshot and update frames alike; checks every text frame is valid UTF-8; answers pings; and leaves with a close
 * frame.
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
    private RawWsClient client;

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
     * Connects to a loopback port and asks for the upgrade.
     *
     * @return the answer's HTTP status (101: upgraded, then {@link #read()} must run)
     * @throws IOException when the connection fails or no answer comes
     */
    int open(int port, String pathAndQuery) throws IOException {
        client = RawWsClient.connect(port, pathAndQuery, 0);
        if (client.status() != 101) {
            client.close();
        } else {
            // the server pings every 20 s; a quiet spell is no reason to stop reading
            client.socket().setSoTimeout(0);
        }
        return client.status();
    }

    /**
     * Reads frames until the connection ends.
     *
     * @return how it ended ("close 1001 ...", an error), or null when it ended because the client left
     */
    String read() {
        try {
            while (true) {
                RawWsClient.RawFrame frame = client.read();
                switch (frame.opcode()) {
                    case TEXT -> {
                        if (!text(frame.payload())) {
                            return leaving ? null : "text frame that is not UTF-8";
                        }
                    }
                    case PING -> send(PONG, frame.payload());
                    case CLOSE -> {
                        return leaving ? null : "close " + frame.closeCode();
                    }
                    case PONG -> { }
                    default -> {
                        return leaving ? null : "unexpected opcode " + frame.opcode();
                    }
                }
            }
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
            client.close();
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

    /** One frame; the reader (pongs) and the leaving thread (close) both write, one at a time. */
    private synchronized void send(int opcode, byte[] payload) throws IOException {
        client.sendFrame(opcode, payload);
    }

    @Override
    public String toString() {
        return "client " + id + (watched.isEmpty() ? " (every battery)" : " (batteries " + watched + ")");
    }
}

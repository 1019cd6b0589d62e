package io.bess.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * Finds the {@code "seq":} member of one message, fed a byte at a time, and reads its digits (quotes and spaces before
 * them are skipped): the streaming parsers of the WebSocket and SSE clients keep no payload, only this.
 */
final class SeqScanner {
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private int match;
    private boolean inDigits;
    private boolean digitsSeen;
    private boolean found;
    private long value;

    /** A new message begins. */
    void reset() {
        match = 0;
        inDigits = false;
        digitsSeen = false;
        found = false;
        value = 0;
    }

    /** Whether the number has been read (more bytes of the message change nothing). */
    boolean found() {
        return found;
    }

    /** The message has ended: true when it had a {@code seq} (its number may run to the message's last byte). */
    boolean end() {
        if (inDigits && digitsSeen) {
            found = true;
        }
        return found;
    }

    /** The number, once {@link #found()} or {@link #end()} says so. */
    long value() {
        return value;
    }

    void feed(byte b) {
        if (inDigits) {
            if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
                digitsSeen = true;
            } else if (digitsSeen) {
                found = true;
                inDigits = false;
            } else if (b != ' ' && b != '"') {
                inDigits = false; // not a number (the prepopulated -1)
                match = 0;
            }
        } else if (b == SEQ[match]) {
            if (++match == SEQ.length) {
                inDigits = true;
                digitsSeen = false;
                match = 0;
                value = 0;
            }
        } else {
            match = b == '"' ? 1 : 0;
        }
    }
}

package io.bess.wsms.hub;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events as bytes on the wire (the WHATWG HTML "event stream" format): an event is {@code data: }, the
 * message, and a blank line; a line starting with a colon is a comment, which clients ignore. The protocol's JSON
 * has no raw line breaks (the encoder escapes them), so a frame is one {@code data:} line; text that does have them
 * is split into several {@code data:} lines, which a client joins back with {@code \n}.
 */
public final class SseFormat {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = {'\n', '\n'};

    private SseFormat() {
    }

    /**
     * One event carrying a message.
     *
     * @param text the message (a JSON frame)
     * @return the event's bytes
     */
    public static byte[] data(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return data(utf8, 0, utf8.length);
    }

    /**
     * One event carrying UTF-8 bytes.
     *
     * @param utf8   the message's bytes
     * @param offset where it starts
     * @param length its length
     * @return the event's bytes
     */
    static byte[] data(byte[] utf8, int offset, int length) {
        int end = offset + length;
        if (!hasLineBreak(utf8, offset, end)) {
            byte[] event = new byte[DATA.length + length + END.length];
            System.arraycopy(DATA, 0, event, 0, DATA.length);
            System.arraycopy(utf8, offset, event, DATA.length, length);
            System.arraycopy(END, 0, event, DATA.length + length, END.length);
            return event;
        }
        ByteArrayOutputStream event = new ByteArrayOutputStream(length + 32);
        int start = offset;
        for (int i = offset; i < end; i++) {
            byte b = utf8[i];
            if (b == '\r' || b == '\n') {
                event.write(DATA, 0, DATA.length);
                event.write(utf8, start, i - start);
                event.write('\n');
                if (b == '\r' && i + 1 < end && utf8[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        event.write(DATA, 0, DATA.length);
        event.write(utf8, start, end - start);
        event.write(END, 0, END.length);
        return event.toByteArray();
    }

    /**
     * A comment line (and a blank line, so that proxies that buffer by event pass it on at once).
     *
     * @param text what it says; line breaks become spaces
     * @return the comment's bytes
     */
    public static byte[] comment(String text) {
        return (": " + text.replace('\r', ' ').replace('\n', ' ') + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static boolean hasLineBreak(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                return true;
            }
        }
        return false;
    }
}

package io.bess.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A lean Server-Sent Events client connection ({@code GET /sse}): sends the request, checks for 200, then reads the
 * stream line by line with a state machine that keeps no payload: on {@code data:} lines it looks only for the
 * {@code "seq":} member, comment lines (the server's keepalive) are skipped, and a blank line ends an event. The
 * first event is the snapshot (marks the connection ready); every later event is one update, as on {@link WsConn}.
 */
final class SseConn extends Conn {
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final int HEAD = 0;
    private static final int LINES = 1;

    private int state = HEAD;
    // response head
    private int headPos;
    private int status;
    private int crlf;
    // the line being read
    private int lineLength;
    private boolean dataLine;
    private boolean eventHasData;
    // the event's "seq" member
    private int seqMatch;
    private boolean inDigits;
    private boolean digitsSeen;
    private boolean seqFound;
    private long seqValue;
    long events;

    SseConn(String host, int port, String pathAndQuery, boolean stalled) {
        super(("GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII), stalled);
    }

    @Override
    void onBytes(ByteBuffer in, long now) throws IOException {
        int pos = in.position();
        int limit = in.limit();
        while (pos < limit) {
            byte b = in.get(pos++);
            if (state == HEAD) {
                head(b);
                continue;
            }
            if (b == '\n') {
                endLine(now);
                continue;
            }
            if (lineLength++ == 0) {
                dataLine = b == 'd';
            }
            if (dataLine && !seqFound) {
                scan(b);
            }
        }
        in.position(limit);
    }

    private void head(byte b) throws IOException {
        if (headPos >= 9 && headPos < 12) {
            status = status * 10 + (b - '0');
        }
        headPos++;
        crlf = (b == '\r' || b == '\n') ? crlf + 1 : 0;
        if (crlf == 4) {
            if (status != 200) {
                throw new IOException("stream refused: " + status);
            }
            state = LINES;
        }
    }

    private void endLine(long now) {
        if (lineLength == 0) {
            if (eventHasData) {
                endEvent(now);
            }
        } else if (dataLine) {
            eventHasData = true;
        }
        lineLength = 0;
        dataLine = false;
    }

    /** Finds {@code "seq":} then reads its digits (quotes and spaces before them are skipped). */
    private void scan(byte b) {
        if (inDigits) {
            if (b >= '0' && b <= '9') {
                seqValue = seqValue * 10 + (b - '0');
                digitsSeen = true;
            } else if (digitsSeen) {
                seqFound = true;
                inDigits = false;
            } else if (b != ' ' && b != '"') {
                inDigits = false; // not a number (the prepopulated -1)
                seqMatch = 0;
            }
        } else if (b == SEQ[seqMatch]) {
            if (++seqMatch == SEQ.length) {
                inDigits = true;
                digitsSeen = false;
                seqMatch = 0;
                seqValue = 0;
            }
        } else {
            seqMatch = b == '"' ? 1 : 0;
        }
    }

    private void endEvent(long now) {
        events++;
        boolean found = seqFound || inDigits && digitsSeen;
        long seq = seqValue;
        eventHasData = false;
        seqMatch = 0;
        inDigits = false;
        digitsSeen = false;
        seqFound = false;
        seqValue = 0;
        if (events == 1) {
            markReady(now);
            return;
        }
        if (found) {
            loop.record(this, seq, now);
        } else {
            loop.deliveredAll++;
            loop.unparsed++;
        }
    }
}

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
    private final SeqScanner seq = new SeqScanner();
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
            if (dataLine && !seq.found()) {
                seq.feed(b);
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

    private void endEvent(long now) {
        events++;
        boolean found = seq.end();
        long value = seq.value();
        eventHasData = false;
        seq.reset();
        if (events == 1) {
            markReady(now);
            return;
        }
        if (found) {
            loop.record(this, value, now);
        } else {
            loop.deliveredAll++;
            loop.unparsed++;
        }
    }
}

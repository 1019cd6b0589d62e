package io.bess.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A plain Redis subscriber (the floor the service adds to): SUBSCRIBE to the channels, then a streaming
 * RESP parser that keeps only the reply kind and the battery id of each pushed message. The payload is
 * the word {@code updates}, so the update is identified by counting messages per channel: Redis delivers
 * a channel's messages in publish order, so the k-th message of battery b is the k-th update of b.
 */
final class RespConn extends Conn {
    private static final int LINE_TYPE = 0;
    private static final int LINE = 1;
    private static final int BULK = 2;

    private final int channels;
    private final long[] perBattery;

    private int state = LINE_TYPE;
    private byte type;
    private long number;
    private boolean negative;
    private long bulkLeft;     // payload bytes + CRLF
    private int arrayLeft;
    private int element;
    private byte kind;         // first letter of element 0: m(essage), s(ubscribe)
    private int battery;
    private int chanPos;
    private int confirmed;

    RespConn(int[] batteries, int maxBattery, boolean stalled) {
        super(subscribe(batteries), stalled);
        this.channels = batteries.length;
        this.perBattery = new long[maxBattery + 1];
    }

    private static byte[] subscribe(int[] batteries) {
        StringBuilder sb = new StringBuilder("*").append(batteries.length + 1).append("\r\n$9\r\nSUBSCRIBE\r\n");
        for (int b : batteries) {
            String ch = "battery:" + b + ":data";
            sb.append('$').append(ch.length()).append("\r\n").append(ch).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    void onBytes(ByteBuffer in, long now) {
        int pos = in.position();
        int limit = in.limit();
        while (pos < limit) {
            byte b = in.get(pos++);
            switch (state) {
                case LINE_TYPE -> {
                    type = b;
                    number = 0;
                    negative = false;
                    state = LINE;
                }
                case LINE -> {
                    if (b == '\n') {
                        endLine(now);
                    } else if (b >= '0' && b <= '9') {
                        number = number * 10 + (b - '0');
                    } else if (b == '-') {
                        negative = true;
                    }
                }
                default -> {
                    long payloadLeft = bulkLeft - 2;
                    if (payloadLeft > 0) {
                        bulkByte(b);
                    }
                    if (--bulkLeft == 0) {
                        state = LINE_TYPE;
                        endElement(now);
                    }
                }
            }
        }
        in.position(limit);
    }

    private void endLine(long now) {
        long n = negative ? -number : number;
        switch (type) {
            case '*' -> {
                arrayLeft = (int) n;
                element = 0;
                kind = 0;
                battery = 0;
                state = LINE_TYPE;
            }
            case '$' -> {
                chanPos = 0;
                if (n < 0) {
                    state = LINE_TYPE;
                    endElement(now);
                } else {
                    bulkLeft = n + 2;
                    state = BULK;
                }
            }
            default -> {
                state = LINE_TYPE;
                endElement(now);
            }
        }
    }

    private void bulkByte(byte b) {
        if (element == 0) {
            if (chanPos++ == 0) {
                kind = b;
            }
        } else if (element == 1) {
            // "battery:" is 8 bytes; digits follow until ':'
            if (chanPos >= 8 && b >= '0' && b <= '9' && battery >= 0) {
                battery = battery * 10 + (b - '0');
            } else if (chanPos >= 8) {
                battery = battery == 0 ? -1 : battery;
                chanPos = Integer.MIN_VALUE / 2; // stop reading digits
            }
            chanPos++;
        }
    }

    private void endElement(long now) {
        element++;
        if (arrayLeft > 0 && element == arrayLeft) {
            arrayLeft = 0;
            if (kind == 'm' && battery > 0 && battery < perBattery.length) {
                long k = perBattery[battery]++;
                Schedule s = loop.schedule;
                if (s != null) {
                    loop.record(this, s.seqOf(battery, k), now);
                }
            } else if (kind == 's' && ++confirmed == channels) {
                markReady(now);
            }
        }
    }
}

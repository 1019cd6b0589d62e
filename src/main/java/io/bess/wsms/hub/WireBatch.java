package io.bess.wsms.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * The frames one writer pass sends, gathered so that they go out in one socket write: a loopback send costs several
 * microseconds of system time whatever its size, so one write per batch instead of one per frame is where a busy
 * client's CPU goes down. Used by one writer thread only.
 */
final class WireBatch {
    private final List<byte[]> parts = new ArrayList<>();
    private int length;

    void add(byte[] frame) {
        parts.add(frame);
        length += frame.length;
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    /** The batch as one array: the frame itself when there is one, else a copy of all of them in order. */
    byte[] bytes() {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    void clear() {
        parts.clear();
        length = 0;
    }
}

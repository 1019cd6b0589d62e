package io.bess.wsms.hub;

import java.nio.charset.StandardCharsets;

/**
 * One encoded update of one battery, shared by every client that receives it.
 *
 * @param state         the battery's state
 * @param stale         whether the frame flags the battery as stale (its state is older than the stale time)
 * @param wire          the complete WebSocket frame, encoded once and written as is to every recipient; never
 *                      modified
 * @param receivedNanos {@link System#nanoTime()} when the publish was received, for the delivery-delay metric
 */
public record Frame(EncodedState state, boolean stale, byte[] wire, long receivedNanos) {
    /** Marks a state whose device timestamp is missing or not an integer: it cannot be ordered. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** Battery id. */
    public int battery() {
        return state.battery();
    }

    /** The hash's {@code timestamp}, or {@link #NO_TIMESTAMP}. */
    public long deviceTimestamp() {
        return state.deviceTimestamp();
    }

    /** Whether this frame carries a usable device timestamp. */
    public boolean ordered() {
        return state.ordered();
    }

    /**
     * The hash the ordering rule compares: a stale frame repeats its state's values but is not a repeat of the
     * frame without the flag, so it must differ from it.
     */
    public int orderHash() {
        return orderHash(state, stale);
    }

    /**
     * The hash the ordering rule compares for a state shown with or without the stale flag.
     *
     * @param state the state
     * @param stale whether it is shown stale
     * @return the hash
     */
    public static int orderHash(EncodedState state, boolean stale) {
        return stale ? ~state.stateHash() : state.stateHash();
    }

    /**
     * Whether this frame should take the place of another one of the same battery that is queued or held: the one
     * ordering rule of the hub, whoever published the two. A newer state wins ({@link EncodedState#supersedes}); a
     * stale flag wins only over the very state it flags, never over a newer one.
     *
     * @param other the frame queued or held now
     * @return true to replace it
     */
    public boolean replaces(Frame other) {
        return state.supersedes(other.state) || stale && !other.stale && state.equals(other.state);
    }

    /** The frame's text, decoded from its wire bytes (for logs and tests). */
    public String text() {
        int length = wire[1] & 0x7f;
        int header = length < 126 ? 2 : length == 126 ? 4 : 10;
        return new String(wire, header, wire.length - header, StandardCharsets.UTF_8);
    }
}

package io.bess.wsms.hub;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One encoded update of one battery, shared by every client that receives it: as a WebSocket frame (encoded once
 * when the update is read) and, for clients of the event stream, as a Server-Sent Event (encoded from the same
 * bytes the first time an SSE client needs it, then shared by all of them).
 */
public final class Frame {
    /** Marks a state whose device timestamp is missing or not an integer: it cannot be ordered. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final EncodedState state;
    private final boolean stale;
    private final byte[] wire;
    private final long receivedNanos;
    /**
     * The SSE event, made on first use. Volatile: a racing second encoder makes an equal array, and the reference
     * must not be seen before the bytes it points to.
     */
    private volatile byte[] sse;

    /**
     * Creates a frame.
     *
     * @param state         the battery's state
     * @param stale         whether the frame flags the battery as stale (its state is older than the stale time)
     * @param wire          the complete WebSocket text frame, encoded once and written as is to every recipient;
     *                      never modified
     * @param receivedNanos {@link System#nanoTime()} when the publish was received, for the delivery-delay metric
     *                      and the rate cap
     */
    public Frame(EncodedState state, boolean stale, byte[] wire, long receivedNanos) {
        this.state = Objects.requireNonNull(state);
        this.stale = stale;
        this.wire = Objects.requireNonNull(wire);
        this.receivedNanos = receivedNanos;
    }

    /** The battery's state. */
    public EncodedState state() {
        return state;
    }

    /** Whether the frame flags the battery as stale. */
    public boolean stale() {
        return stale;
    }

    /** The complete WebSocket frame; never modified. */
    public byte[] wire() {
        return wire;
    }

    /** {@link System#nanoTime()} when the publish was received. */
    public long receivedNanos() {
        return receivedNanos;
    }

    /**
     * The same frame as one Server-Sent Event ({@code data: <json>} and a blank line): made from the WebSocket
     * frame's payload the first time it is asked for, then shared by every SSE client. A frame no SSE client
     * receives never pays for it.
     *
     * @return the event's bytes; never modified
     */
    public byte[] sse() {
        byte[] event = sse;
        if (event == null) {
            int header = payloadOffset();
            event = SseFormat.data(wire, header, wire.length - header);
            sse = event;
        }
        return event;
    }

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
        int header = payloadOffset();
        return new String(wire, header, wire.length - header, StandardCharsets.UTF_8);
    }

    /** Where the payload starts: server frames are unmasked, with 2, 4 or 10 header bytes. */
    private int payloadOffset() {
        int length = wire[1] & 0x7f;
        return length < 126 ? 2 : length == 126 ? 4 : 10;
    }

    @Override
    public String toString() {
        return "Frame[battery=" + battery() + ", timestamp=" + deviceTimestamp() + ", stale=" + stale + "]";
    }
}

package io.bess.wsms.hub;

/**
 * One encoded update of one battery, shared by every client that receives it.
 *
 * @param battery         battery id
 * @param deviceTimestamp the hash's {@code timestamp} (epoch ms), or {@link #NO_TIMESTAMP} when it is not an integer
 * @param stateHash       hash of the battery's fields, to tell a repeat of a state from a new state with the same
 *                        timestamp
 * @param json            the frame's text
 * @param wire            the complete WebSocket frame, encoded once and written as is to every recipient; never
 *                        modified
 * @param receivedNanos   {@link System#nanoTime()} when the publish was received, for the delivery-delay metric
 */
public record Frame(int battery, long deviceTimestamp, int stateHash, String json, byte[] wire,
                    long receivedNanos) {
    /** Marks a frame whose device timestamp is missing or not an integer: it cannot be ordered. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /**
     * A frame whose wire bytes are encoded from its text.
     *
     * @param battery         battery id
     * @param deviceTimestamp device timestamp or {@link #NO_TIMESTAMP}
     * @param stateHash       hash of the battery's fields
     * @param json            the frame's text
     * @param receivedNanos   receipt time, monotonic
     */
    public Frame(int battery, long deviceTimestamp, int stateHash, String json, long receivedNanos) {
        this(battery, deviceTimestamp, stateHash, json, WireFormat.text(json), receivedNanos);
    }

    /** Whether this frame carries a usable device timestamp. */
    public boolean ordered() {
        return deviceTimestamp != NO_TIMESTAMP;
    }
}

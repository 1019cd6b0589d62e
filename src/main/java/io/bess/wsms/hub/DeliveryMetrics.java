package io.bess.wsms.hub;

/** What the hub and the writers report about delivery; implemented by the metrics layer. */
public interface DeliveryMetrics {
    /** Reports nothing. */
    DeliveryMetrics NONE = new DeliveryMetrics() {
    };

    /**
     * Update frames were written to a client in one socket write.
     *
     * @param frames             how many update frames the write held
     * @param oldestSinceReceivedNanos time from receiving the oldest of their publishes to the end of the write: one
     *                           sample per write, the worst frame of it, so the cost stays per write, not per frame
     */
    default void framesSent(int frames, long oldestSinceReceivedNanos) {
    }

    /**
     * A snapshot was put together.
     *
     * @param fromMemory battery states taken from memory
     * @param fromStore  battery states that had to be read from Redis
     */
    default void snapshotStates(int fromMemory, int fromStore) {
    }

    /** A queued state was replaced by a newer one before its client read it. */
    default void frameConflated() {
    }

    /** A client's command was refused: it sent more than its rate limit allows. */
    default void commandRefused() {
    }

    /**
     * A client was closed by the server.
     *
     * @param reason why, as a metric label
     */
    default void clientClosed(String reason) {
    }
}

package io.bess.wsms.hub;

/** What the hub and the writers report about delivery; implemented by the metrics layer. */
public interface DeliveryMetrics {
    /** Reports nothing. */
    DeliveryMetrics NONE = new DeliveryMetrics() {
    };

    /**
     * A frame was written to a client.
     *
     * @param sinceReceivedNanos time from receiving the publish to the end of the write
     */
    default void frameSent(long sinceReceivedNanos) {
    }

    /** A queued state was replaced by a newer one before its client read it. */
    default void frameConflated() {
    }

    /**
     * A client was closed by the server.
     *
     * @param reason why, as a metric label
     */
    default void clientClosed(String reason) {
    }
}

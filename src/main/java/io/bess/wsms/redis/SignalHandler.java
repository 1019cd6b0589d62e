package io.bess.wsms.redis;

/** What a channel subscriber reports upward; implementations must not throw. */
interface SignalHandler {
    /**
     * A publish arrived on the battery's channel.
     *
     * @param battery       battery id
     * @param wsTimestamp   server clock (epoch ms) at receipt
     * @param receivedNanos monotonic clock at receipt
     */
    void onSignal(int battery, long wsTimestamp, long receivedNanos);

    /**
     * The subscription is confirmed (first time or after a reconnect): publishes sent before it were missed.
     *
     * @param battery battery id
     */
    void onSubscribed(int battery);
}

package io.bess.wsms.redis;

/**
 * A battery changed: one or more publishes on its channel, coalesced until its hash is read.
 *
 * @param wsTimestamp   server clock (epoch ms) at the newest publish: the {@code ws_timestamp} of the state read
 * @param receivedNanos monotonic clock at the oldest publish, for the delivery-delay metric
 */
record Signal(long wsTimestamp, long receivedNanos) {
    /** The signal that stands for both: the newest receipt time and the oldest wait. */
    Signal merge(Signal later) {
        return new Signal(Math.max(wsTimestamp, later.wsTimestamp), Math.min(receivedNanos, later.receivedNanos));
    }
}

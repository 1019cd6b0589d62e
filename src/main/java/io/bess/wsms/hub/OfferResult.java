package io.bess.wsms.hub;

/** What became of a frame offered to a client's outbox. */
public enum OfferResult {
    /** Queued for the writer. */
    QUEUED,
    /** Replaced an older queued state of the same battery (the client is behind). */
    CONFLATED,
    /** Older than the state already queued for its battery (another publisher got there first): dropped. */
    OUTDATED,
    /** Held back by the client's rate cap until its battery's interval has passed (a newer state may replace it). */
    HELD,
    /** Replaced a state the rate cap was holding back: the older one is skipped, as the cap asks. */
    SKIPPED,
    /** The session is closing; the frame was not queued. */
    CLOSED
}

package io.bess.wsms.hub;

/** What became of a frame offered to a client's outbox. */
public enum OfferResult {
    /** Queued for the writer. */
    QUEUED,
    /** Replaced an older queued state of the same battery (the client is behind). */
    CONFLATED,
    /** Older than the state already queued for its battery (another publisher got there first): dropped. */
    OUTDATED,
    /** The session is closing; the frame was not queued. */
    CLOSED
}

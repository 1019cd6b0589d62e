package io.bess.wsms.web;

import java.time.Duration;

/**
 * One connection's command budget: a token bucket that refills at the configured rate and holds twice that many
 * tokens, so that a dashboard may send a burst (switching views) but not a flood. A client that keeps exceeding it
 * for {@link #SUSTAINED} is closed; a client that stays under it for a second is forgiven. Used by the connection's
 * reader thread only.
 */
final class CommandRateLimit {
    /** Excess lasting this long closes the connection (1008). */
    static final Duration SUSTAINED = Duration.ofSeconds(10);
    /** A second without a refused command ends a run of excess. */
    private static final long FORGIVEN_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long refilledNanos;
    private long excessSinceNanos;
    private long lastRefusedNanos;

    /** What became of one command. */
    enum Verdict {
        /** Within the budget: handle it. */
        ALLOWED,
        /** Over the budget: refuse it with {@code rate_limited}. */
        REFUSED,
        /** Over the budget for {@link #SUSTAINED}: close the connection. */
        CLOSE
    }

    /**
     * Creates a full bucket.
     *
     * @param perSecond commands per second on average
     * @param nowNanos  {@link System#nanoTime()}
     */
    CommandRateLimit(int perSecond, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.capacity = 2.0 * perSecond;
        this.tokens = capacity;
        this.refilledNanos = nowNanos;
    }

    /**
     * Takes a token for one command.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return whether to handle it, refuse it, or close the connection
     */
    Verdict take(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - refilledNanos) * perNano);
        refilledNanos = nowNanos;
        if (excessSinceNanos != 0 && nowNanos - lastRefusedNanos > FORGIVEN_AFTER_NANOS) {
            excessSinceNanos = 0;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ALLOWED;
        }
        if (excessSinceNanos == 0) {
            excessSinceNanos = nowNanos;
        }
        lastRefusedNanos = nowNanos;
        return nowNanos - excessSinceNanos >= SUSTAINED.toNanos() ? Verdict.CLOSE : Verdict.REFUSED;
    }
}

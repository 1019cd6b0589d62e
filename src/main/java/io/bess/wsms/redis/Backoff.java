package io.bess.wsms.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with full jitter, so that hundreds of subscribers losing Redis at once do not all
 * knock on its door at the same instant when it returns.
 */
final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private int attempt;

    Backoff(Duration base, Duration cap) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
    }

    /** The next wait: random in [base/2, min(cap, base * 2^attempt)]. */
    Duration next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, 20));
        attempt++;
        long floor = Math.min(baseMillis / 2, ceiling);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(floor, ceiling + 1));
    }

    void reset() {
        attempt = 0;
    }
}

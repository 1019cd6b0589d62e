package io.bess.wsms.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 3, point 1: subscribers retry with capped exponential backoff plus jitter. */
class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofSeconds(5);

    @Test
    void waitsGrowExponentiallyUpToTheCapWithJitter() {
        Backoff backoff = new Backoff(BASE, CAP);
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(attempt, 20));
            long wait = backoff.next().toMillis();
            assertThat(wait).as("attempt " + attempt).isBetween(BASE.toMillis() / 2, ceiling);
        }
    }

    @Test
    void manySubscribersDoNotRetryInStep() {
        Set<Long> waits = new HashSet<>();
        for (int subscriber = 0; subscriber < 100; subscriber++) {
            Backoff backoff = new Backoff(BASE, CAP);
            for (int i = 0; i < 6; i++) {
                backoff.next();
            }
            waits.add(backoff.next().toMillis());
        }
        // 100 subscribers at their 7th retry: spread over [50 ms, 5 s], not one instant
        assertThat(waits.size()).isGreaterThan(50);
    }

    @Test
    void resetStartsOverFromTheBase() {
        Backoff backoff = new Backoff(BASE, CAP);
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();
        assertThat(backoff.next().toMillis()).isBetween(BASE.toMillis() / 2, BASE.toMillis());
    }
}

package io.bess.wsms.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 15, point 3: one shared timer thread runs every connection's expiry; refreshed ones are cancelled. */
class ExpiryTimerTest {
    @Test
    void thousandsOfDeadlinesRunOnOneThreadAndCancelledOnesNever() throws Exception {
        try (ExpiryTimer timer = new ExpiryTimer()) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            AtomicInteger ran = new AtomicInteger();
            List<ExpiryTimer.Deadline> cancelled = new ArrayList<>();
            Instant soon = Instant.now().plusMillis(300);
            for (int i = 0; i < 2000; i++) {
                ExpiryTimer.Deadline d = timer.at(soon, () -> {
                    threads.add(Thread.currentThread().getName());
                    ran.incrementAndGet();
                });
                if (i % 2 == 1) {
                    cancelled.add(d);
                }
            }
            cancelled.forEach(ExpiryTimer.Deadline::cancel);
            // cancelled deadlines have left the queue: they cannot run
            assertThat(timer.pending()).isEqualTo(1000);
            await().atMost(Duration.ofSeconds(20)).until(() -> timer.pending() == 0 && ran.get() == 1000);
            assertThat(threads).containsExactly("token-expiry");
        }
    }

    @Test
    void noExpiryMeansNothingScheduled() {
        try (ExpiryTimer timer = new ExpiryTimer()) {
            timer.at(Instant.MAX, () -> { }).cancel();
            assertThat(timer.pending()).isZero();
        }
    }
}

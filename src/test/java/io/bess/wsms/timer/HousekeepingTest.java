package io.bess.wsms.timer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import io.bess.wsms.support.LogCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A housekeeping loop survives an action that throws, and one that stops making passes shows as late. */
class HousekeepingTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void aLoopWhoseActionThrowsKeepsRunningLogsEachDistinctErrorOnceAndCountsEveryFailure() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger passes = new AtomicInteger();
        try (LogCapture log = LogCapture.of(Periodic.class.getName(), Level.WARNING);
             Housekeeping housekeeping = new Housekeeping(loop -> failures.incrementAndGet())) {
            housekeeping.every("flaky", Duration.ofMillis(20), () -> {
                int pass = passes.incrementAndGet();
                if (pass % 2 == 0) {
                    throw new IllegalStateException(pass % 4 == 0 ? "first kind" : "second kind");
                }
            });
            await().atMost(PATIENCE).until(() -> passes.get() >= 20);
            assertThat(failures.get()).as("every failed pass counted").isGreaterThanOrEqualTo(9);
            assertThat(log.count(Level.WARNING, "first kind")).isEqualTo(1);
            assertThat(log.count(Level.WARNING, "second kind")).isEqualTo(1);
            assertThat(housekeeping.late(System.nanoTime())).isEmpty();
        }
    }

    @Test
    void aLoopThatHangsIsReportedLateAfterThreePeriodsAndAHealthyOneIsNot() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        try (Housekeeping housekeeping = new Housekeeping(Housekeeping.Failures.NONE)) {
            housekeeping.every("healthy", Duration.ofMillis(50), () -> { });
            housekeeping.every("hangs", Duration.ofMillis(50), hangs(entered, release));
            entered.await();
            await().atMost(PATIENCE).until(() -> !housekeeping.late(System.nanoTime()).isEmpty());
            assertThat(housekeeping.late(System.nanoTime())).containsExactly("hangs");
            release.countDown();
            await().atMost(PATIENCE).until(() -> housekeeping.late(System.nanoTime()).isEmpty());
        }
    }

    @Test
    void aPassAllowedToWaitIsNotLateWhileItWaitsWithinItsAllowance() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Housekeeping housekeeping = new Housekeeping(Housekeeping.Failures.NONE)) {
            housekeeping.every("reads-redis", Duration.ofMillis(20), Duration.ofMinutes(5), hangs(entered, release));
            entered.await();
            await().during(Duration.ofMillis(300)).atMost(PATIENCE)
                    .until(() -> housekeeping.late(System.nanoTime()).isEmpty());
            release.countDown();
        }
    }

    /** A pass that says it started, then waits until released. */
    private static Runnable hangs(CountDownLatch entered, CountDownLatch release) {
        return () -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}

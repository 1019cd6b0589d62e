package io.bess.wsms.hub;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.bess.wsms.timer.Housekeeping;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rate cap's one timer: everyone scheduled is called once, never after its time and at most
 * {@link RateWheel#EARLY_NANOS} before it, however far away the time and however late the wheel turns; and the wheel
 * turns only once someone is capped. Turned by hand with chosen times, so nothing here depends on the machine's speed.
 */
class RateWheelTest {
    private static final long MS = 1_000_000;
    private static final long START = 1_000_000 * MS;

    @Test
    void tenThousandClientsAreEachCalledOnceNeverLateAndAtMostTwoTicksEarly() {
        RateWheel wheel = RateWheel.turnedByHand(START);
        int clients = 10_000;
        Map<Integer, Long> due = new ConcurrentHashMap<>();
        Map<Integer, Long> calledAt = new ConcurrentHashMap<>();
        Map<Integer, Long> passBefore = new ConcurrentHashMap<>();
        AtomicLong previousPass = new AtomicLong(START);
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < clients; i++) {
            int client = i;
            // from just past the early margin (a cap holds nothing due sooner: it lets it go at once) to 12 s away:
            // within the first turn of the wheel and several turns later
            long at = START + ThreadLocalRandom.current().nextLong(RateWheel.EARLY_NANOS + 1, 12_000 * MS);
            due.put(client, at);
            wheel.schedule(now -> {
                calls.incrementAndGet();
                passBefore.put(client, previousPass.get());
                calledAt.merge(client, now, (a, b) -> {
                    throw new AssertionError("client " + client + " called twice");
                });
            }, at);
        }
        assertThat(wheel.size()).isEqualTo(clients);
        // turned every millisecond or so, with a few late passes (a busy machine) thrown in
        long now = START;
        while (now < START + 13_000 * MS) {
            now += ThreadLocalRandom.current().nextInt(100) == 0 ? 300 * MS : MS;
            wheel.turn(now);
            previousPass.set(now);
        }
        assertThat(calls.get()).isEqualTo(clients);
        assertThat(wheel.size()).isZero();
        for (int client = 0; client < clients; client++) {
            long early = due.get(client) - calledAt.get(client);
            assertThat(early).as("client %d: ns called before its time", client)
                    .isLessThanOrEqualTo(RateWheel.EARLY_NANOS);
            assertThat(passBefore.get(client)).as("client %d: no pass at or after its time went by without it", client)
                    .isLessThan(due.get(client));
        }
    }

    @Test
    void aClientIsCalledAtTheFirstPassAtOrAfterItsTimeLessTheEarlyMarginNotBefore() {
        RateWheel wheel = RateWheel.turnedByHand(START);
        AtomicLong called = new AtomicLong(-1);
        long at = START + 500 * MS;
        wheel.schedule(called::set, at);
        wheel.turn(at - RateWheel.EARLY_NANOS - 2 * RateWheel.TICK.toNanos());
        assertThat(called.get()).as("well before its time").isEqualTo(-1);
        wheel.turn(at);
        assertThat(called.get()).as("at its time").isEqualTo(at);
    }

    @Test
    void aTimeAlreadyPastIsCalledAtTheNextTick() {
        RateWheel wheel = RateWheel.turnedByHand(START);
        wheel.turn(START + 100 * MS);
        AtomicLong called = new AtomicLong(-1);
        wheel.schedule(called::set, START + 10 * MS);
        long nextTick = START + 100 * MS + RateWheel.TICK.toNanos();
        wheel.turn(nextTick);
        assertThat(called.get()).isEqualTo(nextTick);
    }

    @Test
    void aPauseLongerThanATurnCallsEveryoneDueAtTheNextPass() {
        RateWheel wheel = RateWheel.turnedByHand(START);
        AtomicInteger calls = new AtomicInteger();
        for (int i = 1; i <= 1000; i++) {
            wheel.schedule(now -> calls.incrementAndGet(), START + i * 10 * MS);
        }
        AtomicInteger later = new AtomicInteger();
        wheel.schedule(now -> later.incrementAndGet(), START + 60_000 * MS);
        // the loop's thread did not run for 30 s: six turns of the wheel missed
        wheel.turn(START + 30_000 * MS);
        assertThat(calls.get()).isEqualTo(1000);
        assertThat(later.get()).as("a time a minute away still waits").isZero();
        wheel.turn(START + 60_000 * MS);
        assertThat(later.get()).isEqualTo(1);
    }

    @Test
    void oneThrowingClientDoesNotKeepTheOthersWaiting() {
        RateWheel wheel = RateWheel.turnedByHand(START);
        AtomicInteger calls = new AtomicInteger();
        wheel.schedule(now -> {
            throw new IllegalStateException("a bug in one client");
        }, START + 10 * MS);
        wheel.schedule(now -> calls.incrementAndGet(), START + 10 * MS);
        try {
            wheel.turn(START + 20 * MS);
        } catch (IllegalStateException expected) {
            // reported to the loop, which logs and counts it
        }
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void theWheelTurnsOnlyOnceAClientIsCappedAndThenByItself() {
        try (Housekeeping housekeeping = new Housekeeping(Housekeeping.Failures.NONE)) {
            RateWheel wheel = new RateWheel(housekeeping);
            assertThat(wheel.started()).as("no capped client: no loop").isFalse();
            AtomicLong called = new AtomicLong(-1);
            long at = System.nanoTime() + Duration.ofMillis(200).toNanos();
            wheel.schedule(called::set, at);
            assertThat(wheel.started()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> called.get() != -1);
            assertThat(at - called.get()).as("ns before its time").isLessThanOrEqualTo(RateWheel.EARLY_NANOS);
            assertThat(housekeeping.late(System.nanoTime())).isEmpty();
            wheel.stop();
        }
    }
}

package io.bess.wsms.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-connection token bucket, on a clock the test moves. */
class CommandRateLimitTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstOfTwiceTheRateIsAllowedThenTheRateItself() {
        CommandRateLimit limit = new CommandRateLimit(20, 0);
        for (int i = 0; i < 40; i++) {
            assertThat(limit.take(0)).as("command %d of the burst", i).isEqualTo(CommandRateLimit.Verdict.ALLOWED);
        }
        assertThat(limit.take(0)).isEqualTo(CommandRateLimit.Verdict.REFUSED);
        // 50 ms later one token is back
        assertThat(limit.take(SECOND / 20)).isEqualTo(CommandRateLimit.Verdict.ALLOWED);
        assertThat(limit.take(SECOND / 20)).isEqualTo(CommandRateLimit.Verdict.REFUSED);
    }

    @Test
    void tenSecondsOfExcessCloseAndASecondUnderTheLimitForgives() {
        CommandRateLimit limit = new CommandRateLimit(20, 0);
        long now = 0;
        // 40 commands a second: the bucket of 40 is empty after 2 s, then half of them are refused, without a pause
        while (now < 11 * SECOND) {
            assertThat(limit.take(now)).isNotEqualTo(CommandRateLimit.Verdict.CLOSE);
            now += SECOND / 40;
        }
        CommandRateLimit.Verdict last = CommandRateLimit.Verdict.ALLOWED;
        while (now < 13 * SECOND && last != CommandRateLimit.Verdict.CLOSE) {
            last = limit.take(now);
            now += SECOND / 40;
        }
        assertThat(last).isEqualTo(CommandRateLimit.Verdict.CLOSE);

        CommandRateLimit forgiving = new CommandRateLimit(20, 0);
        now = 0;
        for (int round = 0; round < 12; round++) {
            // a burst that exceeds the bucket, then two quiet seconds
            for (int i = 0; i < 60; i++) {
                assertThat(forgiving.take(now)).isNotEqualTo(CommandRateLimit.Verdict.CLOSE);
            }
            now += 2 * SECOND;
        }
    }
}

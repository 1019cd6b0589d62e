package io.bess.wsms.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox holds at most one state per battery and a bounded number of notices, and runs a writer only while
 * there is work.
 */
class OutboxTest {
    @Test
    void newerStateOfTheSameBatteryReplacesTheQueuedOne() {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 10_000; i++) {
            OfferResult result = outbox.offer(frame(i % 3, i));
            assertThat(result).isEqualTo(i < 3 ? OfferResult.QUEUED : OfferResult.CONFLATED);
        }
        assertThat(outbox.pendingUpdates()).isEqualTo(3);
        assertThat(outbox.claimWriter()).isTrue();
        Outbox.Drain drain = new Outbox.Drain();
        assertThat(outbox.drainOrRelease(drain)).isTrue();
        assertThat(drain.updates).extracting(Frame::deviceTimestamp).containsExactly(9999L, 9997L, 9998L);
        assertThat(outbox.pendingUpdates()).isZero();
    }

    @Test
    void noticesBeyondTheBoundAreDropped() {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 1_000; i++) {
            outbox.notice(WireFormat.text("e" + i));
        }
        assertThat(outbox.claimWriter()).isTrue();
        Outbox.Drain drain = new Outbox.Drain();
        outbox.drainOrRelease(drain);
        assertThat(drain.notices).hasSize(Outbox.MAX_NOTICES);
    }

    @Test
    void closedOrEndedOutboxRefusesOffers() {
        Outbox outbox = new Outbox();
        outbox.close(1001, "bye");
        assertThat(outbox.offer(frame(1, 1))).isEqualTo(OfferResult.CLOSED);
        Outbox ended = new Outbox();
        ended.end();
        assertThat(ended.offer(frame(1, 1))).isEqualTo(OfferResult.CLOSED);
        assertThat(ended.claimWriter()).as("an ended session never runs a writer again").isFalse();
    }

    @Test
    void aWriterIsClaimedOnlyWithWorkAndWhileNoneRunsAndReleasedWhenTheOutboxIsEmpty() {
        Outbox outbox = new Outbox();
        assertThat(outbox.claimWriter()).as("nothing to do: no writer").isFalse();
        outbox.offer(frame(7, 1));
        assertThat(outbox.claimWriter()).isTrue();
        outbox.offer(frame(8, 1));
        assertThat(outbox.claimWriter()).as("one writer at a time").isFalse();

        Outbox.Drain drain = new Outbox.Drain();
        assertThat(outbox.drainOrRelease(drain)).isTrue();
        assertThat(drain.updates).hasSize(2);
        assertThat(outbox.drainOrRelease(drain)).as("empty: the writer ends").isFalse();
        assertThat(drain.updates).isEmpty();

        outbox.requestPing();
        assertThat(outbox.claimWriter()).as("the next work claims a new writer").isTrue();
    }

    private static Frame frame(int battery, long timestamp) {
        return new Frame(new EncodedState(battery, timestamp, (int) timestamp, "{}"), false,
                         WireFormat.text("f" + timestamp), 0);
    }
}

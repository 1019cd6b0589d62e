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

    @Test
    void anOlderStateOfferedLaterNeverReplacesTheNewerOneQueued() {
        Outbox outbox = new Outbox();
        assertThat(outbox.offer(frame(1, 20))).isEqualTo(OfferResult.QUEUED);
        assertThat(outbox.offer(frame(1, 10))).isEqualTo(OfferResult.OUTDATED);
        Outbox.Drain drain = new Outbox.Drain();
        outbox.claimWriter();
        outbox.drainOrRelease(drain);
        assertThat(drain.updates).extracting(Frame::deviceTimestamp).containsExactly(20L);
    }

    @Test
    void aStaleFlagReplacesOnlyTheStateItFlagsNeverANewerOne() {
        FrameEncoder encoder = new FrameEncoder(java.time.Duration.ofSeconds(10));
        EncodedState older = encoder.state(new BatteryState(1, java.util.Map.of("timestamp", "1000", "voltage", "1")));
        EncodedState newer = encoder.state(new BatteryState(1, java.util.Map.of("timestamp", "2000", "voltage", "2")));
        Frame staleOlder = encoder.update(older, 60_000, 0);
        Frame staleNewer = encoder.update(newer, 60_000, 0);
        assertThat(staleOlder.stale()).isTrue();

        // the stale watch flags the state it holds while a reader has just queued the battery's next state
        Outbox outbox = new Outbox();
        outbox.offer(encoder.update(newer, 2_001, 0));
        assertThat(outbox.offer(staleOlder)).isEqualTo(OfferResult.OUTDATED);
        assertThat(drained(outbox)).extracting(Frame::stale, Frame::deviceTimestamp)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(false, 2000L));

        // the same state flagged stale does replace it, and a repeat of it without the flag does not undo that
        outbox.offer(encoder.update(newer, 2_001, 0));
        assertThat(outbox.offer(staleNewer)).isEqualTo(OfferResult.CONFLATED);
        assertThat(outbox.offer(encoder.update(newer, 2_002, 0))).isEqualTo(OfferResult.OUTDATED);
        assertThat(drained(outbox)).extracting(Frame::stale).containsExactly(true);
    }

    private static java.util.List<Frame> drained(Outbox outbox) {
        Outbox.Drain drain = new Outbox.Drain();
        outbox.claimWriter();
        outbox.drainOrRelease(drain);
        outbox.drainOrRelease(new Outbox.Drain());
        return drain.updates;
    }

    private static Frame frame(int battery, long timestamp) {
        return new Frame(new EncodedState(battery, timestamp, (int) timestamp, "{}"), false,
                         WireFormat.text("f" + timestamp), 0);
    }
}

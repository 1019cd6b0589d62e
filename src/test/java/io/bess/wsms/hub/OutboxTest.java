package io.bess.wsms.hub;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox holds at most one state per battery and a bounded number of notices. */
class OutboxTest {
    @Test
    void newerStateOfTheSameBatteryReplacesTheQueuedOne() throws Exception {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 10_000; i++) {
            OfferResult result = outbox.offer(new Frame(i % 3, i, "f" + i, 0));
            assertThat(result).isEqualTo(i < 3 ? OfferResult.QUEUED : OfferResult.CONFLATED);
        }
        assertThat(outbox.pendingUpdates()).isEqualTo(3);
        Outbox.Batch batch = outbox.await(TimeUnit.SECONDS.toNanos(1));
        assertThat(batch.updates()).extracting(Frame::json).containsExactly("f9999", "f9997", "f9998");
    }

    @Test
    void noticesBeyondTheBoundAreDropped() throws Exception {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 1_000; i++) {
            outbox.notice(WireFormat.text("e" + i));
        }
        assertThat(outbox.await(TimeUnit.SECONDS.toNanos(1)).notices()).hasSize(Outbox.MAX_NOTICES);
    }

    @Test
    void closedOutboxRefusesOffers() {
        Outbox outbox = new Outbox();
        outbox.close(1001, "bye");
        assertThat(outbox.offer(new Frame(1, 1, "x", 0))).isEqualTo(OfferResult.CLOSED);
    }
}

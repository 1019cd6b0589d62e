package io.bess.wsms.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox holds at most one state per battery and a bounded number of notices. */
class OutboxTest {
    @Test
    void newerStateOfTheSameBatteryReplacesTheQueuedOne() throws Exception {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 10_000; i++) {
            OfferResult result = outbox.offer(new Frame(i % 3, i, i, "f" + i, 0));
            assertThat(result).isEqualTo(i < 3 ? OfferResult.QUEUED : OfferResult.CONFLATED);
        }
        assertThat(outbox.pendingUpdates()).isEqualTo(3);
        Outbox.Drain drain = new Outbox.Drain();
        outbox.await(drain);
        assertThat(drain.updates).extracting(Frame::json).containsExactly("f9999", "f9997", "f9998");
        assertThat(outbox.pendingUpdates()).isZero();
    }

    @Test
    void noticesBeyondTheBoundAreDropped() throws Exception {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 1_000; i++) {
            outbox.notice(WireFormat.text("e" + i));
        }
        Outbox.Drain drain = new Outbox.Drain();
        outbox.await(drain);
        assertThat(drain.notices).hasSize(Outbox.MAX_NOTICES);
    }

    @Test
    void closedOutboxRefusesOffers() {
        Outbox outbox = new Outbox();
        outbox.close(1001, "bye");
        assertThat(outbox.offer(new Frame(1, 1, 1, "x", 0))).isEqualTo(OfferResult.CLOSED);
    }

    @Test
    void writerWaitingForWorkWakesOnAnOffer() throws Exception {
        Outbox outbox = new Outbox();
        Outbox.Drain drain = new Outbox.Drain();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                outbox.await(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        outbox.offer(new Frame(7, 1, 1, "x", 0));
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(drain.updates).hasSize(1);
    }
}

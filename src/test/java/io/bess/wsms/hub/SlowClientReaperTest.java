package io.bess.wsms.hub;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.bess.wsms.timer.Housekeeping;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A writer stuck in a write is closed, then dropped; one that even dropping the socket cannot free counts as
 * unreaped (liveness then reports DOWN).
 */
class SlowClientReaperTest {
    @Test
    void aWriterThatDroppingTheSocketCannotFreeCountsAsUnreaped() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        // a socket whose abort does not unblock its writer: the state only a restart fixes
        Transport stuck = new HubStandIns.QuietTransport() {
            @Override
            public void write(byte[] frames) {
                entered.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Hub hub = new Hub(batteries -> { }, new LatestStates());
        ClientSession session = HubStandIns.session(stuck);
        hub.register(session);
        entered.await();
        Duration timeout = Duration.ofMillis(200);
        try (Housekeeping housekeeping = new Housekeeping(Housekeeping.Failures.NONE)) {
            SlowClientReaper reaper = new SlowClientReaper(hub, timeout, housekeeping);
            assertThat(reaper.unreaped(System.nanoTime())).isZero();
            reaper.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> reaper.unreaped(System.nanoTime()) == 1);
            reaper.stop();
        } finally {
            never.countDown();
        }
    }
}

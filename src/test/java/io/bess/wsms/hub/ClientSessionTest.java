package io.bess.wsms.hub;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's own rules, with a socket stand-in that can fail on demand. */
class ClientSessionTest {
    private static final SnapshotSource NO_BATTERIES = new SnapshotSource() {
        @Override
        public List<BatteryState> readAll() {
            return List.of();
        }

        @Override
        public List<BatteryState> read(Collection<Integer> batteries) {
            return List.of();
        }
    };

    @Test
    void failedWriteDropsTheSocketAndEndsTheSession() throws Exception {
        AtomicBoolean aborted = new AtomicBoolean();
        Transport failing = new Transport() {
            @Override
            public void write(byte[] frames) {
                throw new TransportException(new java.io.IOException("broken pipe"));
            }

            @Override
            public void close(int code, String reason) {
            }

            @Override
            public void abort() {
                aborted.set(true);
            }
        };
        ClientSession session = new ClientSession(failing, Selection.EVERY_BATTERY, NO_BATTERIES, new FrameEncoder(),
                                                  DeliveryMetrics.NONE, Duration.ofSeconds(20));
        CountDownLatch ended = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> session.write(ended::countDown));
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(aborted).isTrue();
        assertThat(session.offer(new Frame(1, 1, 1, "{}", 0))).isEqualTo(OfferResult.CLOSED);
    }
}

package io.bess.wsms.hub;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's own rules, with a socket stand-in that can fail on demand. */
class ClientSessionTest {
    /** A store with no batteries: the test is about the writer, not about Redis. */
    private static final FleetStore NO_BATTERIES = new FleetStore() {
        @Override
        public Set<Integer> batteryIds() {
            return Set.of();
        }

        @Override
        public List<BatteryState> read(Collection<Integer> batteries) {
            return List.of();
        }

        @Override
        public Map<Integer, Long> timestamps(Collection<Integer> batteries) {
            return Map.of();
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
        Snapshots snapshots = new Snapshots(new LatestStates(), NO_BATTERIES, new FrameEncoder(), DeliveryMetrics.NONE);
        ClientSession session = new ClientSession(failing, Selection.EVERY_BATTERY, snapshots, DeliveryMetrics.NONE,
                                                  Duration.ofSeconds(20));
        CountDownLatch ended = new CountDownLatch(1);
        session.start(ended::countDown);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(aborted).isTrue();
        Frame frame = new FrameEncoder().update(new BatteryState(1, Map.of("timestamp", "1")), 2, 0);
        assertThat(session.offer(frame)).isEqualTo(OfferResult.CLOSED);
    }
}

package io.bess.wsms.hub;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's own rules, with socket stand-ins that record writes or fail on demand. */
class ClientSessionTest {
    @Test
    void theWriterEndsWhenTheOutboxIsEmptyAndABatchOfUpdatesGoesOutInOneWrite() throws Exception {
        HubStandIns.RecordingTransport socket = new HubStandIns.RecordingTransport();
        Hub hub = new Hub(batteries -> { }, new LatestStates());
        ClientSession session = HubStandIns.session(socket);
        hub.register(session);
        byte[] snapshot = socket.writes.poll(10, TimeUnit.SECONDS);
        assertThat(new String(snapshot, 2, snapshot.length - 2, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{}");
        Thread writer = socket.writers.poll(10, TimeUnit.SECONDS);
        writer.join(10_000);
        assertThat(writer.isAlive()).as("no thread for a client with nothing to send").isFalse();

        FrameEncoder encoder = new FrameEncoder();
        List<Frame> batch = List.of(
                encoder.update(new BatteryState(1, Map.of("timestamp", "10", "voltage", "1")), 20, 0),
                encoder.update(new BatteryState(2, Map.of("timestamp", "10", "voltage", "2")), 20, 0),
                encoder.update(new BatteryState(3, Map.of("timestamp", "10", "voltage", "3")), 20, 0));
        hub.publish(batch);
        byte[] written = socket.writes.poll(10, TimeUnit.SECONDS);
        assertThat(written).as("three frames, one write")
                .hasSize(batch.stream().mapToInt(f -> f.wire().length).sum());
        assertThat(socket.writes.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

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

            @Override
            public boolean isOpen() {
                return !aborted.get();
            }
        };
        ClientSession session = HubStandIns.session(failing);
        CountDownLatch ended = new CountDownLatch(1);
        session.start(ended::countDown);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(aborted).isTrue();
        Frame frame = new FrameEncoder().update(new BatteryState(1, Map.of("timestamp", "1")), 2, 0);
        assertThat(session.offer(frame)).isEqualTo(OfferResult.CLOSED);
    }
}

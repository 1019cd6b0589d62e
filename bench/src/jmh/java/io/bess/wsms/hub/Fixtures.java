package io.bess.wsms.hub;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** In-memory stand-ins for the network side: the hub's own code runs unchanged. */
final class Fixtures {
    private Fixtures() {
    }

    /** A hash as the pipeline writes it (HGETALL order). */
    static BatteryState state(int battery, long timestamp) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("timestamp", Long.toString(timestamp));
        f.put("voltage", "136");
        f.put("current", "108");
        f.put("temperature", "347");
        f.put("state_of_charge", "36");
        f.put("state_of_health", "49");
        return new BatteryState(battery, f);
    }

    /** A transport that only counts its writer's socket writes (one per wake-up: all queued frames at once). */
    static final class CountingTransport implements Transport {
        final LongAdder sent;

        CountingTransport(LongAdder sent) {
            this.sent = sent;
        }

        @Override
        public void write(byte[] frames) {
            sent.increment();
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public void abort() {
        }
    }

    static final SnapshotSource EMPTY = new SnapshotSource() {
        @Override
        public List<BatteryState> readAll() {
            return List.of();
        }

        @Override
        public List<BatteryState> read(java.util.Collection<Integer> batteries) {
            return List.of();
        }
    };

    static ClientSession session(Transport t, Selection selection, FrameEncoder encoder) {
        return new ClientSession(t, selection, EMPTY, encoder, DeliveryMetrics.NONE, Duration.ofHours(1));
    }
}

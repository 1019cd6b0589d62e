package io.bess.wsms.hub;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * A transport that only counts its writer's socket writes (one per writer pass: all queued frames at once) and,
     * when asked, the frames in them.
     */
    static final class CountingTransport implements Transport {
        final LongAdder sent;
        final LongAdder frames;

        CountingTransport(LongAdder sent) {
            this(sent, null);
        }

        CountingTransport(LongAdder sent, LongAdder frames) {
            this.sent = sent;
            this.frames = frames;
        }

        @Override
        public void write(byte[] wire) {
            sent.increment();
            if (frames != null) {
                frames.add(count(wire));
            }
        }

        /** Server frames are unmasked: 2, 4 or 10 header bytes, then the payload. */
        private static int count(byte[] wire) {
            int n = 0;
            int at = 0;
            while (at < wire.length) {
                int length = wire[at + 1] & 0x7f;
                int header = 2;
                if (length == 126) {
                    length = (wire[at + 2] & 0xff) << 8 | wire[at + 3] & 0xff;
                    header = 4;
                } else if (length == 127) {
                    long l = 0;
                    for (int i = 0; i < 8; i++) {
                        l = l << 8 | wire[at + 2 + i] & 0xff;
                    }
                    length = (int) l;
                    header = 10;
                }
                at += header + length;
                n++;
            }
            return n;
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public void abort() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    /** A store with no batteries: the benchmarks are about the hub, not about Redis. */
    static final FleetStore EMPTY = new FleetStore() {
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

    static ClientSession session(Transport t, Selection selection, FrameEncoder encoder) {
        Snapshots snapshots = new Snapshots(new LatestStates(), EMPTY, encoder, DeliveryMetrics.NONE);
        return new ClientSession(t, selection, snapshots, DeliveryMetrics.NONE, Duration.ofHours(1), WHEEL);
    }

    /** The rate wheel of the benchmarks' sessions: it turns only if one of them is capped. */
    static final RateWheel WHEEL = new RateWheel(new io.bess.wsms.timer.Housekeeping(
            io.bess.wsms.timer.Housekeeping.Failures.NONE));

    /** A hub whose upstream subscriptions go nowhere. */
    static Hub hub() {
        return new Hub(batteries -> { }, new LatestStates());
    }
}

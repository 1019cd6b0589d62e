package io.bess.wsms.hub;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.bess.wsms.timer.Housekeeping;

/** Stand-ins for the hub's network side in its unit tests: a store with no batteries and a recording socket. */
final class HubStandIns {
    /** A store with no batteries: these tests are about the hub and the writers, not about Redis. */
    static final FleetStore NO_BATTERIES = new FleetStore() {
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

    private HubStandIns() {
    }

    /** A session of every battery over a socket stand-in, not yet registered. */
    static ClientSession session(Transport socket) {
        Snapshots snapshots = new Snapshots(new LatestStates(), NO_BATTERIES, new FrameEncoder(),
                                            DeliveryMetrics.NONE);
        return new ClientSession(socket, Selection.EVERY_BATTERY, snapshots, DeliveryMetrics.NONE,
                                 Duration.ofSeconds(20), new RateWheel(new Housekeeping(Housekeeping.Failures.NONE)));
    }

    /** A socket stand-in that is always open and ignores closes: subclasses say what a write does. */
    abstract static class QuietTransport implements Transport {
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

    /** Records every write and the thread that made it. */
    static final class RecordingTransport extends QuietTransport {
        final BlockingQueue<byte[]> writes = new LinkedBlockingQueue<>();
        final BlockingQueue<Thread> writers = new LinkedBlockingQueue<>();

        @Override
        public void write(byte[] frames) {
            writes.add(frames.clone());
            writers.add(Thread.currentThread());
        }
    }
}

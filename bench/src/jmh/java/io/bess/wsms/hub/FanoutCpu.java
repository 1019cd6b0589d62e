package io.bess.wsms.hub;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fan-out cost as CPU time rather than wall time: on a shared 2-core machine wall-clock JMH scores swing with
 * whatever else runs, while the CPU this process burns per delivered frame does not (much). Publishes to N
 * in-memory sessions (the service's Hub and ClientSessions, their real outboxes and on-demand writers) and waits
 * until every writer has sent every frame: one battery per publish, and a batch of 10 batteries per publish, which
 * the hub hands to each writer at once (frames per socket write shows it). Run: {@code java -cp
 * bench.jar:service.jar io.bess.wsms.hub.FanoutCpu}.
 */
public final class FanoutCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private FanoutCpu() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("| publish | sessions | CPU us per delivered frame | wall us per delivered frame"
                + " | B allocated per delivered frame | frames per socket write |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int n : new int[] {1000, 10_000}) {
            int rounds = n == 1000 ? 2000 : 300;
            run("1 battery", n, rounds, 1);
            run("batch of 10 batteries", n, rounds / 10, 10);
        }
    }

    private static void run(String name, int n, int rounds, int batch) throws InterruptedException {
        try (Sessions sessions = new Sessions(n)) {
            FrameEncoder encoder = new FrameEncoder();
            long ts = 10;
            for (int i = 0; i < rounds / 2; i++) { // warm-up
                sessions.publishAndWait(frames(encoder, ++ts, batch));
            }
            System.gc();
            Thread.sleep(200);
            com.sun.management.ThreadMXBean tmx =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long alloc0 = tmx.getTotalThreadAllocatedBytes();
            long cpu0 = OS.getProcessCpuTime();
            long writes0 = sessions.writes.sum();
            long wall0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                sessions.publishAndWait(frames(encoder, ++ts, batch));
            }
            long wall = System.nanoTime() - wall0;
            long cpu = OS.getProcessCpuTime() - cpu0;
            // virtual threads' allocation is charged to their carriers, which are platform threads
            long alloc = tmx.getTotalThreadAllocatedBytes() - alloc0;
            long writes = sessions.writes.sum() - writes0;
            double delivered = (double) rounds * n * batch;
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.0f | %.2f |%n", name, n,
                              cpu / delivered / 1000, wall / delivered / 1000, alloc / delivered, delivered / writes);
        }
    }

    private static List<Frame> frames(FrameEncoder encoder, long ts, int batch) {
        List<Frame> frames = new ArrayList<>(batch);
        for (int battery = 1; battery <= batch; battery++) {
            frames.add(encoder.update(Fixtures.state(battery, ts), ts, System.nanoTime()));
        }
        return frames;
    }

    /** N clients of every battery on one hub, writing into transports that count writes and frames. */
    private static final class Sessions implements AutoCloseable {
        private final LongAdder writes = new LongAdder();
        private final LongAdder frames = new LongAdder();
        private final Hub hub = Fixtures.hub();
        private final List<ClientSession> clients = new ArrayList<>();

        Sessions(int n) throws InterruptedException {
            hub.knownBatteries(Set.of(1));
            FrameEncoder encoder = new FrameEncoder();
            for (int i = 0; i < n; i++) {
                ClientSession s = Fixtures.session(new Fixtures.CountingTransport(writes, frames),
                                                   Selection.EVERY_BATTERY, encoder);
                clients.add(s);
                hub.register(s);
            }
            while (frames.sum() < n) { // every snapshot sent
                Thread.sleep(1);
            }
        }

        void publishAndWait(List<Frame> batch) {
            long target = frames.sum() + (long) clients.size() * batch.size();
            hub.publish(batch);
            while (frames.sum() < target) {
                // park rather than spin: a spinning waiter would burn one of the two cores and count as fan-out CPU
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
        }

        @Override
        public void close() {
            clients.forEach(hub::unregister);
        }
    }
}

package io.bess.wsms.hub;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import io.bess.wsms.timer.Housekeeping;

/**
 * The service's own per-connection footprint, apart from Helidon's: live heap of N idle sessions registered with the
 * hub (ClientSession, Outbox, selection, sent states, the hub's indexes) after their snapshot was sent and their
 * writers ended; and the same sessions with a rate cap ({@code max_rate}) each holding a state back, with the
 * process's threads and the timer wheel's entries, which is what 10,000 capped clients cost. JMH measures time and
 * allocation, not retained size, so this is a plain main like {@link FanoutCpu}: {@code java -cp
 * bench.jar:service.jar io.bess.wsms.hub.SessionFootprint}. The bench's {@code many} and {@code capped} scenarios
 * measure the whole connection (Helidon's socket, buffers and reader thread included).
 */
public final class SessionFootprint {
    private SessionFootprint() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("| sessions | selection | rate cap | live heap per session, B | platform threads |"
                + " wheel entries |");
        System.out.println("|---:|---|---|---:|---:|---:|");
        for (int n : new int[] {1000, 10_000}) {
            measure(n, "every battery", i -> Selection.EVERY_BATTERY, false);
            measure(n, "one battery of 16", i -> Selection.of(Set.of(i % 16 + 1)), false);
            measure(n, "one battery of 16", i -> Selection.of(Set.of(i % 16 + 1)), true);
        }
    }

    private static void measure(int n, String label, java.util.function.IntFunction<Selection> selection,
                                boolean capped) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Hub hub = Fixtures.hub();
        hub.knownBatteries(Set.of(1));
        // one snapshot reader for all, as in the service
        FrameEncoder encoder = new FrameEncoder();
        Snapshots snapshots = new Snapshots(new LatestStates(), Fixtures.EMPTY, encoder, DeliveryMetrics.NONE);
        LongAdder writes = new LongAdder();
        List<ClientSession> clients = new ArrayList<>(n);
        try (Housekeeping housekeeping = new Housekeeping(Housekeeping.Failures.NONE)) {
            RateWheel wheel = new RateWheel(housekeeping);
            long before = usedAfterGc(memory);
            for (int i = 0; i < n; i++) {
                ClientSession s = new ClientSession(new Fixtures.CountingTransport(writes), selection.apply(i),
                                                    snapshots, DeliveryMetrics.NONE, Duration.ofHours(1), wheel);
                if (capped) {
                    // one state a minute: the second state of each battery stays held for the whole measurement
                    s.throttle(1 / 60.0);
                }
                clients.add(s);
                hub.register(s);
            }
            long expected = n;
            if (capped) {
                long ts = 10;
                for (int round = 0; round < 2; round++) {
                    ts++;
                    for (int battery = 1; battery <= 16; battery++) {
                        hub.publish(encoder.update(Fixtures.state(battery, ts), ts, System.nanoTime()));
                    }
                }
                expected += n; // the first state of each client's battery; the second is held
            }
            while (writes.sum() < expected) { // every snapshot (and first state) sent, every writer ended
                Thread.sleep(1);
            }
            Thread.sleep(200);
            long after = usedAfterGc(memory);
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %.0f | %d | %d |%n", n, label,
                              capped ? "1/min, a state held" : "none", (after - before) / (double) n,
                              ManagementFactory.getThreadMXBean().getThreadCount(), wheel.size());
            clients.forEach(hub::unregister);
            wheel.stop();
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}

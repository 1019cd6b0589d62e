package io.bess.wsms.hub;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The service's own per-connection footprint, apart from Helidon's: live heap of N idle sessions registered with the
 * hub (ClientSession, Outbox, selection, sent states, the hub's indexes) after their snapshot was sent and their
 * writers ended. JMH measures time and allocation, not retained size, so this is a plain main like
 * {@link FanoutCpu}: {@code java -cp bench.jar:service.jar io.bess.wsms.hub.SessionFootprint}. The bench's
 * {@code many} scenario measures the whole connection (Helidon's socket, buffers and reader thread included).
 */
public final class SessionFootprint {
    private SessionFootprint() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("| sessions | selection | live heap per session, B |");
        System.out.println("|---:|---|---:|");
        for (int n : new int[] {1000, 10_000}) {
            measure(n, "every battery", i -> Selection.EVERY_BATTERY);
            measure(n, "one battery of 16", i -> Selection.of(Set.of(i % 16 + 1)));
        }
    }

    private static void measure(int n, String label, java.util.function.IntFunction<Selection> selection)
            throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Hub hub = Fixtures.hub();
        hub.knownBatteries(Set.of(1));
        // one snapshot reader for all, as in the service
        Snapshots snapshots = new Snapshots(new LatestStates(), Fixtures.EMPTY, new FrameEncoder(),
                                            DeliveryMetrics.NONE);
        LongAdder writes = new LongAdder();
        List<ClientSession> clients = new ArrayList<>(n);
        long before = usedAfterGc(memory);
        for (int i = 0; i < n; i++) {
            ClientSession s = new ClientSession(new Fixtures.CountingTransport(writes), selection.apply(i), snapshots,
                                                DeliveryMetrics.NONE, Duration.ofHours(1));
            clients.add(s);
            hub.register(s);
        }
        while (writes.sum() < n) { // every snapshot sent, every writer ended
            Thread.sleep(1);
        }
        Thread.sleep(200);
        long after = usedAfterGc(memory);
        System.out.printf(Locale.ROOT, "| %d | %s | %.0f |%n", n, label, (after - before) / (double) n);
        clients.forEach(hub::unregister);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}

package io.bess.wsms.hub;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fan-out cost as CPU time rather than wall time: on a shared 2-core machine wall-clock JMH scores swing with
 * whatever else runs, while the CPU this process burns per delivered frame does not (much). Publishes one frame at
 * a time to N in-memory sessions and waits until every writer has sent it, for the service's Hub/ClientSession and
 * for the bench's LeanOutbox sketch (untimed and timed wait). Run: {@code java -cp bench.jar:service.jar
 * io.bess.wsms.hub.FanoutCpu}.
 */
public final class FanoutCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private FanoutCpu() {
    }

    interface Fanout extends AutoCloseable {
        void publish(Frame f);

        long sent();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        System.out.println("| implementation | sessions | CPU us per recipient | wall us per recipient | B allocated per recipient |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int n : new int[] {1000, 10_000}) {
            int rounds = n == 1000 ? 2000 : 300;
            run("service Hub + ClientSession", n, rounds, service(n));
            run("LeanOutbox, untimed wait", n, rounds, lean(n, false));
            run("LeanOutbox, timed wait", n, rounds, lean(n, true));
        }
    }

    private static void run(String name, int n, int rounds, Fanout fanout) throws InterruptedException {
        FrameEncoder encoder = new FrameEncoder();
        long ts = 10;
        for (int i = 0; i < rounds / 2; i++) { // warm-up
            publishAndWait(fanout, encoder, ++ts, n);
        }
        System.gc();
        Thread.sleep(200);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc0 = totalAllocated(tmx);
        long cpu0 = OS.getProcessCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            publishAndWait(fanout, encoder, ++ts, n);
        }
        long wall = System.nanoTime() - wall0;
        long cpu = OS.getProcessCpuTime() - cpu0;
        long alloc = totalAllocated(tmx) - alloc0;
        double per = (double) rounds * n;
        System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.0f |%n", name, n, cpu / per / 1000, wall / per / 1000,
                alloc / per);
        fanout.close();
    }

    /** Heap allocated by all platform threads (virtual threads' allocation is charged to their carriers). */
    private static long totalAllocated(com.sun.management.ThreadMXBean tmx) {
        return tmx.getTotalThreadAllocatedBytes();
    }

    private static void publishAndWait(Fanout fanout, FrameEncoder encoder, long ts, int n) {
        long target = fanout.sent() + n;
        fanout.publish(encoder.update(Fixtures.state(1, ts), ts, System.nanoTime()));
        while (fanout.sent() < target) {
            // park rather than spin: a spinning waiter would burn one of the two cores and count as fan-out CPU
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
    }

    private static Fanout service(int n) throws InterruptedException {
        LongAdder sent = new LongAdder();
        Hub hub = new Hub(b -> { });
        hub.knownBatteries(Set.of(1));
        FrameEncoder encoder = new FrameEncoder();
        List<ClientSession> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ClientSession s = Fixtures.session(new Fixtures.CountingTransport(sent), Selection.EVERY_BATTERY, encoder);
            clients.add(s);
            hub.register(s);
        }
        while (sent.sum() < n) {
            Thread.sleep(1);
        }
        return new Fanout() {
            @Override
            public void publish(Frame f) {
                hub.publish(f);
            }

            @Override
            public long sent() {
                return sent.sum();
            }

            @Override
            public void close() {
                clients.forEach(hub::unregister);
            }
        };
    }

    private static Fanout lean(int n, boolean timed) {
        LongAdder sent = new LongAdder();
        List<LeanOutbox> boxes = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LeanOutbox box = new LeanOutbox();
            boxes.add(box);
            Transport t = new Fixtures.CountingTransport(sent);
            writers.add(Thread.ofVirtual().start(() -> {
                Frame[][] batch = {new Frame[16]};
                try {
                    while (true) {
                        int k = box.drainTo(batch, timed);
                        for (int j = 0; j < k; j++) {
                            t.write(batch[0][j].wire());
                            batch[0][j] = null;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        return new Fanout() {
            @Override
            public void publish(Frame f) {
                for (LeanOutbox b : boxes) {
                    b.offer(f);
                }
            }

            @Override
            public long sent() {
                return sent.sum();
            }

            @Override
            public void close() {
                writers.forEach(Thread::interrupt);
            }
        };
    }
}

package io.bess.wsms.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Same measurement as {@link HubFanoutBench#publishAndDeliver} (one frame to N sessions, each with its own virtual
 * thread writer, until every writer has handed it to a counting transport), with the {@link LeanOutbox} sketch and a
 * minimal writer loop instead of the service's Outbox and ClientSession. The difference is what the service's
 * outbox and writer loop add per recipient; what remains is the virtual-thread wake-up itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class LeanFanoutBench {
    @Param({"1000", "10000"})
    int sessions;

    /** Whether the writer's wait is timed (the service's is: its ping timer). */
    @Param({"false", "true"})
    boolean timed;

    private final FrameEncoder encoder = new FrameEncoder();
    private final LongAdder sent = new LongAdder();
    private final List<LeanOutbox> outboxes = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private long timestamp = 1_000;
    private volatile boolean running = true;

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < sessions; i++) {
            LeanOutbox box = new LeanOutbox();
            outboxes.add(box);
            Transport t = new Fixtures.CountingTransport(sent);
            writers.add(Thread.ofVirtual().start(() -> {
                Frame[][] batch = {new Frame[16]};
                try {
                    while (running) {
                        int n = box.drainTo(batch, timed);
                        for (int k = 0; k < n; k++) {
                            t.write(batch[0][k].wire());
                            batch[0][k] = null;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        running = false;
        writers.forEach(Thread::interrupt);
    }

    /** Offers one frame to every session and waits until every writer has sent it. */
    @Benchmark
    public long publishAndDeliver() {
        long target = sent.sum() + sessions;
        long ts = ++timestamp;
        Frame frame = encoder.update(Fixtures.state(1, ts), ts, System.nanoTime());
        for (LeanOutbox box : outboxes) {
            box.offer(frame);
        }
        long s;
        while ((s = sent.sum()) < target) {
            // park, not spin: a spinning waiter takes one of the two cores away from the writers
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        return s;
    }
}

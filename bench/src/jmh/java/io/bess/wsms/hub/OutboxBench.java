package io.bess.wsms.hub;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The conflating outbox: offer from the fan-out thread while the client's writer drains it (contended), and both
 * on one thread (the uncontended floor).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboxBench {
    private final Outbox outbox = new Outbox();
    private final Frame[] frames = new Frame[10];
    private int next;

    public OutboxBench() {
        FrameEncoder encoder = new FrameEncoder();
        for (int i = 0; i < frames.length; i++) {
            frames[i] = encoder.update(Fixtures.state(i + 1, 1L), 2L, 0);
        }
    }

    /** The fan-out side: one offer of the next battery's frame. */
    @Benchmark
    @Group("contended")
    @GroupThreads(1)
    public OfferResult offer() {
        Frame f = frames[next++ % frames.length];
        return outbox.offer(f);
    }

    private final Outbox.Drain drain = new Outbox.Drain();

    /** The writer side: take whatever is queued (a writer that finds nothing ends). */
    @Benchmark
    @Group("contended")
    @GroupThreads(1)
    public int drain() {
        outbox.drainOrRelease(drain);
        return drain.updates.size();
    }

    /** One offer plus one drain on the same thread: the cost without a second thread on the lock. */
    @Benchmark
    @Group("uncontended")
    @GroupThreads(1)
    public int offerThenDrain() {
        outbox.offer(frames[next++ % frames.length]);
        outbox.drainOrRelease(drain);
        return drain.updates.size();
    }
}

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
 * The hub fanning one frame out to N in-memory sessions, each with its real outbox and its real writer (a virtual
 * thread), sending into a transport that only counts. {@code publish} is the broadcaster's cost alone;
 * {@code publishAndDeliver} waits until every writer has sent the frame, i.e. the whole per-update fan-out cost
 * except the socket write itself. Divide by N for the cost per recipient.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class HubFanoutBench {
    @Param({"1000", "10000"})
    int sessions;

    private final FrameEncoder encoder = new FrameEncoder();
    private final LongAdder sent = new LongAdder();
    private final List<ClientSession> clients = new ArrayList<>();
    private Hub hub;
    private long timestamp = 1_000;
    private long delivered;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        hub = Fixtures.hub();
        hub.knownBatteries(java.util.Set.of(1));
        for (int i = 0; i < sessions; i++) {
            ClientSession s = Fixtures.session(new Fixtures.CountingTransport(sent), Selection.EVERY_BATTERY, encoder);
            clients.add(s);
            hub.register(s);
        }
        while (sent.sum() < sessions) { // every snapshot sent
            Thread.sleep(1);
        }
        delivered = sent.sum();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (ClientSession s : clients) {
            hub.unregister(s);
        }
    }

    private Frame nextFrame() {
        long ts = ++timestamp;
        return encoder.update(Fixtures.state(1, ts), ts, System.nanoTime());
    }

    /** Offers one frame to every session; the writers drain concurrently. */
    @Benchmark
    public void publish() {
        hub.publish(nextFrame());
    }

    /** Offers one frame to every session and waits until every writer has sent it. */
    @Benchmark
    public long publishAndDeliver() {
        delivered = sent.sum() + sessions;
        hub.publish(nextFrame());
        long s;
        while ((s = sent.sum()) < delivered) {
            // park, not spin: a spinning waiter takes one of the two cores away from the writers
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        return s;
    }
}

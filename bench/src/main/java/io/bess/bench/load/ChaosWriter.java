package io.bess.bench.load;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The upstream writer of the chaos scenario, straight to Redis (never through the fault proxy): batteries 1..n in
 * turn at a steady rate, each write {@code HSET} of the pipeline's fields plus {@code seq} (unique per write) and a
 * {@code note} of {@value #FILLER_BYTES} bytes (passed through by the service: with it the instances' reads come close
 * to the bandwidth fault's 64 KB/s), then {@code PUBLISH "updates"}. It pauses while the clients' convergence on Redis's state is checked, so that the
 * state they must reach holds still.
 */
final class ChaosWriter implements AutoCloseable {
    static final int FILLER_BYTES = 300;
    private static final String FILLER = "x".repeat(FILLER_BYTES);
    private final RedisProbe redis;
    private final RedisProbe reader;
    private final int batteries;
    private final long periodNanos;
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicLong seq = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean paused;
    private volatile IOException failure;

    ChaosWriter(int redisPort, int batteries, double perSecond) throws IOException {
        this.redis = new RedisProbe("127.0.0.1", redisPort);
        this.reader = new RedisProbe("127.0.0.1", redisPort);
        this.batteries = batteries;
        this.periodNanos = (long) (1e9 / perSecond);
        for (int b = 1; b <= batteries; b++) {
            redis.call("SADD", "info:batteries:ids", Integer.toString(b));
            write(b);
        }
        this.thread = Thread.ofPlatform().name("chaos-writer").start(this::run);
    }

    /** Stops writing after the write in progress; Redis then holds the final state until {@link #resume()}. */
    void pause() {
        paused = true;
        writing.lock();
        writing.unlock();
    }

    void resume() {
        paused = false;
    }

    /** Writes so far. */
    long written() {
        return seq.get();
    }

    /** Each battery's {@code seq} in Redis now. */
    Map<Integer, Long> seqs() throws IOException {
        Map<Integer, Long> seqs = new HashMap<>();
        for (int b = 1; b <= batteries; b++) {
            Object value = reader.call("HGET", key(b), "seq");
            if (value != null) {
                seqs.put(b, Long.parseLong((String) value));
            }
        }
        return seqs;
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            writing.lock();
            try {
                if (!paused) {
                    write((int) (seq.get() % batteries) + 1);
                }
            } catch (IOException e) {
                failure = e;
                return;
            } finally {
                writing.unlock();
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                next = System.nanoTime();
            }
        }
    }

    private void write(int battery) throws IOException {
        long n = seq.getAndIncrement();
        redis.call("HSET", key(battery), "timestamp", Long.toString(System.currentTimeMillis()),
                   "voltage", Long.toString(n % 601), "current", Long.toString(n % 201),
                   "temperature", Long.toString(n % 1101 - 100), "state_of_charge", Long.toString(n % 101),
                   "state_of_health", Long.toString(100 - n % 101), "seq", Long.toString(n), "note", FILLER);
        redis.call("PUBLISH", key(battery), "updates");
    }

    private static String key(int battery) {
        return "battery:" + battery + ":data";
    }

    @Override
    public void close() throws IOException {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redis.close();
        reader.close();
        if (failure != null) {
            throw failure;
        }
    }
}

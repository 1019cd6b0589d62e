package io.bess.wsms.support;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The pipeline's upstream writer at a steady rate, on a virtual thread and a Redis connection of its own (straight
 * to Redis, never through a test's fault proxy): batteries 1..n in turn, each write {@code SADD} + {@code HSET} of
 * the six fields plus {@code seq} (so that every state is distinct) and optionally a filler field (the pipeline
 * passes other fields through: a larger hash makes a bandwidth limit bite) + {@code PUBLISH "updates"}. A battery's
 * timestamps only grow.
 */
public final class UpstreamWriter implements AutoCloseable {
    private final TestRedis redis;
    private final int batteries;
    private final long periodNanos;
    private final String filler;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong written = new AtomicLong();
    private final Map<Integer, Long> lastTimestamp = new HashMap<>();
    private final Thread thread;
    private volatile RuntimeException failure;

    private UpstreamWriter(TestRedis redis, int batteries, int perSecond, int fillerBytes) {
        this.redis = redis;
        this.batteries = batteries;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.filler = "x".repeat(fillerBytes);
        this.thread = Thread.ofVirtual().name("upstream-writer").start(this::run);
    }

    /**
     * Starts writing.
     *
     * @param redis       where
     * @param batteries   ids 1..batteries
     * @param perSecond   writes per second (all batteries together)
     * @param fillerBytes size of an extra field {@code note} in every hash; 0 for none
     * @return the running writer
     */
    public static UpstreamWriter start(TestRedis redis, int batteries, int perSecond, int fillerBytes) {
        return new UpstreamWriter(redis, batteries, perSecond, fillerBytes);
    }

    /**
     * Stops after the write in progress and returns how many were written; from then on Redis holds the final state.
     *
     * @return writes done
     */
    public long stop() throws InterruptedException {
        running.set(false);
        thread.join();
        if (failure != null) {
            throw new AssertionError("the upstream writer failed", failure);
        }
        return written.get();
    }

    /** Writes done so far. */
    public long written() {
        return written.get();
    }

    private void run() {
        long next = System.nanoTime();
        try (Jedis jedis = redis.jedis()) {
            while (running.get()) {
                long seq = written.get();
                write(jedis, (int) (seq % batteries) + 1, seq);
                written.incrementAndGet();
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void write(Jedis jedis, int battery, long seq) {
        long timestamp = Math.max(System.currentTimeMillis(), lastTimestamp.getOrDefault(battery, 0L) + 1);
        lastTimestamp.put(battery, timestamp);
        Map<String, String> fields = new HashMap<>(TestRedis.reading(timestamp, (int) (seq % 600)));
        fields.put("seq", Long.toString(seq));
        if (!filler.isEmpty()) {
            fields.put("note", filler);
        }
        String key = "battery:" + battery + ":data";
        Pipeline pipeline = jedis.pipelined();
        pipeline.sadd("info:batteries:ids", Integer.toString(battery));
        pipeline.hset(key, fields);
        pipeline.publish(key, "updates");
        pipeline.sync();
    }

    @Override
    public void close() throws InterruptedException {
        if (running.get()) {
            stop();
        }
    }
}

package io.bess.wsms.support;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Tries a WebSocket upgrade every interval on a virtual thread of its own and records each answer's status with
 * its time, so that a test can say when the service refused new clients (503) and when it took them.
 */
public final class UpgradeProbe implements AutoCloseable {
    /**
     * One attempt.
     *
     * @param nanos  {@link System#nanoTime()} when it was answered
     * @param status HTTP status; -1 when the connection failed or closed without an answer
     */
    public record Attempt(long nanos, int status) {
    }

    private final int port;
    private final String pathAndQuery;
    private final long intervalNanos;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private UpgradeProbe(int port, String pathAndQuery, Duration interval) {
        this.port = port;
        this.pathAndQuery = pathAndQuery;
        this.intervalNanos = interval.toNanos();
        this.thread = Thread.ofVirtual().name("upgrade-probe").start(this::run);
    }

    /**
     * Starts probing.
     *
     * @param port         the service's port
     * @param pathAndQuery e.g. {@code /ws?batteries=1}
     * @param interval     time between attempts
     * @return the running probe
     */
    public static UpgradeProbe start(int port, String pathAndQuery, Duration interval) {
        return new UpgradeProbe(port, pathAndQuery, interval);
    }

    /** Every attempt so far, oldest first. */
    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    private void run() {
        while (running.get()) {
            int status;
            try {
                status = RawUpgrade.send(port, pathAndQuery, Map.of()).status();
            } catch (IOException e) {
                status = -1;
            }
            attempts.add(new Attempt(System.nanoTime(), status));
            LockSupport.parkNanos(intervalNanos);
        }
    }

    /** Stops after the attempt in progress. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}

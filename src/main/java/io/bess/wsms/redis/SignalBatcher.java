package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the hashes of one subscriber connection's signalled batteries in pipelined batches, on a virtual thread of
 * its own that runs while signals are pending and ends when none are. Handing the reads off keeps the subscriber
 * thread reading its socket (Redis never buffers our channel's messages because a read is slow), and one pipeline
 * per batch costs one round trip however many batteries changed. A busy battery's publishes coalesce into one
 * pending read, so it delays the others on its connection by at most one batch.
 * <p>
 * A battery whose read failed is <em>owed</em>: it stays pending and is read again after a backoff (capped at
 * {@link #RETRY_CAP}, so it is read within about that long once Redis answers), together with whatever was signalled
 * meanwhile, until it is read. The set of owed batteries is bounded by the connection's batteries.
 */
final class SignalBatcher {
    /** Longest wait between two attempts to read owed batteries. */
    static final Duration RETRY_CAP = Duration.ofSeconds(1);
    private static final Duration RETRY_BASE = Duration.ofMillis(50);
    private static final System.Logger LOGGER = System.getLogger(SignalBatcher.class.getName());

    private final String name;
    private final UpdateRelay relay;
    private final ReentrantLock lock = new ReentrantLock();
    /** Touched by the draining thread only (one at a time). */
    private final Backoff backoff = new Backoff(RETRY_BASE, RETRY_CAP);
    private Map<Integer, Signal> pending = new LinkedHashMap<>();
    /** Batteries whose last read failed and that have not been read since; guarded by the lock. */
    private final Set<Integer> owed = new HashSet<>();
    private volatile int owedCount;
    private boolean draining;
    private volatile boolean stopped;
    private volatile Thread drainer;
    /** The last unexpected failure logged, so that a repeating one is logged once. */
    private String lastUnexpected;

    SignalBatcher(String name, UpdateRelay relay) {
        this.name = name;
        this.relay = relay;
    }

    /**
     * A publish arrived on a battery's channel.
     *
     * @param battery battery id
     */
    void published(int battery) {
        relay.received();
        add(battery);
    }

    /**
     * The battery's subscription was confirmed: publishes sent before it were missed, so its hash is read once.
     *
     * @param battery battery id
     */
    void catchUp(int battery) {
        add(battery);
    }

    /** Batteries whose read failed and that are still to be read. */
    int owed() {
        return owedCount;
    }

    /**
     * The connection no longer holds these batteries (nobody wants them, or they moved to another connection,
     * which reads them when its subscription is confirmed): nothing is owed for them here any more.
     *
     * @param batteries ids
     */
    void forget(Collection<Integer> batteries) {
        lock.lock();
        try {
            for (Integer battery : batteries) {
                pending.remove(battery);
                owed.remove(battery);
            }
            owedCount = owed.size();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the batcher: pending and owed reads are dropped, a draining thread ends after its current read. */
    void stop() {
        stopped = true;
        lock.lock();
        try {
            pending.clear();
            owed.clear();
            owedCount = 0;
        } finally {
            lock.unlock();
        }
        Thread t = drainer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void add(int battery) {
        Signal signal = new Signal(System.currentTimeMillis(), System.nanoTime());
        boolean start = false;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            pending.merge(battery, signal, Signal::merge);
            if (!draining) {
                draining = true;
                start = true;
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            drainer = Thread.ofVirtual().name(name).start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Map<Integer, Signal> batch;
            lock.lock();
            try {
                if (pending.isEmpty() || stopped) {
                    draining = false;
                    return;
                }
                batch = pending;
                pending = new LinkedHashMap<>();
            } finally {
                lock.unlock();
            }
            Map<Integer, Signal> unread = read(batch);
            lock.lock();
            try {
                if (!stopped) {
                    owed.removeAll(batch.keySet());
                    unread.forEach((battery, signal) -> {
                        pending.merge(battery, signal, Signal::merge);
                        owed.add(battery);
                    });
                    owedCount = owed.size();
                }
            } finally {
                lock.unlock();
            }
            if (unread.isEmpty()) {
                backoff.reset();
            } else {
                pause(backoff.next());
            }
        }
    }

    /** One read of a batch; whatever goes wrong, the batteries not read come back as owed. */
    private Map<Integer, Signal> read(Map<Integer, Signal> batch) {
        try {
            return relay.relay(batch);
        } catch (RuntimeException e) {
            // not a Redis failure (the store reports those): a defect; the batch is owed and the error logged once
            String text = e.toString();
            if (!text.equals(lastUnexpected)) {
                lastUnexpected = text;
                LOGGER.log(Level.WARNING, name + ": relaying " + batch.size() + " batteries failed; they are read"
                        + " again with backoff (logged once per distinct error)", e);
            }
            return batch;
        }
    }

    private void pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long remaining = wait.toNanos();
        while (!stopped && remaining > 0) {
            LockSupport.parkNanos(this, remaining);
            remaining = deadline - System.nanoTime();
        }
    }
}

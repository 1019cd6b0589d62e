package io.bess.wsms.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the hashes of one subscriber connection's signalled batteries in pipelined batches, on a virtual thread of
 * its own that runs while signals are pending and ends when none are. Handing the reads off keeps the subscriber
 * thread reading its socket (Redis never buffers our channel's messages because a read is slow), and one pipeline
 * per batch costs one round trip however many batteries changed. A busy battery's publishes coalesce into one
 * pending read, so it delays the others on its connection by at most one batch.
 */
final class SignalBatcher {
    private final String name;
    private final UpdateRelay relay;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<Integer, Signal> pending = new LinkedHashMap<>();
    private boolean draining;

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

    private void add(int battery) {
        Signal signal = new Signal(System.currentTimeMillis(), System.nanoTime());
        boolean start = false;
        lock.lock();
        try {
            pending.merge(battery, signal, Signal::merge);
            if (!draining) {
                draining = true;
                start = true;
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            Thread.ofVirtual().name(name).start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Map<Integer, Signal> batch;
            lock.lock();
            try {
                if (pending.isEmpty()) {
                    draining = false;
                    return;
                }
                batch = pending;
                pending = new LinkedHashMap<>();
            } finally {
                lock.unlock();
            }
            relay.relay(batch);
        }
    }
}

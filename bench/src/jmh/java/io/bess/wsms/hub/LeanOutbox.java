package io.bess.wsms.hub;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bench-only sketch of an allocation-free conflating outbox, to size what the service's {@link Outbox} costs:
 * one slot per battery id (no boxing, no map), a dirty list instead of a fresh map per drain, the writer drains
 * into its own reused array, and a signal only when the writer is actually waiting. {@code timed} keeps a timed
 * wait (as the service does for its ping timer) to show what the timer costs a virtual thread on every park.
 */
final class LeanOutbox {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private Frame[] slots = new Frame[64];
    private int[] dirty = new int[64];
    private int dirtyCount;
    private boolean waiting;

    OfferResult offer(Frame frame) {
        int b = frame.battery();
        lock.lock();
        try {
            if (b >= slots.length) {
                grow(b);
            }
            Frame previous = slots[b];
            if (previous == null) {
                dirty[dirtyCount++] = b;
            }
            slots[b] = frame;
            if (waiting) {
                ready.signal();
            }
            return previous == null ? OfferResult.QUEUED : OfferResult.CONFLATED;
        } finally {
            lock.unlock();
        }
    }

    /** Moves every queued frame into {@code out} (grown when needed) and returns how many; waits when empty. */
    int drainTo(Frame[][] out, boolean timed) throws InterruptedException {
        lock.lock();
        try {
            while (dirtyCount == 0) {
                waiting = true;
                try {
                    if (timed) {
                        ready.await(30, TimeUnit.SECONDS);
                    } else {
                        ready.await();
                    }
                } finally {
                    waiting = false;
                }
            }
            if (out[0].length < dirtyCount) {
                out[0] = new Frame[slots.length];
            }
            int n = dirtyCount;
            for (int i = 0; i < n; i++) {
                int b = dirty[i];
                out[0][i] = slots[b];
                slots[b] = null;
            }
            dirtyCount = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void grow(int b) {
        int size = Math.max(slots.length * 2, b + 1);
        slots = java.util.Arrays.copyOf(slots, size);
        dirty = java.util.Arrays.copyOf(dirty, size);
    }
}

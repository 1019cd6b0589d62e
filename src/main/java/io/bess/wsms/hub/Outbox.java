package io.bess.wsms.hub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;

/**
 * A client's pending work, bounded by its number of batteries: at most one state per battery (a newer state
 * replaces a queued older one: conflation), at most one snapshot request, and a few notices (error frames and
 * pongs).
 * Offers never block on the writer and never throw.
 */
final class Outbox {
    /** Error frames beyond this are dropped: a flood of bad commands cannot grow memory. */
    static final int MAX_NOTICES = 16;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private LinkedHashMap<Integer, Frame> updates = new LinkedHashMap<>();
    private final ArrayDeque<byte[]> notices = new ArrayDeque<>();
    private SnapshotRequest snapshot;
    private CloseRequest close;

    /** The writer's next batch of work. */
    record Batch(CloseRequest close, SnapshotRequest snapshot, List<byte[]> notices, List<Frame> updates) {
        boolean isEmpty() {
            return close == null && snapshot == null && notices.isEmpty() && updates.isEmpty();
        }
    }

    /** A close the server wants to send. */
    record CloseRequest(int code, String reason) {
    }

    OfferResult offer(Frame frame) {
        lock.lock();
        try {
            if (close != null) {
                return OfferResult.CLOSED;
            }
            boolean wasIdle = idle();
            Frame previous = updates.put(frame.battery(), frame);
            if (wasIdle) {
                ready.signal();
            }
            return previous == null ? OfferResult.QUEUED : OfferResult.CONFLATED;
        } finally {
            lock.unlock();
        }
    }

    /** Queues a control or error frame (wire bytes); false when dropped. */
    boolean notice(byte[] frame) {
        lock.lock();
        try {
            if (close != null || notices.size() >= MAX_NOTICES) {
                return false;
            }
            signalIfIdle();
            notices.add(frame);
            return true;
        } finally {
            lock.unlock();
        }
    }

    void requestSnapshot(SnapshotRequest request) {
        lock.lock();
        try {
            signalIfIdle();
            snapshot = request.merge(snapshot);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets queued states of batteries the client no longer wants. */
    void discardIf(IntPredicate unwanted) {
        lock.lock();
        try {
            updates.keySet().removeIf(unwanted::test);
        } finally {
            lock.unlock();
        }
    }

    /** Asks the writer to send a close frame and stop; later offers are refused. */
    void close(int code, String reason) {
        lock.lock();
        try {
            if (close == null) {
                signalIfIdle();
                close = new CloseRequest(code, reason);
            }
        } finally {
            lock.unlock();
        }
    }

    boolean closing() {
        lock.lock();
        try {
            return close != null;
        } finally {
            lock.unlock();
        }
    }

    int pendingUpdates() {
        lock.lock();
        try {
            return updates.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for work and takes all of it.
     *
     * @param timeoutNanos longest wait
     * @return the work, empty when the wait timed out
     * @throws InterruptedException when the writer is interrupted
     */
    Batch await(long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (idle() && remaining > 0) {
                remaining = ready.awaitNanos(remaining);
            }
            List<Frame> taken = updates.isEmpty() ? List.of() : new ArrayList<>(updates.values());
            if (!taken.isEmpty()) {
                // a fresh map rather than clear(): clear() walks the whole table, grown to the busiest moment
                updates = new LinkedHashMap<>();
            }
            List<byte[]> takenNotices = notices.isEmpty() ? List.of() : List.copyOf(notices);
            notices.clear();
            Batch batch = new Batch(close, snapshot, takenNotices, taken);
            snapshot = null;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private boolean idle() {
        return updates.isEmpty() && notices.isEmpty() && snapshot == null && close == null;
    }

    private void signalIfIdle() {
        if (idle()) {
            ready.signal();
        }
    }
}

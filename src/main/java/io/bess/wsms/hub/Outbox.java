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
 * replaces a queued older one: conflation), at most one snapshot request, a ping flag and a few notices (error
 * frames and pongs). Offers never block on the writer and never throw; the writer is woken only when it waits.
 * Steady-state offers and drains allocate nothing but the map's entries.
 */
final class Outbox {
    /** Error frames beyond this are dropped: a flood of bad commands cannot grow memory. */
    static final int MAX_NOTICES = 16;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final LinkedHashMap<Integer, Frame> updates = new LinkedHashMap<>();
    private final ArrayDeque<byte[]> notices = new ArrayDeque<>();
    private SnapshotRequest snapshot;
    private CloseRequest close;
    private boolean pingDue;
    private boolean writerWaiting;

    /** A close the server wants to send. */
    record CloseRequest(int code, String reason) {
    }

    /** What one drain took; owned and reused by the writer. */
    static final class Drain {
        final List<Frame> updates = new ArrayList<>();
        final List<byte[]> notices = new ArrayList<>();
        SnapshotRequest snapshot;
        CloseRequest close;
        boolean ping;

        void clear() {
            updates.clear();
            notices.clear();
            snapshot = null;
            close = null;
            ping = false;
        }
    }

    OfferResult offer(Frame frame) {
        lock.lock();
        try {
            if (close != null) {
                return OfferResult.CLOSED;
            }
            Frame previous = updates.put(frame.battery(), frame);
            wakeWriter();
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
            notices.add(frame);
            wakeWriter();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void requestSnapshot(SnapshotRequest request) {
        lock.lock();
        try {
            snapshot = request.merge(snapshot);
            wakeWriter();
        } finally {
            lock.unlock();
        }
    }

    /** Asks the writer to ping (or to give up on a silent peer). */
    void requestPing() {
        lock.lock();
        try {
            pingDue = true;
            wakeWriter();
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
                close = new CloseRequest(code, reason);
                wakeWriter();
            }
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
     * Waits until there is work and moves all of it into {@code into} (cleared first).
     *
     * @param into the writer's reusable drain
     * @throws InterruptedException when the writer is interrupted
     */
    void await(Drain into) throws InterruptedException {
        into.clear();
        lock.lock();
        try {
            while (idle()) {
                writerWaiting = true;
                try {
                    ready.await();
                } finally {
                    writerWaiting = false;
                }
            }
            into.updates.addAll(updates.values());
            updates.clear();
            into.notices.addAll(notices);
            notices.clear();
            into.snapshot = snapshot;
            snapshot = null;
            into.close = close;
            into.ping = pingDue;
            pingDue = false;
        } finally {
            lock.unlock();
        }
    }

    private boolean idle() {
        return updates.isEmpty() && notices.isEmpty() && snapshot == null && close == null && !pingDue;
    }

    private void wakeWriter() {
        if (writerWaiting) {
            ready.signal();
        }
    }
}

package io.bess.wsms.hub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A client's pending work, bounded by its number of batteries: at most one state per battery (a newer state
 * replaces a queued older one: conflation; an older one never replaces a newer one), at most one snapshot request,
 * a ping flag and a few notices (error frames and pongs). It also decides when the client's writer runs: offers
 * never block and never throw, and a writer is claimed only when there is work and none is running, so a client
 * with nothing to send has no thread.
 */
final class Outbox {
    /** Error frames beyond this are dropped: a flood of bad commands cannot grow memory. */
    static final int MAX_NOTICES = 16;

    private final LinkedHashMap<Integer, Frame> updates = new LinkedHashMap<>(4);
    /** Created on the first notice: most clients never get one. */
    private ArrayDeque<byte[]> notices;
    private SnapshotRequest snapshot;
    private CloseRequest close;
    private boolean pingDue;
    private boolean writerRunning;
    private boolean ended;

    /** A close the server wants to send. */
    record CloseRequest(int code, String reason) {
    }

    /** What one drain took; owned by one writer run. */
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

    synchronized OfferResult offer(Frame frame) {
        if (close != null || ended) {
            return OfferResult.CLOSED;
        }
        Frame queued = updates.get(frame.battery());
        if (queued == null) {
            updates.put(frame.battery(), frame);
            return OfferResult.QUEUED;
        }
        // frames of one battery come from several threads (signal readers, the stale watch, two lanes while a slot
        // moves): a later offer is not always a newer state
        if (!frame.replaces(queued)) {
            return OfferResult.OUTDATED;
        }
        updates.put(frame.battery(), frame);
        return OfferResult.CONFLATED;
    }

    /** Queues a control or error frame (wire bytes); false when dropped. */
    synchronized boolean notice(byte[] frame) {
        if (close != null || ended) {
            return false;
        }
        if (notices == null) {
            notices = new ArrayDeque<>(4);
        }
        if (notices.size() >= MAX_NOTICES) {
            return false;
        }
        notices.add(frame);
        return true;
    }

    synchronized void requestSnapshot(SnapshotRequest request) {
        snapshot = request.merge(snapshot);
    }

    /** Asks the writer to ping (or to give up on a silent peer). */
    synchronized void requestPing() {
        pingDue = true;
    }

    /** Forgets the queued states, and the pending snapshot, of batteries the client no longer wants. */
    synchronized void discardUnwanted(Selection wanted) {
        updates.keySet().removeIf(battery -> !wanted.includes(battery));
        if (snapshot != null) {
            snapshot = snapshot.within(wanted);
        }
    }

    /** Asks the writer to send a close frame and stop; later offers are refused. */
    synchronized void close(int code, String reason) {
        if (close == null) {
            close = new CloseRequest(code, reason);
        }
    }

    synchronized int pendingUpdates() {
        return updates.size();
    }

    /**
     * Claims the writer: true when there is work, no writer runs and the session has not ended; the caller must
     * then run one.
     */
    synchronized boolean claimWriter() {
        if (writerRunning || ended || idle()) {
            return false;
        }
        writerRunning = true;
        return true;
    }

    /**
     * For the running writer: moves all pending work into {@code into} (cleared first), or, when there is none,
     * releases the writer in the same step, so that an offer racing with it claims a new one.
     *
     * @param into the writer's drain
     * @return false when the writer must end now (nothing to do)
     */
    synchronized boolean drainOrRelease(Drain into) {
        into.clear();
        if (idle()) {
            writerRunning = false;
            return false;
        }
        // forEach rather than values(): the map would keep a values view per client for its whole life
        updates.forEach((battery, frame) -> into.updates.add(frame));
        updates.clear();
        if (notices != null) {
            into.notices.addAll(notices);
            notices.clear();
        }
        into.snapshot = snapshot;
        snapshot = null;
        into.close = close;
        into.ping = pingDue;
        pingDue = false;
        return true;
    }

    /** The session is over (its close was sent or its socket failed): nothing is queued or written any more. */
    synchronized void end() {
        ended = true;
        writerRunning = false;
        if (close == null) {
            close = new CloseRequest(1000, "");
        }
        updates.clear();
        notices = null;
        snapshot = null;
    }

    private boolean idle() {
        return updates.isEmpty() && (notices == null || notices.isEmpty()) && snapshot == null && close == null
                && !pingDue;
    }
}

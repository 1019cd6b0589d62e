package io.bess.wsms.hub;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A client's rate cap ({@code max_rate}): at most one state of a battery leaves the client's outbox per interval.
 * A state that comes sooner is held back, and a newer one takes its place (the older one is skipped, as conflation
 * skips states for a slow reader), until the interval since the battery's last state left has passed; the
 * {@link RateWheel} calls the client then. So the client gets the newest state, never later than one interval after
 * it arrived. Stale flags are not held (the outbox lets them through), and snapshots are not updates. The client's
 * outbox owns it and guards it with its lock; a client without a cap has none, so it costs them nothing.
 */
final class RateCap {
    private static final Comparator<Pace> EARLIEST_FIRST = Comparator.comparingLong(pace -> pace.dueNanos);
    private final long intervalNanos;
    private final RateWheel wheel;
    private final RateWheel.Due owner;
    /** Per battery that has sent a state, when it left and what is held back; bounded by the selection. */
    private final Map<Integer, Pace> paces = new HashMap<>(4);
    /** The paces holding a state back, earliest first; made with the first held state. */
    private PriorityQueue<Pace> holding;
    /** The earliest time the wheel is asked to call the owner; {@link Long#MAX_VALUE} when it is not. */
    private long calledAt = Long.MAX_VALUE;

    /** One battery's pace, updated in place (no allocation per state). */
    private static final class Pace {
        private long leftNanos;
        private Frame held;
        private long dueNanos;

        Pace(long leftNanos) {
            this.leftNanos = leftNanos;
        }
    }

    /**
     * Creates a cap.
     *
     * @param statesPerSecond most states per second per battery (positive)
     * @param wheel           the shared timer
     * @param owner           called by the wheel when a held state may leave
     */
    RateCap(double statesPerSecond, RateWheel wheel, RateWheel.Due owner) {
        if (!(statesPerSecond > 0) || Double.isInfinite(statesPerSecond)) {
            throw new IllegalArgumentException("a rate cap is a positive number of states per second, not "
                                                       + statesPerSecond);
        }
        this.intervalNanos = Math.max(1, Math.round(1e9 / statesPerSecond));
        this.wheel = wheel;
        this.owner = owner;
    }

    /**
     * An update for the client: queued at once when its battery's interval has passed (or when it is a stale flag),
     * else held back.
     *
     * @param frame  the update
     * @param now    {@link System#nanoTime()}
     * @param outbox the outbox that owns this cap (its lock is held)
     * @return what happened to the frame
     */
    OfferResult offer(Frame frame, long now, Outbox outbox) {
        Pace pace = paces.get(frame.battery());
        if (frame.stale()) {
            // not delayed, and not a new state: it neither waits nor counts against the interval
            if (pace != null && pace.held != null) {
                if (!frame.replaces(pace.held)) {
                    return OfferResult.OUTDATED;
                }
                drop(pace);
            }
            return outbox.queue(frame);
        }
        if (pace == null) {
            paces.put(frame.battery(), new Pace(now));
            return outbox.queue(frame);
        }
        if (pace.held != null) {
            if (!frame.replaces(pace.held)) {
                return OfferResult.OUTDATED;
            }
            pace.held = frame;
            return OfferResult.SKIPPED;
        }
        long due = pace.leftNanos + intervalNanos;
        if (due - now <= RateWheel.EARLY_NANOS) {
            pace.leftNanos = now;
            return outbox.queue(frame);
        }
        if (!outbox.wouldQueue(frame)) {
            return OfferResult.OUTDATED;
        }
        pace.held = frame;
        pace.dueNanos = due;
        if (holding == null) {
            // most capped clients watch a few batteries: start small
            holding = new PriorityQueue<>(2, EARLIEST_FIRST);
        }
        holding.add(pace);
        if (due < calledAt) {
            calledAt = due;
            wheel.schedule(owner, due);
        }
        return OfferResult.HELD;
    }

    /**
     * The wheel's call: queues the held states whose time has come and asks the wheel to call again for the next.
     *
     * @param now    {@link System#nanoTime()}
     * @param outbox the outbox that owns this cap (its lock is held)
     * @return whether a state was queued
     */
    boolean releaseDue(long now, Outbox outbox) {
        calledAt = Long.MAX_VALUE;
        boolean queued = false;
        while (holding != null && !holding.isEmpty() && holding.peek().dueNanos - now <= RateWheel.EARLY_NANOS) {
            Pace pace = holding.poll();
            Frame frame = pace.held;
            pace.held = null;
            pace.leftNanos = now;
            outbox.queue(frame);
            queued = true;
        }
        if (holding != null && !holding.isEmpty()) {
            calledAt = holding.peek().dueNanos;
            wheel.schedule(owner, calledAt);
        }
        return queued;
    }

    /**
     * Queues every held state now (the cap is being replaced or removed).
     *
     * @param outbox the outbox that owns this cap (its lock is held)
     * @return whether a state was queued
     */
    boolean releaseAll(Outbox outbox) {
        boolean queued = false;
        while (holding != null && !holding.isEmpty()) {
            Pace pace = holding.poll();
            outbox.queue(pace.held);
            pace.held = null;
            queued = true;
        }
        return queued;
    }

    /**
     * Takes over when each battery's last state left from the cap this one replaces, so that a change of rate does
     * not let a burst through; call after {@link #releaseAll} on the old one.
     *
     * @param previous the cap in force until now
     */
    void continueFrom(RateCap previous) {
        previous.paces.forEach((battery, pace) -> paces.put(battery, new Pace(pace.leftNanos)));
    }

    /** Forgets the batteries the client no longer wants, held states included. */
    void forget(Selection wanted) {
        paces.entrySet().removeIf(entry -> {
            if (wanted.includes(entry.getKey())) {
                return false;
            }
            if (entry.getValue().held != null) {
                drop(entry.getValue());
            }
            return true;
        });
    }

    /** States held back now. */
    int held() {
        return holding == null ? 0 : holding.size();
    }

    /** Drops a held state without sending it (a stale flag took its place, or the battery was dropped). */
    private void drop(Pace pace) {
        holding.remove(pace);
        pace.held = null;
    }
}

package io.bess.wsms.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.timer.Periodic;

/**
 * The one timer of every rate-capped client: a hashed wheel of {@value #SLOTS} slots of {@link #TICK} each, turned
 * by one housekeeping loop. A client that holds back a state sits in the slot of the time that state may leave, once
 * however many batteries it holds back, and is called then; so 10,000 capped clients cost one virtual thread and an
 * array entry each while they hold something, never a thread or a timer task per client. The loop starts with the
 * first capped client: a server whose clients have no cap has no wheel turning.
 *
 * <p>A client is called at most {@link #EARLY_NANOS} before its time and never after it (but for the delay of the
 * loop's own thread): the cap's promise is that a held state never waits longer than the interval.
 */
public final class RateWheel {
    /** The wheel's resolution. */
    static final Duration TICK = Duration.ofMillis(5);
    /** How much before its time a held state may leave: a call lands in the tick before the one its time is in. */
    static final long EARLY_NANOS = 2 * TICK.toNanos();
    /** Slots of one turn (5.12 s); a time further away waits in its slot for a later turn. */
    static final int SLOTS = 1024;
    /**
     * How long the loop may go without a pass before liveness calls it stuck. Three ticks (the rule for loops that
     * do not wait) would be 15 ms, which a garbage collection or a busy machine exceeds without anything being wrong.
     */
    private static final Duration LATE_AFTER = Duration.ofSeconds(2);
    private static final long TICK_NANOS = TICK.toNanos();

    private final Housekeeping housekeeping;
    private final Slot[] slots = new Slot[SLOTS];
    /** The last tick whose slot was emptied of what was due; a time at or before it goes into the next tick. */
    private volatile long turned;
    private volatile Periodic loop;
    private boolean stopped;
    /** What one pass calls; used by the loop's thread only. */
    private final List<Due> firing = new ArrayList<>();

    /** Who is called when its time has come. */
    @FunctionalInterface
    interface Due {
        /**
         * Its time has come (or will within {@link #EARLY_NANOS}).
         *
         * @param nowNanos {@link System#nanoTime()}
         */
        void due(long nowNanos);
    }

    /**
     * Creates the wheel; it starts turning when the first time is scheduled.
     *
     * @param housekeeping runs the loop (so that liveness sees it)
     */
    public RateWheel(Housekeeping housekeeping) {
        this.housekeeping = housekeeping;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * A wheel that never turns by itself: tests call {@link #turn} with the times they choose.
     *
     * @param startNanos the time it stands at, as {@link System#nanoTime()}
     * @return the wheel
     */
    static RateWheel turnedByHand(long startNanos) {
        RateWheel wheel = new RateWheel(null);
        wheel.turned = Math.floorDiv(startNanos, TICK_NANOS);
        return wheel;
    }

    /**
     * Calls {@code who} at {@code dueNanos}, or at most {@link #EARLY_NANOS} before it; a time closer than that is
     * called at the next tick (a rate cap lets such a state go at once instead). Never blocks for long (one slot's
     * lock) and may be called with the caller's own locks held: the wheel calls nobody while it holds a slot.
     *
     * @param who      what to call
     * @param dueNanos when, as {@link System#nanoTime()}
     */
    void schedule(Due who, long dueNanos) {
        if (!turning()) {
            return;
        }
        long tick = Math.floorDiv(dueNanos, TICK_NANOS) - 1;
        while (true) {
            Slot slot = slots[(int) Math.floorMod(tick, (long) SLOTS)];
            synchronized (slot) {
                // read under the slot's lock: a pass marks a tick turned while it holds that tick's slot
                long last = turned;
                if (tick > last) {
                    slot.add(who, tick);
                    return;
                }
                tick = last + 1;
            }
        }
    }

    /** Stops the loop; later schedules are ignored (the service is stopping). */
    public void stop() {
        Periodic running;
        synchronized (this) {
            stopped = true;
            running = loop;
        }
        if (running != null) {
            housekeeping.stop(running);
        }
    }

    /** Clients in the wheel now (a client holding back states of several batteries counts once or twice). */
    int size() {
        int size = 0;
        for (Slot slot : slots) {
            synchronized (slot) {
                size += slot.size;
            }
        }
        return size;
    }

    /**
     * One pass: calls everyone whose tick has come, every tick since the last pass included (a late pass catches up;
     * after a pause longer than a turn, each slot is looked at once). Visible to tests.
     *
     * @param nowNanos {@link System#nanoTime()}
     */
    void turn(long nowNanos) {
        long target = Math.floorDiv(nowNanos, TICK_NANOS);
        for (long tick = Math.max(turned + 1, target - SLOTS + 1); tick <= target; tick++) {
            Slot slot = slots[(int) Math.floorMod(tick, (long) SLOTS)];
            synchronized (slot) {
                turned = tick;
                slot.takeDue(target, firing);
            }
        }
        RuntimeException failed = null;
        for (Due due : firing) {
            try {
                due.due(nowNanos);
            } catch (RuntimeException e) {
                // the others' held states must still leave: call them all, then let the loop report the failure
                failed = failed == null ? e : failed;
            }
        }
        firing.clear();
        if (failed != null) {
            throw failed;
        }
    }

    /** Whether the loop has started (a wheel turned by hand never starts one). */
    boolean started() {
        return loop != null;
    }

    private boolean turning() {
        if (loop != null || housekeeping == null) {
            return true;
        }
        synchronized (this) {
            if (stopped) {
                return false;
            }
            if (loop == null) {
                turned = Math.floorDiv(System.nanoTime(), TICK_NANOS);
                loop = housekeeping.every("rate-cap-wheel", TICK, LATE_AFTER, () -> turn(System.nanoTime()));
            }
            return true;
        }
    }

    /** The clients due in the ticks of one slot, across turns: parallel arrays, no object per entry. */
    private static final class Slot {
        private static final Due[] NONE = {};
        private Due[] whos = NONE;
        private long[] ticks = new long[0];
        private int size;

        void add(Due who, long tick) {
            if (size == whos.length) {
                int capacity = Math.max(4, size * 2);
                whos = Arrays.copyOf(whos, capacity);
                ticks = Arrays.copyOf(ticks, capacity);
            }
            whos[size] = who;
            ticks[size] = tick;
            size++;
        }

        /** Moves the entries due by {@code tick} into {@code into}; keeps the later turns' ones. */
        void takeDue(long tick, List<Due> into) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (ticks[i] <= tick) {
                    into.add(whos[i]);
                } else {
                    whos[kept] = whos[i];
                    ticks[kept] = ticks[i];
                    kept++;
                }
            }
            Arrays.fill(whos, kept, size, null);
            size = kept;
            if (size == 0 && whos.length > 64) {
                // a burst's arrays are not kept for good
                whos = NONE;
                ticks = new long[0];
            }
        }
    }
}

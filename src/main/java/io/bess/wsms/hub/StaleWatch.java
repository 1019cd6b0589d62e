package io.bess.wsms.hub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.bess.wsms.timer.Housekeeping;
import io.bess.wsms.timer.Periodic;

/**
 * Flags batteries that stopped reporting. A battery is stale when its newest state's device timestamp is older
 * than the stale time by the server's clock; its watchers then get that last state once more with
 * {@code "stale":true}, and its next update goes out as usual. Also counts the stale batteries of the whole fleet
 * for the {@code wsms_batteries_stale} gauge: from the states held in memory, and for batteries nobody watches, from
 * their timestamps read in one pipeline.
 */
public final class StaleWatch {
    private static final System.Logger LOGGER = System.getLogger(StaleWatch.class.getName());

    private final Hub hub;
    private final LatestStates latest;
    private final FleetStore store;
    private final FrameEncoder encoder;
    private final Duration period;
    private final Duration longestPass;
    private final Housekeeping housekeeping;
    private volatile int staleCount;
    private volatile Periodic loop;

    /**
     * Creates the watch.
     *
     * @param hub     where stale frames are published and the fleet's ids are known
     * @param latest  the states held in memory
     * @param store   timestamps of batteries not held
     * @param encoder decides staleness (its stale time) and encodes the stale frames; the check runs four times per
     *                stale time, at most once a second
     * @param longestPass  the longest a pass may wait for the store (its timeouts)
     * @param housekeeping runs the checks
     */
    public StaleWatch(Hub hub, LatestStates latest, FleetStore store, FrameEncoder encoder, Duration longestPass,
                      Housekeeping housekeeping) {
        this.longestPass = longestPass;
        this.housekeeping = housekeeping;
        this.hub = hub;
        this.latest = latest;
        this.store = store;
        this.encoder = encoder;
        long quarter = Math.max(100, encoder.staleAfter().toMillis() / 4);
        this.period = Duration.ofMillis(Math.min(1000, quarter));
    }

    /** Starts checking on a virtual thread; does nothing when stale batteries are not flagged. */
    public void start() {
        if (encoder.flagsStale()) {
            loop = housekeeping.every("stale-watch", period, longestPass, this::check);
        }
    }

    /** Stops checking. */
    public void stop() {
        if (loop != null) {
            housekeeping.stop(loop);
        }
    }

    /** Stale batteries among all known ones, as of the last check. */
    public int staleCount() {
        return staleCount;
    }

    /** One pass; visible to tests. */
    void check() {
        long now = System.currentTimeMillis();
        List<EncodedState> newlyStale = latest.newlyStale(encoder, now);
        if (!newlyStale.isEmpty()) {
            List<Frame> frames = new ArrayList<>(newlyStale.size());
            for (EncodedState state : newlyStale) {
                frames.add(encoder.update(state, now, System.nanoTime()));
            }
            hub.publish(frames);
            LOGGER.log(Level.DEBUG, () -> newlyStale.size() + " batteries became stale");
        }
        staleCount = count(hub.knownBatteries(), now);
    }

    private int count(Set<Integer> known, long now) {
        int stale = 0;
        List<Integer> notHeld = new ArrayList<>();
        for (Integer battery : known) {
            var held = latest.get(battery);
            if (held.isPresent()) {
                stale += encoder.isStale(held.get(), now) ? 1 : 0;
            } else {
                notHeld.add(battery);
            }
        }
        if (!notHeld.isEmpty()) {
            try {
                for (long timestamp : store.timestamps(notHeld).values()) {
                    stale += encoder.isStale(timestamp, now) ? 1 : 0;
                }
            } catch (RuntimeException e) {
                // Redis is unreachable: keep the last count until it is back
                return staleCount;
            }
        }
        return stale;
    }
}

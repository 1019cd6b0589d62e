package io.bess.wsms.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The states a snapshot shows: those held in memory ({@link LatestStates}), and the rest read from the store in one
 * pipeline. The fleet's ids always come from the store (one SMEMBERS), so a battery that appeared a moment ago is
 * in the snapshot of every battery at once.
 */
public final class Snapshots {
    private final LatestStates held;
    private final FleetStore store;
    private final FrameEncoder encoder;
    private final DeliveryMetrics metrics;

    /**
     * Creates the snapshot reader.
     *
     * @param held    states held in memory
     * @param store   the store, for ids and for states not held
     * @param encoder encodes states read from the store
     * @param metrics counts where snapshot states came from
     */
    public Snapshots(LatestStates held, FleetStore store, FrameEncoder encoder, DeliveryMetrics metrics) {
        this.held = held;
        this.store = store;
        this.encoder = encoder;
        this.metrics = metrics;
    }

    /**
     * Every battery of the fleet that has data.
     *
     * @return states ordered by id
     * @throws RuntimeException when the store cannot be read
     */
    public List<EncodedState> all() {
        return of(store.batteryIds());
    }

    /**
     * Some batteries; ids without data are left out.
     *
     * @param batteries ids
     * @return states ordered by id
     * @throws RuntimeException when the store cannot be read
     */
    public List<EncodedState> of(Collection<Integer> batteries) {
        int[] ids = batteries.stream().mapToInt(Integer::intValue).sorted().toArray();
        EncodedState[] states = new EncodedState[ids.length];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            states[i] = held.get(ids[i]).orElse(null);
            if (states[i] == null) {
                missing.add(ids[i]);
            }
        }
        if (!missing.isEmpty()) {
            Map<Integer, EncodedState> read = new HashMap<>();
            for (BatteryState state : store.read(missing)) {
                read.put(state.id(), encoder.state(state));
            }
            for (int i = 0; i < ids.length; i++) {
                if (states[i] == null) {
                    states[i] = read.get(ids[i]);
                }
            }
        }
        List<EncodedState> found = new ArrayList<>(ids.length);
        for (EncodedState state : states) {
            if (state != null) {
                found.add(state);
            }
        }
        metrics.snapshotStates(ids.length - missing.size(), missing.size());
        return found;
    }

    /** The encoder, whose stale flag snapshots show. */
    FrameEncoder encoder() {
        return encoder;
    }
}

package io.bess.wsms.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        List<Integer> missing = new ArrayList<>();
        for (int id : ids) {
            if (held.get(id).isEmpty()) {
                missing.add(id);
            }
        }
        Map<Integer, EncodedState> read = new HashMap<>();
        if (!missing.isEmpty()) {
            for (BatteryState state : store.read(missing)) {
                read.put(state.id(), encoder.state(state));
            }
        }
        List<EncodedState> states = new ArrayList<>(ids.length);
        for (int id : ids) {
            Optional<EncodedState> state = held.get(id);
            EncodedState fromStore = read.get(id);
            if (fromStore != null && (state.isEmpty() || fromStore.supersedes(state.get()))) {
                states.add(fromStore);
            } else {
                state.ifPresent(states::add);
            }
        }
        metrics.snapshotStates(ids.length - missing.size(), missing.size());
        return states;
    }

    /** The encoder, whose stale flag snapshots show. */
    FrameEncoder encoder() {
        return encoder;
    }
}

package io.bess.wsms.hub;

import java.util.Collection;
import java.util.List;

/** Reads the current state of batteries, for snapshot frames. */
public interface SnapshotSource {
    /**
     * Every battery in the fleet that has data.
     *
     * @return states ordered by id
     * @throws RuntimeException when the store cannot be read
     */
    List<BatteryState> readAll();

    /**
     * Some batteries; ids without data are left out.
     *
     * @param batteries ids
     * @return states ordered by id
     * @throws RuntimeException when the store cannot be read
     */
    List<BatteryState> read(Collection<Integer> batteries);
}

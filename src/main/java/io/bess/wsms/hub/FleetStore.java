package io.bess.wsms.hub;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the fleet from the store (Redis), for what the hub cannot take from memory. */
public interface FleetStore {
    /**
     * The fleet's battery ids.
     *
     * @return every id the store lists
     * @throws RuntimeException when the store cannot be read
     */
    Set<Integer> batteryIds();

    /**
     * Some batteries; ids without data are left out.
     *
     * @param batteries ids
     * @return states, in no particular order
     * @throws RuntimeException when the store cannot be read
     */
    List<BatteryState> read(Collection<Integer> batteries);

    /**
     * The device timestamps of some batteries, without the rest of their state.
     *
     * @param batteries ids
     * @return battery to its {@code timestamp}; batteries without one (or without data) are left out
     * @throws RuntimeException when the store cannot be read
     */
    Map<Integer, Long> timestamps(Collection<Integer> batteries);
}

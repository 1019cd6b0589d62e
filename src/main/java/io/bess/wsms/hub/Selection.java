package io.bess.wsms.hub;

import java.util.HashSet;
import java.util.Set;

/**
 * Which batteries a client wants: either every battery except some, or exactly some.
 *
 * @param all whether the client wants every battery, including ones that appear later
 * @param ids with {@code all}, the batteries excluded; otherwise the batteries included
 */
public record Selection(boolean all, Set<Integer> ids) {
    /** Every battery. */
    public static final Selection EVERY_BATTERY = new Selection(true, Set.of());

    /** Defensive copy. */
    public Selection {
        ids = Set.copyOf(ids);
    }

    /**
     * Exactly these batteries.
     *
     * @param ids battery ids
     * @return the selection
     */
    public static Selection of(Set<Integer> ids) {
        return new Selection(false, ids);
    }

    /** Whether updates of this battery go to the client. */
    public boolean includes(int battery) {
        // fan-out asks this for every client of every battery: skip the boxed set lookup when there is nothing to ask
        if (ids.isEmpty()) {
            return all;
        }
        return all != ids.contains(battery);
    }

    /** This selection plus some batteries. */
    public Selection with(Set<Integer> added) {
        Set<Integer> next = new HashSet<>(ids);
        if (all) {
            next.removeAll(added);
        } else {
            next.addAll(added);
        }
        return new Selection(all, next);
    }

    /** This selection minus some batteries. */
    public Selection without(Set<Integer> removed) {
        Set<Integer> next = new HashSet<>(ids);
        if (all) {
            next.addAll(removed);
        } else {
            next.removeAll(removed);
        }
        return new Selection(all, next);
    }
}

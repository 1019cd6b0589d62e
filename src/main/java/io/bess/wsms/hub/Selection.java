package io.bess.wsms.hub;

import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Which batteries a client wants: either every battery except some, or exactly some; in both cases only among the
 * batteries it is permitted to see. The hub knows nothing of tokens: permission is just a predicate on ids.
 *
 * @param all       whether the client wants every battery, including ones that appear later
 * @param ids       with {@code all}, the batteries excluded; otherwise the batteries included
 * @param permitted the batteries the client may see at all
 */
public record Selection(boolean all, Set<Integer> ids, IntPredicate permitted) {
    /** Every battery permitted: the predicate of a client with no restriction. */
    public static final IntPredicate ANY = battery -> true;
    /** Every battery. */
    public static final Selection EVERY_BATTERY = new Selection(true, Set.of(), ANY);

    /** Defensive copy. */
    public Selection {
        ids = Set.copyOf(ids);
    }

    /**
     * Every battery or exactly some, with no restriction.
     *
     * @param all whether the client wants every battery
     * @param ids excluded ({@code all}) or included ids
     */
    public Selection(boolean all, Set<Integer> ids) {
        this(all, ids, ANY);
    }

    /**
     * Exactly these batteries.
     *
     * @param ids battery ids
     * @return the selection
     */
    public static Selection of(Set<Integer> ids) {
        return new Selection(false, ids, ANY);
    }

    /**
     * This selection, seen through a client's permission: batteries outside it are never included, whatever the
     * selection says, and neither are batteries that appear later outside it.
     *
     * @param allowed the batteries the client may see
     * @return the restricted selection
     */
    public Selection permittedOnly(IntPredicate allowed) {
        return new Selection(all, ids, allowed);
    }

    /** Whether updates of this battery go to the client. */
    public boolean includes(int battery) {
        // fan-out asks this for every client of every battery: skip the boxed set lookup when there is nothing to ask
        boolean wanted = ids.isEmpty() ? all : all != ids.contains(battery);
        return wanted && (permitted == ANY || permitted.test(battery));
    }

    /** This selection plus some batteries. */
    public Selection with(Set<Integer> added) {
        Set<Integer> next = new HashSet<>(ids);
        if (all) {
            next.removeAll(added);
        } else {
            next.addAll(added);
        }
        return new Selection(all, next, permitted);
    }

    /** This selection minus some batteries. */
    public Selection without(Set<Integer> removed) {
        Set<Integer> next = new HashSet<>(ids);
        if (all) {
            next.addAll(removed);
        } else {
            next.removeAll(removed);
        }
        return new Selection(all, next, permitted);
    }
}

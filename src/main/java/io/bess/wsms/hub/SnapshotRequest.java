package io.bess.wsms.hub;

import java.util.HashSet;
import java.util.Set;

/**
 * A snapshot frame a client is owed: of its whole selection, or of some batteries only.
 *
 * @param whole     whether the whole selection is wanted
 * @param batteries with {@code whole == false}, the batteries wanted
 */
public record SnapshotRequest(boolean whole, Set<Integer> batteries) {
    /** A snapshot of the client's whole selection. */
    public static final SnapshotRequest WHOLE = new SnapshotRequest(true, Set.of());

    /** Defensive copy. */
    public SnapshotRequest {
        batteries = Set.copyOf(batteries);
    }

    /**
     * A snapshot of some batteries only.
     *
     * @param batteries battery ids
     * @return the request
     */
    public static SnapshotRequest of(Set<Integer> batteries) {
        return new SnapshotRequest(false, batteries);
    }

    /** Two pending requests answered by one frame. */
    SnapshotRequest merge(SnapshotRequest other) {
        if (other == null) {
            return this;
        }
        if (whole || other.whole) {
            return WHOLE;
        }
        Set<Integer> union = new HashSet<>(batteries);
        union.addAll(other.batteries);
        return of(union);
    }
}

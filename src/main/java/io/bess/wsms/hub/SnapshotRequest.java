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
    /**
     * Pending requests naming more batteries than this become one of the whole selection: a client that keeps
     * subscribing and never reads cannot grow its pending request, and the whole snapshot shows at least as much.
     */
    static final int MAX_NAMED = 1024;

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
        return union.size() > MAX_NAMED ? WHOLE : of(union);
    }

    /**
     * This request without the batteries the client no longer wants.
     *
     * @param wanted the client's selection now
     * @return the request (answered with {@code {}} when nothing of it is left: a subscribe is always answered)
     */
    SnapshotRequest within(Selection wanted) {
        if (whole) {
            return this;
        }
        Set<Integer> kept = new HashSet<>();
        for (Integer battery : batteries) {
            if (wanted.includes(battery)) {
                kept.add(battery);
            }
        }
        return kept.size() == batteries.size() ? this : of(kept);
    }
}

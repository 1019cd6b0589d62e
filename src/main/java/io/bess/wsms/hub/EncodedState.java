package io.bess.wsms.hub;

/**
 * One battery's state encoded once: the JSON object a snapshot shows for it, and what the ordering rule needs.
 *
 * @param battery         battery id
 * @param deviceTimestamp the hash's {@code timestamp} (epoch ms), or {@link Frame#NO_TIMESTAMP} when it is not an
 *                        integer
 * @param stateHash       hash of the battery's fields, to tell a repeat of a state from a new state with the same
 *                        timestamp
 * @param json            the battery's object, {@code {"timestamp":..,"voltage":..,..}}, without server fields
 */
public record EncodedState(int battery, long deviceTimestamp, int stateHash, String json) {
    /** Whether this state carries a usable device timestamp. */
    public boolean ordered() {
        return deviceTimestamp != Frame.NO_TIMESTAMP;
    }

    /**
     * Whether this state should replace an older one held for the same battery: it is newer, or as new and
     * different (a device clock may be coarse), or neither can be ordered.
     *
     * @param held the state held now
     * @return true to replace it
     */
    public boolean supersedes(EncodedState held) {
        if (!ordered() || !held.ordered()) {
            return stateHash != held.stateHash || deviceTimestamp != held.deviceTimestamp;
        }
        return deviceTimestamp > held.deviceTimestamp
                || deviceTimestamp == held.deviceTimestamp && stateHash != held.stateHash;
    }
}

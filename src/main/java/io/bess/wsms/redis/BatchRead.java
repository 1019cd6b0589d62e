package io.bess.wsms.redis;

import java.util.List;
import java.util.Set;

import io.bess.wsms.hub.BatteryState;

/**
 * What one pipelined read of battery hashes brought: the states read, and the batteries it could not read.
 *
 * @param states  the batteries read that have data
 * @param failed  the batteries whose read failed (an outage or a refusal): they are owed
 * @param failure the failure that stands for the read (an outage outweighs a refusal), null when none failed
 */
record BatchRead(List<BatteryState> states, Set<Integer> failed, ReadFailure failure) {
    /** Nothing asked, nothing read. */
    static final BatchRead NOTHING = new BatchRead(List.of(), Set.of(), null);

    /** Defensive copies. */
    BatchRead {
        states = List.copyOf(states);
        failed = Set.copyOf(failed);
    }
}

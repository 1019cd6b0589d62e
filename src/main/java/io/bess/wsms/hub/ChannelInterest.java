package io.bess.wsms.hub;

import java.util.Set;

/** Keeps the upstream subscriptions equal to the batteries some client wants. */
public interface ChannelInterest {
    /**
     * Subscribes batteries newly in the set and unsubscribes those that left it. Must not block.
     *
     * @param batteries every battery some client wants now
     */
    void retain(Set<Integer> batteries);
}

package io.bess.wsms.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The channel sets of one pub/sub connection and how they move: what it should hold ({@code desired}), what it asked
 * Redis for on the current connection ({@code requested}), what it asked to drop and Redis has not confirmed yet
 * ({@code unsubscribing}: tells its own unsubscribes from those Redis pushes when a slot moves), and what Redis
 * confirmed ({@code confirmed}). Knows nothing of connections or threads: its {@link SubscriberLane} calls it under
 * the lane's lock and does what the answers say.
 */
final class LaneChannels {
    /** Channel to battery id: what the connection should hold. */
    private final Map<String, Integer> desired = new HashMap<>();
    private final Set<String> requested = new HashSet<>();
    private final Set<String> unsubscribing = new HashSet<>();
    private final Set<String> confirmed = new HashSet<>();

    /**
     * What to send on the live subscription to hold exactly what is desired.
     *
     * @param add    channels to subscribe, additions first: removing every channel would end the subscription
     * @param remove channels to unsubscribe
     */
    record Change(List<String> add, List<String> remove) {
        boolean isEmpty() {
            return add.isEmpty() && remove.isEmpty();
        }
    }

    /**
     * What became of a channel whose subscription ended.
     *
     * @param wasConfirmed the channel had been confirmed: its battery lost its subscription
     * @param moved        Redis ended it although the connection should hold it (its slot moved)
     */
    record Ended(boolean wasConfirmed, boolean moved) {
    }

    /**
     * Changes what the connection should hold.
     *
     * @param add    channel to battery id
     * @param remove channels to drop
     * @return the batteries dropped (removed and not added back)
     */
    List<Integer> want(Map<String, Integer> add, Collection<String> remove) {
        List<Integer> dropped = new ArrayList<>(remove.size());
        for (String channel : remove) {
            Integer battery = desired.remove(channel);
            if (battery != null && !add.containsKey(channel)) {
                dropped.add(battery);
            }
        }
        desired.putAll(add);
        return dropped;
    }

    /** Whether the connection should hold no channel. */
    boolean isEmpty() {
        return desired.isEmpty();
    }

    /** How many channels the connection should hold. */
    int size() {
        return desired.size();
    }

    /** The channels the connection should hold, for a new connection's first command. */
    Set<String> desired() {
        return desired.keySet();
    }

    /**
     * A new connection subscribes these channels first.
     *
     * @param first the first command's channels
     */
    void connected(List<String> first) {
        requested.addAll(first);
    }

    /**
     * The connection is gone: nothing is requested or confirmed on it any more.
     *
     * @return the channels that had been confirmed (their batteries lost their subscription)
     */
    List<String> disconnected() {
        requested.clear();
        unsubscribing.clear();
        List<String> lost = List.copyOf(confirmed);
        confirmed.clear();
        return lost;
    }

    /**
     * The difference between what is desired and what was requested, recorded as requested: the caller sends it.
     *
     * @return the channels to add and to remove
     */
    Change sync() {
        List<String> add = new ArrayList<>();
        for (String channel : desired.keySet()) {
            if (!requested.contains(channel)) {
                add.add(channel);
            }
        }
        List<String> remove = new ArrayList<>();
        for (String channel : requested) {
            if (!desired.containsKey(channel)) {
                remove.add(channel);
            }
        }
        requested.addAll(add);
        remove.forEach(requested::remove);
        unsubscribing.addAll(remove);
        return new Change(add, remove);
    }

    /**
     * Redis confirmed a channel.
     *
     * @param channel the channel
     * @return its battery when the confirmation is new and the channel is still desired (it needs a catch-up read),
     *         else null
     */
    Integer confirmed(String channel) {
        boolean fresh = confirmed.add(channel);
        return fresh ? desired.get(channel) : null;
    }

    /**
     * A channel's subscription ended.
     *
     * @param channel the channel
     * @return whether it had been confirmed, and whether Redis ended it while it is still desired
     */
    Ended ended(String channel) {
        boolean wasConfirmed = confirmed.remove(channel);
        boolean pushed = !unsubscribing.remove(channel);
        if (pushed) {
            requested.remove(channel);
        }
        return new Ended(wasConfirmed, pushed && desired.containsKey(channel));
    }

    /** A channel requested on the current connection, for a liveness probe; null when none is. */
    String anyRequested() {
        return requested.isEmpty() ? null : requested.iterator().next();
    }
}

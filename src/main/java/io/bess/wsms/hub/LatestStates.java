package io.bess.wsms.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest state of every battery whose channel is subscribed, taken from the updates as they pass through the
 * hub, so that a new client's snapshot needs no Redis read for them. A state is held only while the battery's
 * subscription is confirmed: then every change reaches the hub (after a confirmation, a catch-up read brings what
 * was missed before it). When a subscription is lost (a connection dropped, Redis restarted, the master moved) the
 * battery's state is forgotten and read from Redis again until the catch-up refills it.
 */
public final class LatestStates implements ChannelWatch {
    private final ConcurrentHashMap<Integer, Held> held = new ConcurrentHashMap<>();

    /**
     * One battery: its confirmed subscriptions (a channel moving between connections can briefly have two), its
     * newest state and whether that state was flagged stale. Changed only inside the map's compute functions; read
     * without them, hence volatile.
     */
    private static final class Held {
        private int subscriptions;
        private volatile EncodedState state;
        private volatile boolean staleSent;
    }

    @Override
    public void confirmed(int battery) {
        held.compute(battery, (id, h) -> {
            Held next = h == null ? new Held() : h;
            next.subscriptions++;
            return next;
        });
    }

    @Override
    public void lost(int battery) {
        held.computeIfPresent(battery, (id, h) -> --h.subscriptions <= 0 ? null : h);
    }

    /**
     * Keeps a frame's state when its battery's subscription is confirmed and the state is newer than the one held.
     *
     * @param frame an update passing through the hub
     */
    void offer(Frame frame) {
        held.computeIfPresent(frame.battery(), (id, h) -> {
            if (h.state == null || frame.state().supersedes(h.state)) {
                h.state = frame.state();
                h.staleSent = frame.stale();
            } else if (frame.stale() && frame.state().equals(h.state)) {
                h.staleSent = true;
            }
            return h;
        });
    }

    /**
     * The state held for a battery.
     *
     * @param battery id
     * @return its newest state, empty when it is not held (not subscribed, or not caught up yet)
     */
    public Optional<EncodedState> get(int battery) {
        Held h = held.get(battery);
        return h == null ? Optional.empty() : Optional.ofNullable(h.state);
    }

    /**
     * The held states that have become stale and have not been flagged yet; each is returned once, until a newer
     * state replaces it.
     *
     * @param encoder   decides staleness
     * @param nowMillis the server's clock
     * @return the states to flag
     */
    List<EncodedState> newlyStale(FrameEncoder encoder, long nowMillis) {
        List<EncodedState> stale = new ArrayList<>();
        for (Integer battery : held.keySet()) {
            held.computeIfPresent(battery, (id, h) -> {
                if (h.state != null && !h.staleSent && encoder.isStale(h.state, nowMillis)) {
                    h.staleSent = true;
                    stale.add(h.state);
                }
                return h;
            });
        }
        return stale;
    }
}

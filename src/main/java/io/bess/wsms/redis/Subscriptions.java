package io.bess.wsms.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import io.bess.wsms.hub.ChannelInterest;

/** The set of running channel subscribers, kept equal to the batteries some client wants. */
public final class Subscriptions implements ChannelInterest {
    private final RedisConnector connector;
    private final RedisStatus status;
    private final Map<Integer, ChannelSubscriber> running = new HashMap<>();
    private SignalHandler handler;

    /**
     * Creates the registry; {@link #deliverTo} must be called before the first {@link #retain}.
     *
     * @param connector makes each subscriber's connection
     * @param status    shared Redis status
     */
    public Subscriptions(RedisConnector connector, RedisStatus status) {
        this.connector = connector;
        this.status = status;
    }

    /**
     * Where signals go.
     *
     * @param relay the update relay
     */
    public synchronized void deliverTo(UpdateRelay relay) {
        this.handler = relay;
    }

    @Override
    public synchronized void retain(Set<Integer> batteries) {
        Iterator<Map.Entry<Integer, ChannelSubscriber>> it = running.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, ChannelSubscriber> entry = it.next();
            if (!batteries.contains(entry.getKey())) {
                entry.getValue().stop();
                it.remove();
            }
        }
        SignalHandler relay = handler;
        for (Integer battery : batteries) {
            running.computeIfAbsent(battery, b -> {
                ChannelSubscriber subscriber = new ChannelSubscriber(b, connector, relay, status);
                subscriber.start();
                return subscriber;
            });
        }
    }

    /** Channels subscribed now. */
    public synchronized int size() {
        return running.size();
    }

    /**
     * Pings every subscribed connection and drops those silent for three intervals; called once per interval.
     *
     * @param interval the ping interval
     */
    public synchronized void checkAlive(Duration interval) {
        long now = System.nanoTime();
        Duration silence = interval.multipliedBy(3);
        running.values().forEach(subscriber -> subscriber.checkAlive(now, silence));
    }

    /** Stops every subscriber. */
    public synchronized void stopAll() {
        running.values().forEach(ChannelSubscriber::stop);
        running.clear();
    }
}

package io.bess.wsms.redis;

import java.util.Collection;
import java.util.List;

import redis.clients.jedis.Connection;

/**
 * A blocking SUBSCRIBE (or SSUBSCRIBE) on one connection, as a {@link SubscriberLane} drives it: {@link #run}
 * blocks its thread while the others change the channel set on the live subscription (one caller at a time).
 */
interface LiveSubscription {
    /**
     * The channels one subscribing command may name, out of those wanted: the rest follow once the subscription
     * runs.
     *
     * @param wanted channel names, at least one
     * @return a non-empty part of them
     */
    List<String> firstCommand(Collection<String> wanted);

    /**
     * Subscribes and handles replies until every channel is unsubscribed or the connection fails.
     *
     * @param connection a connection of its own
     * @param channels   the first channels, as {@link #firstCommand} chose them
     */
    void run(Connection connection, List<String> channels);

    /**
     * Adds channels to the running subscription.
     *
     * @param channels channel names
     */
    void add(Collection<String> channels);

    /**
     * Removes channels from the running subscription.
     *
     * @param channels channel names
     */
    void remove(Collection<String> channels);

    /**
     * Asks Redis for a reply that proves the connection alive.
     *
     * @param anyChannel a channel the subscription holds
     */
    void probe(String anyChannel);

    /** What a live subscription reports, on its own thread. */
    interface Events {
        /**
         * A channel's subscription is confirmed.
         *
         * @param channel channel name
         */
        void subscribed(String channel);

        /**
         * A channel's subscription ended: asked for, or pushed by Redis (a slot moved away in a Cluster).
         *
         * @param channel channel name
         */
        void unsubscribed(String channel);

        /**
         * A message arrived on a channel.
         *
         * @param channel channel name
         */
        void message(String channel);

        /** Redis answered a probe. */
        void heard();
    }
}

package io.bess.wsms.redis;

import java.util.Collection;
import java.util.List;

import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;

/**
 * SUBSCRIBE / UNSUBSCRIBE / PING on one connection. The only subclass of Jedis's {@link JedisPubSub}: it forwards
 * the callbacks to {@link LiveSubscription.Events}.
 */
final class ClassicSubscription extends JedisPubSub implements LiveSubscription {
    private final Events events;

    ClassicSubscription(Events events) {
        this.events = events;
    }

    @Override
    public List<String> firstCommand(Collection<String> wanted) {
        return List.copyOf(wanted);
    }

    @Override
    public void run(Connection connection, List<String> channels) {
        proceed(connection, channels.toArray(String[]::new));
    }

    @Override
    public void add(Collection<String> channels) {
        subscribe(channels.toArray(String[]::new));
    }

    @Override
    public void remove(Collection<String> channels) {
        unsubscribe(channels.toArray(String[]::new));
    }

    @Override
    public void probe(String anyChannel) {
        ping();
    }

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
        events.subscribed(channel);
    }

    @Override
    public void onUnsubscribe(String channel, int subscribedChannels) {
        events.unsubscribed(channel);
    }

    @Override
    public void onMessage(String channel, String message) {
        // the payload is only a signal ("updates"): the hash holds the data
        events.message(channel);
    }

    @Override
    public void onPong(String pattern) {
        events.heard();
    }
}

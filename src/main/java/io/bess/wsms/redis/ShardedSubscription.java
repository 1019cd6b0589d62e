package io.bess.wsms.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * SSUBSCRIBE / SUNSUBSCRIBE on one connection (Redis 7 sharded pub/sub). One command may only name channels of
 * one slot (else CROSSSLOT), so channels are sent in slot groups. Jedis's sharded loop does not accept a PING
 * reply, so the probe subscribes a channel the connection already holds again: Redis confirms it, changing nothing.
 */
final class ShardedSubscription extends JedisShardedPubSub implements LiveSubscription {
    private final Events events;

    ShardedSubscription(Events events) {
        this.events = events;
    }

    @Override
    public List<String> firstCommand(Collection<String> wanted) {
        return List.of(bySlot(wanted).getFirst());
    }

    @Override
    public void run(Connection connection, List<String> channels) {
        proceed(connection, channels.toArray(String[]::new));
    }

    @Override
    public void add(Collection<String> channels) {
        bySlot(channels).forEach(this::ssubscribe);
    }

    @Override
    public void remove(Collection<String> channels) {
        bySlot(channels).forEach(this::sunsubscribe);
    }

    @Override
    public void probe(String anyChannel) {
        ssubscribe(anyChannel);
    }

    @Override
    public void onSSubscribe(String channel, int subscribedChannels) {
        events.subscribed(channel);
    }

    @Override
    public void onSUnsubscribe(String channel, int subscribedChannels) {
        events.unsubscribed(channel);
    }

    @Override
    public void onSMessage(String channel, String message) {
        events.message(channel);
    }

    private static List<String[]> bySlot(Collection<String> channels) {
        Map<Integer, List<String>> groups = new TreeMap<>();
        for (String channel : channels) {
            groups.computeIfAbsent(JedisClusterCRC16.getSlot(channel), s -> new ArrayList<>()).add(channel);
        }
        return groups.values().stream().map(g -> g.toArray(String[]::new)).toList();
    }
}

package io.bess.wsms.redis;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster. Reads go to the slot's owner (pipelines are split per node by Jedis); the slot map comes from
 * Jedis's cluster connection provider, which this backend builds itself so that it can ask it who owns a slot
 * and tell it to re-read the map.
 */
final class ClusterBackend implements RedisBackend {
    private final ClusterConnectionProvider provider;
    private final RedisClusterClient client;
    private final String description;

    ClusterBackend(Set<HostAndPort> nodes, JedisClientConfig config, GenericObjectPoolConfig<Connection> pool,
                   String description) {
        this.provider = new ClusterConnectionProvider(nodes, config, pool);
        this.client = RedisClusterClient.builder()
                .nodes(nodes)
                .clientConfig(config)
                .connectionProvider(provider)
                .build();
        this.description = description;
    }

    @Override
    public UnifiedJedis client() {
        return client;
    }

    @Override
    public void clearIdle() {
        provider.getNodes().values().forEach(ConnectionPool::clear);
    }

    @Override
    public List<HostAndPort> subscriberNodes() {
        List<HostAndPort> masters = nodes(provider.getPrimaryNodes().keySet());
        // no master known (the slot map is being rebuilt): any node relays a classic PUBLISH
        return masters.isEmpty() ? nodes(provider.getNodes().keySet()) : masters;
    }

    private static List<HostAndPort> nodes(Collection<String> addresses) {
        return addresses.stream().map(HostAndPort::from).sorted(Comparator.comparing(HostAndPort::toString)).toList();
    }

    @Override
    public HostAndPort owner(String channel) {
        HostAndPort node = provider.getNode(JedisClusterCRC16.getSlot(channel));
        if (node == null) {
            // the slot has no known owner (the map is being rebuilt after a failover): read it again once
            provider.renewSlotCache();
            node = provider.getNode(JedisClusterCRC16.getSlot(channel));
        }
        if (node == null) {
            throw new JedisClusterOperationException("no node owns the slot of " + channel + " yet");
        }
        return node;
    }

    @Override
    public void refresh() {
        provider.renewSlotCache();
    }

    @Override
    public Object epoch() {
        // moves show up as errors or as sunsubscribe pushes, which call refresh(): nothing to poll
        return this;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        client.close();
    }
}

package io.bess.wsms.redis;

import java.util.List;
import java.util.Set;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.Pool;

/**
 * A master watched by Sentinel. Jedis's client listens to the Sentinels' {@code +switch-master} and moves its
 * pool to the new master by itself; subscribers follow {@link #epoch()}, the current master's address.
 */
final class SentinelBackend implements RedisBackend {
    private final RedisSentinelClient client;
    private final String description;

    SentinelBackend(String masterName, Set<HostAndPort> sentinels, JedisClientConfig masterConfig,
                    JedisClientConfig sentinelConfig, GenericObjectPoolConfig<Connection> pool, String description) {
        this.client = RedisSentinelClient.builder()
                .masterName(masterName)
                .sentinels(sentinels)
                .clientConfig(masterConfig)
                .sentinelClientConfig(sentinelConfig)
                .poolConfig(pool)
                .build();
        this.description = description;
    }

    @Override
    public UnifiedJedis client() {
        return client;
    }

    @Override
    public void clearIdle() {
        for (Pool<Connection> pool : client.getPrimaryNodesConnectionMap().values()) {
            pool.clear();
        }
    }

    @Override
    public List<HostAndPort> subscriberNodes() {
        return List.of(client.getCurrentMaster());
    }

    @Override
    public HostAndPort owner(String channel) {
        return client.getCurrentMaster();
    }

    @Override
    public void refresh() {
        // Jedis's Sentinel listener keeps the master current
    }

    @Override
    public Object epoch() {
        return client.getCurrentMaster();
    }

    @Override
    public String describe() {
        return description + ", master now at " + client.getCurrentMaster();
    }

    @Override
    public void close() {
        client.close();
    }
}

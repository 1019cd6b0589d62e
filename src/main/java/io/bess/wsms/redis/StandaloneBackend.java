package io.bess.wsms.redis;

import java.util.List;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** One Redis server. */
final class StandaloneBackend implements RedisBackend {
    private final HostAndPort address;
    private final RedisClient client;

    StandaloneBackend(HostAndPort address, JedisClientConfig config, GenericObjectPoolConfig<Connection> pool) {
        this.address = address;
        this.client = RedisClient.builder().hostAndPort(address).clientConfig(config).poolConfig(pool).build();
    }

    @Override
    public UnifiedJedis client() {
        return client;
    }

    @Override
    public void clearIdle() {
        client.getPool().clear();
    }

    @Override
    public List<HostAndPort> subscriberNodes() {
        return List.of(address);
    }

    @Override
    public HostAndPort owner(String channel) {
        return address;
    }

    @Override
    public void refresh() {
        // one server: nothing can move
    }

    @Override
    public Object epoch() {
        return address;
    }

    @Override
    public String describe() {
        return address.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}

package io.bess.wsms.redis;

import io.bess.wsms.config.RedisSettings;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Makes Redis connections from the settings: one shared pool for reads and writes, and a dedicated connection
 * per subscriber (a SUBSCRIBE holds its connection for its whole life, so it must not starve the pool).
 */
public final class RedisConnector {
    private final RedisSettings settings;
    private final HostAndPort address;
    private final JedisClientConfig clientConfig;

    /**
     * Creates a connector; opens nothing yet.
     *
     * @param settings where Redis is
     */
    public RedisConnector(RedisSettings settings) {
        this.settings = settings;
        this.address = new HostAndPort(settings.host(), settings.port());
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .resp2()
                .database(settings.database())
                .ssl(settings.ssl())
                .connectionTimeoutMillis((int) settings.timeout().toMillis())
                .socketTimeoutMillis((int) settings.timeout().toMillis())
                .clientName("websocket-server-ms");
        settings.passwordIfSet().ifPresent(builder::password);
        this.clientConfig = builder.build();
    }

    /** A pooled, thread-safe client for reads and writes. */
    public RedisClient pooledClient() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(0);
        pool.setMaxWait(settings.timeout());
        return RedisClient.builder()
                .hostAndPort(address)
                .clientConfig(clientConfig)
                .poolConfig(pool)
                .build();
    }

    /** A new connection of its own, for one subscriber. */
    Jedis dedicatedConnection() {
        return new Jedis(address, clientConfig);
    }

    /**
     * Checks once that Redis answers, for a clear start-up error.
     *
     * @throws RedisUnavailableException with one sentence naming the settings to check
     */
    public void verify() {
        try (Jedis jedis = dedicatedConnection()) {
            jedis.ping();
        } catch (JedisAccessControlException e) {
            throw new RedisUnavailableException("Redis at " + where() + " refused the password: check REDIS_PASS ("
                                                        + e.getMessage() + ").", e);
        } catch (JedisDataException e) {
            throw new RedisUnavailableException("Redis at " + where() + " refused the connection: check REDIS_PASS "
                                                        + "and REDIS_DB (" + e.getMessage() + ").", e);
        } catch (JedisConnectionException e) {
            throw new RedisUnavailableException("Cannot reach Redis at " + where() + ": check REDIS_HOST, REDIS_PORT"
                                                        + " and REDIS_SSL (" + rootMessage(e) + ").", e);
        } catch (JedisException e) {
            throw new RedisUnavailableException("Redis at " + where() + " cannot be used: " + rootMessage(e) + ".", e);
        }
    }

    /** host:port, for messages. */
    public String where() {
        return settings.host() + ":" + settings.port();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

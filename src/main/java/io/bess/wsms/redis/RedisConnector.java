package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.bess.wsms.config.RedisAddress;
import io.bess.wsms.config.RedisSettings;
import io.bess.wsms.config.RedisTopology;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens the service's Redis connections for the configured topology: one pooled client for reads and writes (the
 * pool is per node in a Cluster) and the subscribers' own connections (a SUBSCRIBE holds its connection for its
 * whole life, so subscribers never take pooled ones). Every connection carries the client name
 * {@value #CLIENT_NAME}, so that operators can count them in {@code CLIENT LIST}.
 */
public final class RedisConnector implements AutoCloseable {
    /** The client name of every connection the service opens. */
    public static final String CLIENT_NAME = "websocket-server-ms";
    private static final System.Logger LOGGER = System.getLogger(RedisConnector.class.getName());
    private static final int SHARDED_PUBSUB_MAJOR = 7;

    private final RedisSettings settings;
    private final JedisClientConfig clientConfig;
    private final RedisBackend backend;

    /**
     * Connects to Redis and checks once that it answers, for a clear start-up error.
     *
     * @param settings where Redis is
     * @throws RedisUnavailableException with one sentence naming the settings to check
     */
    public RedisConnector(RedisSettings settings) {
        this.settings = settings;
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .resp2()
                .database(settings.database())
                .ssl(settings.ssl())
                .connectionTimeoutMillis((int) settings.timeout().toMillis())
                .socketTimeoutMillis((int) settings.timeout().toMillis())
                .clientName(CLIENT_NAME);
        settings.passwordIfSet().ifPresent(builder::password);
        this.clientConfig = builder.build();
        this.backend = open();
        try {
            verify();
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The pooled client's side of the topology: reads, writes, where subscribers go. */
    RedisBackend backend() {
        return backend;
    }

    /** Whether channels are subscribed with SSUBSCRIBE (the writer uses SPUBLISH). */
    boolean sharded() {
        return settings.shardedPubSub();
    }

    /**
     * A new connection of its own, for one subscriber.
     *
     * @param node where to connect
     * @return the connected, authenticated connection
     */
    Connection subscriberConnection(HostAndPort node) {
        return new Connection(node, clientConfig);
    }

    /** The connect and command timeout of every connection (and the longest wait for a pooled one). */
    public Duration timeout() {
        return settings.timeout();
    }

    /** Where Redis is, for messages and the health check's details. */
    public String where() {
        return backend.describe();
    }

    @Override
    public void close() {
        backend.close();
    }

    private RedisBackend open() {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(0);
        pool.setMaxWait(settings.timeout());
        RedisTopology topology = settings.topology();
        try {
            return switch (topology) {
                case RedisTopology.Standalone s -> new StandaloneBackend(new HostAndPort(s.host(), s.port()),
                                                                         clientConfig, pool);
                case RedisTopology.Sentinel s -> new SentinelBackend(s.masterName(), nodes(s.sentinels()),
                                                                     clientConfig, sentinelConfig(s), pool,
                                                                     s.describe());
                case RedisTopology.Cluster c -> new ClusterBackend(nodes(c.nodes()), clientConfig, pool,
                                                                   c.describe());
            };
        } catch (JedisException | IllegalArgumentException e) {
            throw new RedisUnavailableException(switch (topology) {
                case RedisTopology.Standalone s -> "Cannot reach Redis at " + s.describe()
                        + ": check REDIS_HOST and REDIS_PORT (" + rootMessage(e) + ").";
                case RedisTopology.Sentinel s -> "Cannot find the Redis " + s.describe() + ": check"
                        + " REDIS_SENTINELS, REDIS_MASTER_NAME and REDIS_SENTINEL_PASS (" + rootMessage(e) + ").";
                case RedisTopology.Cluster c -> "Cannot reach the Redis " + c.describe() + ": check"
                        + " REDIS_CLUSTER_NODES, REDIS_PASS and REDIS_SSL (" + rootMessage(e) + ").";
            }, e);
        }
    }

    private JedisClientConfig sentinelConfig(RedisTopology.Sentinel sentinel) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .resp2()
                .ssl(settings.ssl())
                .connectionTimeoutMillis((int) settings.timeout().toMillis())
                .socketTimeoutMillis((int) settings.timeout().toMillis())
                .clientName(CLIENT_NAME);
        if (!sentinel.sentinelPassword().isEmpty()) {
            builder.password(sentinel.sentinelPassword());
        }
        return builder.build();
    }

    /**
     * Checks that every node subscribers may use answers with the given credentials (and runs Redis 7 when
     * sharded pub/sub is on).
     */
    private void verify() {
        for (HostAndPort node : backend.subscriberNodes()) {
            try (Connection connection = subscriberConnection(node)) {
                connection.ping();
                if (settings.shardedPubSub()) {
                    requireShardedPubSub(connection, node);
                }
            } catch (JedisAccessControlException e) {
                throw new RedisUnavailableException("Redis at " + node + " refused the password: check REDIS_PASS ("
                                                            + e.getMessage() + ").", e);
            } catch (JedisDataException e) {
                throw new RedisUnavailableException("Redis at " + node + " refused the connection: check REDIS_PASS"
                                                            + " and REDIS_DB (" + e.getMessage() + ").", e);
            } catch (JedisConnectionException e) {
                throw new RedisUnavailableException("Cannot reach Redis at " + node + ": check REDIS_HOST,"
                                                            + " REDIS_PORT and REDIS_SSL (" + rootMessage(e) + ").",
                                                    e);
            } catch (JedisException e) {
                throw new RedisUnavailableException("Redis at " + node + " cannot be used: " + rootMessage(e) + ".",
                                                    e);
            }
        }
        LOGGER.log(Level.DEBUG, () -> "Redis " + backend.describe() + " answers");
    }

    private static void requireShardedPubSub(Connection connection, HostAndPort node) {
        connection.sendCommand(redis.clients.jedis.Protocol.Command.INFO, "server");
        String info = connection.getBulkReply();
        String version = info.lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                .map(l -> l.substring("redis_version:".length()).trim()).orElse("0");
        int major = Integer.parseInt(version.split("\\.")[0]);
        if (major < SHARDED_PUBSUB_MAJOR) {
            throw new RedisUnavailableException("REDIS_SHARDED_PUBSUB=true needs Redis 7 or newer (SSUBSCRIBE), but"
                                                        + " Redis at " + node + " is " + version + ".", null);
        }
    }

    private static Set<HostAndPort> nodes(List<RedisAddress> addresses) {
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        addresses.forEach(a -> nodes.add(new HostAndPort(a.host(), a.port())));
        return nodes;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

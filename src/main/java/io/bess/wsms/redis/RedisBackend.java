package io.bess.wsms.redis;

import java.util.List;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * One Redis topology as the rest of the package needs it: a pooled client for reads and writes, and where pub/sub
 * connections must go. Only this interface's implementations know whether Redis is one server, a master found
 * through Sentinel, or a Cluster.
 */
sealed interface RedisBackend extends AutoCloseable permits StandaloneBackend, SentinelBackend, ClusterBackend {
    /** The pooled, thread-safe client for reads and writes (it follows failovers and slot moves by itself). */
    UnifiedJedis client();

    /**
     * Drops every idle pooled connection: after one failed on use (Redis restarted), the others are suspect too.
     */
    void clearIdle();

    /**
     * The nodes pub/sub connections may use now: the one server, the current master, or a Cluster's masters (a
     * classic PUBLISH reaches subscribers on any node of a Cluster). Never empty.
     */
    List<HostAndPort> subscriberNodes();

    /**
     * The node that owns a channel's slot, where a sharded subscription (SSUBSCRIBE) must go.
     *
     * @param channel channel name
     * @return the node
     */
    HostAndPort owner(String channel);

    /** Re-reads the topology after a sign that it moved (a MOVED reply, a {@code sunsubscribe} pushed by Redis). */
    void refresh();

    /**
     * A value that changes when subscriber connections must move although none of them sees an error: a
     * subscriber on a master that Sentinel demoted goes silent rather than failing. Cheap: read a few times a
     * second.
     */
    Object epoch();

    /** Where Redis is, for log lines and the health check's details. */
    String describe();

    @Override
    void close();
}

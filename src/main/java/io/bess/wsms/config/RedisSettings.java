package io.bess.wsms.config;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * Where Redis is and how to talk to it. A standalone topology with an empty host means "start an embedded Redis".
 *
 * @param topology               standalone server, Sentinel or Cluster
 * @param database               Redis logical database (always 0 in a Cluster)
 * @param password               password, empty when Redis has none
 * @param ssl                    whether to use TLS
 * @param timeout                connect and command timeout
 * @param poolSize               pooled connections for reads and writes (per node in a Cluster)
 * @param subscriberConnections  pub/sub connections held at most, however many channels are subscribed
 * @param shardedPubSub          whether the writer uses SPUBLISH, so the service must SSUBSCRIBE (Redis 7)
 * @param subscriberPingInterval how often each subscribed connection is pinged; one silent for three intervals is
 *                               dropped and reconnected (a subscribed socket has no read timeout, so a silently
 *                               dropped network path would otherwise block it forever)
 */
public record RedisSettings(RedisTopology topology, int database, String password, boolean ssl, Duration timeout,
                            int poolSize, int subscriberConnections, boolean shardedPubSub,
                            Duration subscriberPingInterval) {
    private static final System.Logger LOGGER = System.getLogger(RedisSettings.class.getName());

    /**
     * Reads and validates the {@code redis} node.
     *
     * @param node the {@code redis} config node
     * @return the settings
     */
    public static RedisSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        RedisSettings settings = new RedisSettings(topology(r),
                                                   r.integer("db", 0, 0, 15),
                                                   r.string("password", ""),
                                                   r.bool("ssl", false),
                                                   r.duration("timeout", Duration.ofSeconds(2), Duration.ofMillis(50)),
                                                   r.integer("pool-size", 32, 1, 1024),
                                                   r.integer("subscriber-connections", 16, 1, 1024),
                                                   r.bool("sharded-pubsub", false),
                                                   r.duration("subscriber-ping-interval", Duration.ofSeconds(1),
                                                              Duration.ofMillis(50)));
        if (settings.topology() instanceof RedisTopology.Cluster && settings.database() != 0) {
            throw new SettingsException(r.name("db") + " must be 0 in cluster mode (a Redis Cluster has only"
                                                + " database 0), got '" + settings.database() + "'.");
        }
        if (settings.shardedPubSub() && settings.embedded()) {
            throw new SettingsException(r.name("sharded-pubsub") + " needs Redis 7 and the embedded Redis is 6.2:"
                                                + " set REDIS_HOST (or REDIS_MODE) to a Redis 7 as well.");
        }
        return settings;
    }

    private static RedisTopology topology(SettingReader r) {
        String mode = r.string("mode", "standalone").toLowerCase(Locale.ROOT);
        String host = r.string("host", "");
        if (!mode.equals("standalone") && !host.isEmpty()) {
            LOGGER.log(Level.INFO, "REDIS_HOST (redis.host) is ignored in " + mode + " mode: "
                    + (mode.equals("cluster") ? "REDIS_CLUSTER_NODES" : "REDIS_SENTINELS") + " says where Redis is");
        }
        return switch (mode) {
            case "standalone", "" -> new RedisTopology.Standalone(host, r.integer("port", 6379, 1, 65535));
            case "sentinel" -> new RedisTopology.Sentinel(
                    RedisAddress.parseList(required(r, "sentinels", mode), r.name("sentinels")),
                    required(r, "master-name", mode),
                    r.string("sentinel-password", ""));
            case "cluster" -> new RedisTopology.Cluster(
                    RedisAddress.parseList(required(r, "cluster-nodes", mode), r.name("cluster-nodes")));
            default -> throw new SettingsException(r.name("mode") + " must be standalone, sentinel or cluster, got '"
                                                           + mode + "'.");
        };
    }

    private static String required(SettingReader r, String key, String mode) {
        return r.optionalString(key).orElseThrow(() -> new SettingsException(
                r.name(key) + " is required when redis.mode (REDIS_MODE) is " + mode + "."));
    }

    /** Whether the service should start its own Redis. */
    public boolean embedded() {
        return topology instanceof RedisTopology.Standalone s && s.host().isEmpty();
    }

    /** The same settings pointing at one server (used once the embedded Redis is up). */
    public RedisSettings at(String newHost, int newPort) {
        return new RedisSettings(new RedisTopology.Standalone(newHost, newPort), database, password, ssl, timeout,
                                 poolSize, subscriberConnections, shardedPubSub, subscriberPingInterval);
    }

    /** The password, if one is set. */
    public Optional<String> passwordIfSet() {
        return password.isEmpty() ? Optional.empty() : Optional.of(password);
    }

    @Override
    public String toString() {
        // never print the password
        return "RedisSettings[" + topology + "/" + database + (ssl ? " tls" : "")
                + (password.isEmpty() ? "" : " with password") + (shardedPubSub ? " sharded" : "") + "]";
    }
}

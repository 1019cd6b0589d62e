package io.bess.wsms.config;

import java.time.Duration;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * Where Redis is and how to talk to it. An empty host means "start an embedded Redis".
 *
 * @param host     Redis host, empty for the embedded default
 * @param port     Redis port
 * @param database Redis logical database
 * @param password password, empty when Redis has none
 * @param ssl      whether to use TLS
 * @param timeout  connect and command timeout
 * @param poolSize connections in the pool used for reads (subscribers have their own)
 * @param subscriberPingInterval how often each subscribed connection is pinged; one silent for three intervals is
 *                 dropped and reconnected (a subscribed socket has no read timeout, so a silently dropped network
 *                 path would otherwise block it forever)
 */
public record RedisSettings(String host, int port, int database, String password, boolean ssl, Duration timeout,
                            int poolSize, Duration subscriberPingInterval) {
    /**
     * Reads and validates the {@code redis} node.
     *
     * @param node the {@code redis} config node
     * @return the settings
     */
    public static RedisSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        return new RedisSettings(r.string("host", ""),
                                 r.integer("port", 6379, 1, 65535),
                                 r.integer("db", 0, 0, 15),
                                 r.string("password", ""),
                                 r.bool("ssl", false),
                                 r.duration("timeout", Duration.ofSeconds(2), Duration.ofMillis(50)),
                                 r.integer("pool-size", 32, 2, 1024),
                                 r.duration("subscriber-ping-interval", Duration.ofSeconds(5), Duration.ofMillis(50)));
    }

    /** Whether the service should start its own Redis. */
    public boolean embedded() {
        return host.isEmpty();
    }

    /** The same settings pointing at another host and port (used once the embedded Redis is up). */
    public RedisSettings at(String newHost, int newPort) {
        return new RedisSettings(newHost, newPort, database, password, ssl, timeout, poolSize, subscriberPingInterval);
    }

    /** The password, if one is set. */
    public Optional<String> passwordIfSet() {
        return password.isEmpty() ? Optional.empty() : Optional.of(password);
    }

    @Override
    public String toString() {
        // never print the password
        return "RedisSettings[" + host + ":" + port + "/" + database + (ssl ? " tls" : "")
                + (password.isEmpty() ? "" : " with password") + "]";
    }
}

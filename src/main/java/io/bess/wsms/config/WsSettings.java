package io.bess.wsms.config;

import java.time.Duration;
import java.util.List;

import io.helidon.config.Config;

/**
 * The WebSocket endpoint's rules: auth, origins, limits and timers.
 *
 * @param token                 bearer token required to connect, empty for no auth
 * @param allowedOrigins        browser origins allowed to connect, empty for any
 * @param maxConnections        connections held at most; further upgrades get 503
 * @param maxFrameBytes         largest text frame accepted from a client
 * @param maxBatteriesPerClient most battery ids one client may select (or, selecting every battery, exclude)
 * @param maxCommandsPerSecond  commands a client may send per second on average (bursts of twice as many)
 * @param slowClientTimeout     how long a client's writer may make no progress before it is closed with 1008
 * @param pingInterval          how often the server pings; two unanswered intervals close the connection
 * @param batteryPollInterval   how often the set of battery ids is read to discover new batteries
 */
public record WsSettings(String token,
                         List<String> allowedOrigins,
                         int maxConnections,
                         int maxFrameBytes,
                         int maxBatteriesPerClient,
                         int maxCommandsPerSecond,
                         Duration slowClientTimeout,
                         Duration pingInterval,
                         Duration batteryPollInterval) {
    /**
     * Reads and validates the {@code ws} node.
     *
     * @param node the {@code ws} config node
     * @return the settings
     */
    public static WsSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        return new WsSettings(r.string("token", ""),
                              r.list("allowed-origins"),
                              r.integer("max-connections", 10_000, 1, 1_000_000),
                              r.integer("max-frame-bytes", 64 * 1024, 64, 16 * 1024 * 1024),
                              r.integer("max-batteries-per-client", 1024, 1, 1_000_000),
                              r.integer("max-commands-per-second", 20, 1, 100_000),
                              r.duration("slow-client-timeout", Duration.ofSeconds(30), Duration.ofMillis(100)),
                              r.duration("ping-interval", Duration.ofSeconds(20), Duration.ofMillis(100)),
                              r.duration("battery-poll-interval", Duration.ofSeconds(1), Duration.ofMillis(50)));
    }

    /** Whether clients must present the token. */
    public boolean authRequired() {
        return !token.isEmpty();
    }

    @Override
    public String toString() {
        // never print the token
        return "WsSettings[auth=" + authRequired() + ", origins=" + allowedOrigins + ", maxConnections="
                + maxConnections + ", maxFrameBytes=" + maxFrameBytes + ", maxCommandsPerSecond=" + maxCommandsPerSecond
                + ", slowClientTimeout=" + slowClientTimeout
                + ", pingInterval=" + pingInterval + "]";
    }
}

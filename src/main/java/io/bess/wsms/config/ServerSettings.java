package io.bess.wsms.config;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * Where the HTTP/WebSocket listener binds, and what it accepts at the socket before HTTP.
 *
 * @param host                 interface to bind
 * @param port                 TCP port, 0 for any free port
 * @param requestHeaderTimeout a connection whose request line and headers are not complete this long after it opened
 *                             (or, kept alive, after its previous response) is closed
 * @param trustedProxies       peers whose PROXY protocol header or X-Forwarded-For names the client
 */
public record ServerSettings(String host, int port, Duration requestHeaderTimeout, TrustedProxies trustedProxies) {
    /**
     * Where the listener binds, with the default timeout and nobody trusted.
     *
     * @param host interface to bind
     * @param port TCP port
     */
    public ServerSettings(String host, int port) {
        this(host, port, Duration.ofSeconds(10), TrustedProxies.NONE);
    }

    /**
     * Reads and validates the {@code server} node, TLS files included (Helidon itself reads {@code server.tls}).
     *
     * @param node the {@code server} config node
     * @return the settings
     */
    public static ServerSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        ServerSettings settings = new ServerSettings(r.string("host", "0.0.0.0"),
                                                     r.integer("port", 8001, 0, 65535),
                                                     r.duration("request-header-timeout", Duration.ofSeconds(10),
                                                                Duration.ofMillis(100)),
                                                     TrustedProxies.parse(r.list("trusted-proxies"),
                                                                          r.name("trusted-proxies")));
        TlsFiles.check(node);
        return settings;
    }
}

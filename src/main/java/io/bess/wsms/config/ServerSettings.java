package io.bess.wsms.config;

import io.helidon.config.Config;

/**
 * Where the HTTP/WebSocket listener binds.
 *
 * @param host interface to bind
 * @param port TCP port, 0 for any free port
 */
public record ServerSettings(String host, int port) {
    /**
     * Reads and validates the {@code server} node, TLS files included (Helidon itself reads {@code server.tls}).
     *
     * @param node the {@code server} config node
     * @return the settings
     */
    public static ServerSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        ServerSettings settings = new ServerSettings(r.string("host", "0.0.0.0"), r.integer("port", 8001, 0, 65535));
        TlsFiles.check(node);
        return settings;
    }
}

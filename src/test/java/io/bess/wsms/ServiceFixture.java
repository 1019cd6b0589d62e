package io.bess.wsms;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.bess.wsms.config.ConfigLoader;
import io.bess.wsms.config.Settings;
import io.helidon.config.Config;

/**
 * The real service on a free loopback port, started exactly as {@link Main} starts it, for tests. By default it
 * uses its own embedded Redis and no simulator; overrides are config keys ({@code redis.host}, {@code
 * simulator.enabled}, {@code ws.token}, ...).
 */
public final class ServiceFixture implements AutoCloseable {
    private final Service service;

    private ServiceFixture(Service service) {
        this.service = service;
    }

    /**
     * Starts the service.
     *
     * @param overrides config keys to values
     * @return the running service
     */
    public static ServiceFixture start(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>();
        all.put("server.host", "127.0.0.1");
        all.put("server.port", "0");
        all.put("simulator.enabled", "off");
        all.putAll(overrides);
        Config config = ConfigLoader.withOverrides(Path.of("target/no-such-dir"), all);
        return new ServiceFixture(Service.start(Settings.from(config), config.get("server")));
    }

    /** Starts the service with its defaults for tests. */
    public static ServiceFixture start() {
        return start(Map.of());
    }

    /** HTTP and WebSocket port. */
    public int port() {
        return service.port();
    }

    /** {@code ws://127.0.0.1:port/ws} plus an optional query (without '?'). */
    public URI ws(String query) {
        return URI.create("ws://127.0.0.1:" + port() + "/ws" + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /** {@code http://127.0.0.1:port} plus a path. */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** The running service. */
    public Service service() {
        return service;
    }

    @Override
    public void close() {
        service.close();
    }
}

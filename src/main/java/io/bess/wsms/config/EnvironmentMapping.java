package io.bess.wsms.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The environment variables the service understands and the config keys they set.
 * The pipeline's own names (REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASS, WS_HOST, WS_PORT) come first; the rest
 * follow the same style.
 * An explicit table (rather than Helidon's generic mapping) keeps {@code SIMULATOR=on} from clashing with the
 * {@code simulator} config node and makes the README's table the whole truth.
 */
public final class EnvironmentMapping {
    private static final Map<String, String> VARIABLE_TO_KEY = table();
    /**
     * Files whose empty variable means "not set" (plain ws://), as an empty REDIS_HOST or WS_TOKEN means "none"; passed
     * on, an empty path would make Helidon read the working directory as a PEM file.
     */
    private static final Set<String> EMPTY_MEANS_UNSET = Set.of("WS_TLS_CERT", "WS_TLS_KEY");

    private EnvironmentMapping() {
    }

    /**
     * The variables of {@code source} that this service knows, as config keys.
     *
     * @param source environment variables or the entries of a {@code .env} file
     * @return config key to value
     */
    public static Map<String, String> toConfigKeys(Map<String, String> source) {
        Map<String, String> keys = new HashMap<>();
        VARIABLE_TO_KEY.forEach((variable, key) -> {
            String value = source.get(variable);
            if (value != null && !(value.isBlank() && EMPTY_MEANS_UNSET.contains(variable))) {
                keys.put(key, value);
            }
        });
        return keys;
    }

    /**
     * The variable that sets a config key, for error messages.
     *
     * @param key config key
     * @return the variable name, if there is one
     */
    static Optional<String> variableFor(String key) {
        return VARIABLE_TO_KEY.entrySet().stream()
                .filter(e -> e.getValue().equals(key))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private static Map<String, String> table() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("REDIS_HOST", "redis.host");
        t.put("REDIS_PORT", "redis.port");
        t.put("REDIS_DB", "redis.db");
        t.put("REDIS_PASS", "redis.password");
        t.put("REDIS_SSL", "redis.ssl");
        t.put("REDIS_MODE", "redis.mode");
        t.put("REDIS_SENTINELS", "redis.sentinels");
        t.put("REDIS_MASTER_NAME", "redis.master-name");
        t.put("REDIS_SENTINEL_PASS", "redis.sentinel-password");
        t.put("REDIS_CLUSTER_NODES", "redis.cluster-nodes");
        t.put("REDIS_SHARDED_PUBSUB", "redis.sharded-pubsub");
        t.put("REDIS_SUBSCRIBER_CONNECTIONS", "redis.subscriber-connections");
        t.put("WS_HOST", "server.host");
        t.put("WS_PORT", "server.port");
        t.put("WS_TOKEN", "ws.token");
        t.put("WS_JWT_ISSUER", "auth.jwt.issuer");
        t.put("WS_JWT_JWKS", "auth.jwt.jwks");
        t.put("WS_JWT_AUDIENCE", "auth.jwt.audience");
        t.put("WS_JWT_BATTERIES_CLAIM", "auth.jwt.batteries-claim");
        t.put("WS_JWT_DASHBOARD_CLIENT", "auth.jwt.dashboard-client-id");
        t.put("WS_ALLOWED_ORIGINS", "ws.allowed-origins");
        t.put("WS_MAX_CONNECTIONS", "ws.max-connections");
        t.put("WS_MAX_CONNECTIONS_PER_IP", "ws.max-connections-per-ip");
        t.put("WS_TRUSTED_PROXIES", "server.trusted-proxies");
        t.put("WS_REQUEST_HEADER_TIMEOUT", "server.request-header-timeout");
        t.put("WS_MAX_COMMANDS_PER_SECOND", "ws.max-commands-per-second");
        // straight onto Helidon's own listener TLS keys: Helidon reads them, TlsFiles checks them first
        t.put("WS_TLS_CERT", "server." + TlsFiles.CERT_CHAIN);
        t.put("WS_TLS_KEY", "server." + TlsFiles.PRIVATE_KEY);
        t.put("BATTERY_STALE_AFTER", "battery.stale-after");
        t.put("SIMULATOR", "simulator.enabled");
        t.put("SIMULATOR_BATTERIES", "simulator.batteries");
        t.put("SIMULATOR_RATE", "simulator.rate");
        t.put("LOG_FORMAT", "log.format");
        return Map.copyOf(t);
    }
}

package io.bess.wsms.config;

import io.helidon.config.Config;

/**
 * Every setting of the service, validated.
 *
 * @param server    listener
 * @param redis     Redis connection
 * @param ws        WebSocket rules
 * @param simulator battery simulator
 * @param battery   judgements about the batteries (stale time)
 * @param jwt       OIDC access tokens (off unless an issuer or a JWKS is given)
 */
public record Settings(ServerSettings server, RedisSettings redis, WsSettings ws, SimulatorSettings simulator,
                       BatterySettings battery, JwtSettings jwt) {
    /**
     * Reads and validates all settings.
     *
     * @param config root config
     * @return the settings
     * @throws SettingsException with one clear sentence when a value is wrong
     */
    public static Settings from(Config config) {
        return new Settings(ServerSettings.from(config.get("server")),
                            RedisSettings.from(config.get("redis")),
                            WsSettings.from(config.get("ws")),
                            SimulatorSettings.from(config.get("simulator")),
                            BatterySettings.from(config.get("battery")),
                            JwtSettings.from(config.get("auth").get("jwt")));
    }

    /** The same settings with Redis at another place (the embedded one). */
    public Settings withRedis(RedisSettings newRedis) {
        return new Settings(server, newRedis, ws, simulator, battery, jwt);
    }
}

package io.bess.wsms.config;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * What the service judges about the batteries themselves.
 *
 * @param staleAfter a battery whose newest state's device timestamp is older than this (by the server's clock) is
 *                   stale; {@link Duration#ZERO}: never
 */
public record BatterySettings(Duration staleAfter) {
    /**
     * Reads and validates the {@code battery} node.
     *
     * @param node the {@code battery} config node
     * @return the settings
     */
    public static BatterySettings from(Config node) {
        SettingReader r = new SettingReader(node);
        return new BatterySettings(r.durationOrOff("stale-after", Duration.ofSeconds(10), Duration.ofMillis(100)));
    }
}

package io.bess.wsms.config;

import java.util.Locale;

import io.helidon.config.Config;

/**
 * The battery simulator: whether it runs, how many batteries it plays and how often each reports.
 *
 * @param mode      {@code auto} (on with the embedded Redis only), {@code on} or {@code off}
 * @param batteries number of simulated batteries, ids 1..n
 * @param rate      updates per second per battery
 */
public record SimulatorSettings(Mode mode, int batteries, double rate) {
    /** When the simulator runs. */
    public enum Mode {
        /** Runs when the service starts its embedded Redis. */
        AUTO,
        /** Always runs (it can feed an external Redis for demos). */
        ON,
        /** Never runs. */
        OFF
    }

    /**
     * Reads and validates the {@code simulator} node.
     *
     * @param node the {@code simulator} config node
     * @return the settings
     */
    public static SimulatorSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        String raw = r.string("enabled", "auto").toLowerCase(Locale.ROOT);
        Mode mode = switch (raw) {
            case "auto", "" -> Mode.AUTO;
            case "on", "true", "yes", "1" -> Mode.ON;
            case "off", "false", "no", "0" -> Mode.OFF;
            default -> throw new SettingsException(r.name("enabled") + " must be auto, on or off, got '" + raw + "'.");
        };
        return new SimulatorSettings(mode, r.integer("batteries", 16, 1, 100_000), r.decimal("rate", 2.0, 0.01, 1000));
    }

    /**
     * Whether the simulator should run.
     *
     * @param embeddedRedis whether the service runs its own Redis
     * @return true to start it
     */
    public boolean runs(boolean embeddedRedis) {
        return mode == Mode.ON || (mode == Mode.AUTO && embeddedRedis);
    }
}

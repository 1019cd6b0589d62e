package io.bess.wsms.config;

import java.util.Locale;

import io.helidon.config.Config;

/**
 * How the process writes its log lines. Read on its own, before every other setting: it decides how a mistake in
 * those is reported.
 *
 * @param json one JSON object per line (for Filebeat and Logstash) instead of text for people
 */
public record LogSettings(boolean json) {
    /**
     * Reads and validates the {@code log} node.
     *
     * @param node the {@code log} config node
     * @return the settings
     * @throws SettingsException with one clear sentence when the format is neither text nor json
     */
    public static LogSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        String format = r.string("format", "text");
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "text", "" -> new LogSettings(false);
            case "json" -> new LogSettings(true);
            default -> throw new SettingsException(r.name("format") + " must be text or json, got '" + format + "'.");
        };
    }
}

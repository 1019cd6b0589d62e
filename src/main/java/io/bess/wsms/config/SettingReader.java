package io.bess.wsms.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;

/**
 * Reads typed values from one config node and turns every bad value into a {@link SettingsException}
 * that names the key and, where there is one, the environment variable that sets it.
 */
final class SettingReader {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final Config node;

    SettingReader(Config node) {
        this.node = node;
    }

    String string(String key, String defaultValue) {
        return node.get(key).asString().orElse(defaultValue).trim();
    }

    Optional<String> optionalString(String key) {
        return node.get(key).asString().map(String::trim).filter(s -> !s.isEmpty());
    }

    int integer(String key, int defaultValue, int min, int max) {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw outOfRange(key, raw.get(), min, max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new SettingsException(name(key) + " must be a whole number between " + min + " and " + max
                                                + ", got '" + raw.get() + "'.");
        }
    }

    double decimal(String key, double defaultValue, double min, double max) {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(raw.get());
            if (!(value >= min && value <= max)) {
                throw outOfRange(key, raw.get(), min, max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new SettingsException(name(key) + " must be a number between " + min + " and " + max
                                                + ", got '" + raw.get() + "'.");
        }
    }

    boolean bool(String key, boolean defaultValue) {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new SettingsException(name(key) + " must be true or false (or on/off), got '"
                                                           + raw.get() + "'.");
        };
    }

    /** Accepts ISO-8601 ({@code PT30S}) or a short form ({@code 30s}, {@code 500ms}, {@code 2m}). */
    Duration duration(String key, Duration defaultValue, Duration min) {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration value = parseDuration(key, raw.get());
        if (value.compareTo(min) < 0) {
            throw new SettingsException(name(key) + " must be at least " + min.toMillis() + " ms, got '"
                                                + raw.get() + "'.");
        }
        return value;
    }

    /**
     * Like {@link #duration}, but {@code 0} (or any zero duration) is allowed and means "off".
     *
     * @return the duration, {@link Duration#ZERO} for off
     */
    Duration durationOrOff(String key, Duration defaultValue, Duration min) {
        Optional<String> raw = optionalString(key);
        if (raw.isPresent() && (raw.get().equals("0") || parseDuration(key, raw.get()).isZero())) {
            return Duration.ZERO;
        }
        return duration(key, defaultValue, min);
    }

    /** A list given either as a YAML list or as one comma-separated string (as environment variables do). */
    List<String> list(String key) {
        Config child = node.get(key);
        List<String> values = new ArrayList<>();
        Optional<String> joined = child.hasValue() ? child.asString().asOptional() : Optional.empty();
        if (joined.isPresent()) {
            for (String part : joined.get().split(",")) {
                if (!part.isBlank()) {
                    values.add(part.trim());
                }
            }
        } else {
            child.asList(String.class).ifPresent(l -> l.stream().map(String::trim)
                    .filter(s -> !s.isEmpty()).forEach(values::add));
        }
        return List.copyOf(values);
    }

    private Duration parseDuration(String key, String raw) {
        try {
            if (raw.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(raw.toUpperCase(Locale.ROOT));
            }
            Matcher m = SHORT_DURATION.matcher(raw.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
        } catch (RuntimeException ignored) {
            // falls through to the one clear message below
        }
        throw new SettingsException(name(key) + " must be a duration such as 30s, 500ms or PT30S, got '" + raw + "'.");
    }

    private SettingsException outOfRange(String key, String raw, Object min, Object max) {
        return new SettingsException(name(key) + " must be between " + min + " and " + max + ", got '" + raw + "'.");
    }

    /** The key as a user knows it: the config path plus the environment variable that sets it, if any. */
    String name(String key) {
        String path = node.key().toString().isEmpty() ? key : node.key() + "." + key;
        return EnvironmentMapping.variableFor(path)
                .map(env -> "The setting " + path + " (" + env + ")")
                .orElse("The setting " + path);
    }
}

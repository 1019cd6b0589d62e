package io.bess.wsms.hub;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Encodes the protocol's frames. Each update is encoded once and the resulting string is shared by every
 * recipient. Values that are JSON numbers stay numbers; any other text becomes a JSON string, so odd Redis
 * contents can never produce invalid JSON.
 */
public final class FrameEncoder {
    /** The pipeline's fields, written first and in this order; other hash fields follow as Redis returned them. */
    private static final List<String> KNOWN_FIELDS =
            List.of("timestamp", "voltage", "current", "temperature", "state_of_charge", "state_of_health");
    private static final String WS_TIMESTAMP = "ws_timestamp";
    private static final String LATENCY = "latency_ms";
    /** Longest integer part, fraction and exponent kept as a number: no client can read 1000-digit "numbers". */
    private static final int MAX_INTEGER_DIGITS = 18;
    private static final int MAX_FRACTION_DIGITS = 17;
    private static final int MAX_EXPONENT_DIGITS = 3;

    /**
     * The update frame of one battery: every hash field plus {@code ws_timestamp} and {@code latency_ms}.
     *
     * @param state         the hash as read after the publish
     * @param wsTimestamp   server clock (epoch ms) when the publish was received
     * @param receivedNanos monotonic time of the same moment
     * @return the frame
     */
    public Frame update(BatteryState state, long wsTimestamp, long receivedNanos) {
        long device = deviceTimestamp(state.fields());
        StringBuilder json = new StringBuilder(256);
        json.append('{');
        appendKey(json, BatteryState.key(state.id()));
        json.append('{');
        appendFields(json, state.fields());
        json.append(",\"" + WS_TIMESTAMP + "\":").append(wsTimestamp);
        json.append(",\"" + LATENCY + "\":");
        if (device == Frame.NO_TIMESTAMP) {
            json.append("null");
        } else {
            json.append(wsTimestamp - device);
        }
        json.append("}}");
        return new Frame(state.id(), device, state.fields().hashCode(), json.toString(), receivedNanos);
    }

    /**
     * The snapshot frame: one member per battery, {@code {}} when there is none.
     *
     * @param states batteries with data
     * @return the frame text
     */
    public String snapshot(Collection<BatteryState> states) {
        StringBuilder json = new StringBuilder(64 + states.size() * 200);
        json.append('{');
        boolean first = true;
        for (BatteryState state : states) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendKey(json, BatteryState.key(state.id()));
            appendState(json, state);
        }
        return json.append('}').toString();
    }

    /**
     * One battery's object as it appears in a snapshot, without the {@code battery:N:data} member around it.
     *
     * @param state the battery
     * @return JSON object text
     */
    public String state(BatteryState state) {
        StringBuilder json = new StringBuilder(200);
        appendState(json, state);
        return json.toString();
    }

    private static void appendState(StringBuilder json, BatteryState state) {
        json.append('{');
        appendFields(json, state.fields());
        json.append('}');
    }

    /**
     * An error frame.
     *
     * @param code    machine-readable code
     * @param message one sentence for a person
     * @return the frame text
     */
    public static String error(String code, String message) {
        StringBuilder json = new StringBuilder(64 + message.length());
        json.append("{\"error\":{\"code\":");
        appendString(json, code);
        json.append(",\"message\":");
        appendString(json, message);
        return json.append("}}").toString();
    }

    /**
     * The hash's device timestamp.
     *
     * @param fields hash fields
     * @return epoch ms, or {@link Frame#NO_TIMESTAMP} when missing or not an integer
     */
    public static long deviceTimestamp(Map<String, String> fields) {
        String raw = fields.get("timestamp");
        if (raw == null) {
            return Frame.NO_TIMESTAMP;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            return Frame.NO_TIMESTAMP;
        }
    }

    private static void appendFields(StringBuilder json, Map<String, String> fields) {
        boolean first = true;
        for (String name : KNOWN_FIELDS) {
            String value = fields.get(name);
            if (value != null) {
                first = appendField(json, first, name, value);
            }
        }
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String name = field.getKey();
            // the server's own fields win over a hash field of the same name
            if (!KNOWN_FIELDS.contains(name) && !WS_TIMESTAMP.equals(name) && !LATENCY.equals(name)) {
                first = appendField(json, first, name, field.getValue());
            }
        }
    }

    private static boolean appendField(StringBuilder json, boolean first, String name, String value) {
        if (!first) {
            json.append(',');
        }
        appendKey(json, name);
        if (isJsonNumber(value)) {
            json.append(value);
        } else {
            appendString(json, value);
        }
        return false;
    }

    /**
     * Whether text is a JSON number of reasonable size: {@code -?(0|[1-9]d{0,17})(.d{1,17})?([eE][+-]?d{1,3})?}.
     * Hand-written rather than a regex: it runs for every field of every update.
     */
    static boolean isJsonNumber(String text) {
        int n = text.length();
        int i = text.startsWith("-") ? 1 : 0;
        int start = i;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
        }
        int integerDigits = i - start;
        if (integerDigits == 0 || integerDigits > MAX_INTEGER_DIGITS
                || integerDigits > 1 && text.charAt(start) == '0') {
            return false;
        }
        if (i < n && text.charAt(i) == '.') {
            int fractionStart = ++i;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == fractionStart || i - fractionStart > MAX_FRACTION_DIGITS) {
                return false;
            }
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponentStart = i;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == exponentStart || i - exponentStart > MAX_EXPONENT_DIGITS) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static void appendKey(StringBuilder json, String key) {
        appendString(json, key);
        json.append(':');
    }

    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
            case '"' -> json.append("\\\"");
            case '\\' -> json.append("\\\\");
            case '\n' -> json.append("\\n");
            case '\r' -> json.append("\\r");
            case '\t' -> json.append("\\t");
            default -> {
                if (c < 0x20 || Character.isSurrogate(c) && !validSurrogate(text, i)) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            }
        }
        json.append('"');
    }

    /** A lone surrogate cannot be encoded as UTF-8; escaping it keeps the frame valid. */
    private static boolean validSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}

package io.bess.wsms.hub;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes the protocol's frames. Each battery state is encoded once into its JSON object, and each update once
 * into the bytes of a complete WebSocket frame shared by every recipient. Values that are JSON numbers stay
 * numbers; any other text becomes a JSON string, so odd Redis contents can never produce invalid JSON. A state
 * whose device timestamp is older than the stale time (by the server's clock) is shown with {@code "stale":true}.
 */
public final class FrameEncoder {
    /** The pipeline's fields, written first and in this order; other hash fields follow as Redis returned them. */
    private static final List<String> KNOWN_FIELDS =
            List.of("timestamp", "voltage", "current", "temperature", "state_of_charge", "state_of_health");
    private static final String WS_TIMESTAMP = "ws_timestamp";
    private static final String LATENCY = "latency_ms";
    private static final String STALE = "stale";
    /** The server's own members: a hash field of the same name is left out, the server's wins. */
    private static final Set<String> SERVER_FIELDS = Set.of(WS_TIMESTAMP, LATENCY, STALE);
    /** Longest integer part, fraction and exponent kept as a number: no client can read 1000-digit "numbers". */
    private static final int MAX_INTEGER_DIGITS = 18;
    private static final int MAX_FRACTION_DIGITS = 17;
    private static final int MAX_EXPONENT_DIGITS = 3;

    private final long staleAfterMillis;

    /** An encoder that never flags a battery as stale. */
    public FrameEncoder() {
        this(Duration.ZERO);
    }

    /**
     * Creates an encoder.
     *
     * @param staleAfter a state older than this (device timestamp against the server's clock) is stale; zero: never
     */
    public FrameEncoder(Duration staleAfter) {
        this.staleAfterMillis = staleAfter.toMillis();
    }

    /**
     * Encodes one battery's hash once.
     *
     * @param state the hash as read
     * @return its JSON object and what ordering needs
     */
    public EncodedState state(BatteryState state) {
        StringBuilder json = new StringBuilder(200);
        json.append('{');
        appendFields(json, state.fields());
        json.append('}');
        return new EncodedState(state.id(), deviceTimestamp(state.fields()), state.fields().hashCode(),
                                json.toString());
    }

    /**
     * The update frame of one battery: its state plus {@code ws_timestamp}, {@code latency_ms} and, when the state
     * is stale by {@code wsTimestamp}, {@code "stale":true}.
     *
     * @param state         the battery's state
     * @param wsTimestamp   server clock (epoch ms) when the publish was received
     * @param receivedNanos monotonic time of the same moment
     * @return the frame
     */
    public Frame update(EncodedState state, long wsTimestamp, long receivedNanos) {
        boolean stale = isStale(state, wsTimestamp);
        String object = state.json();
        StringBuilder json = new StringBuilder(object.length() + 80);
        json.append('{');
        appendKey(json, BatteryState.key(state.battery()));
        appendOpen(json, object);
        json.append("\"" + WS_TIMESTAMP + "\":").append(wsTimestamp);
        json.append(",\"" + LATENCY + "\":");
        if (state.ordered()) {
            json.append(wsTimestamp - state.deviceTimestamp());
        } else {
            json.append("null");
        }
        if (stale) {
            json.append(",\"" + STALE + "\":true");
        }
        json.append("}}");
        return new Frame(state, stale, WireFormat.text(json.toString()), receivedNanos);
    }

    /**
     * Convenience for callers holding a hash: {@link #state} then {@link #update}.
     *
     * @param state         the hash as read after the publish
     * @param wsTimestamp   server clock (epoch ms) when the publish was received
     * @param receivedNanos monotonic time of the same moment
     * @return the frame
     */
    public Frame update(BatteryState state, long wsTimestamp, long receivedNanos) {
        return update(state(state), wsTimestamp, receivedNanos);
    }

    /**
     * The snapshot frame: one member per battery, {@code {}} when there is none; stale batteries carry
     * {@code "stale":true}.
     *
     * @param states    batteries with data
     * @param nowMillis the server's clock, for the stale flag
     * @return the frame text
     */
    public String snapshot(Collection<EncodedState> states, long nowMillis) {
        int size = 2;
        for (EncodedState state : states) {
            size += state.json().length() + 32;
        }
        StringBuilder json = new StringBuilder(size);
        json.append('{');
        boolean first = true;
        for (EncodedState state : states) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendKey(json, BatteryState.key(state.battery()));
            appendObject(json, state, nowMillis);
        }
        return json.append('}').toString();
    }

    /**
     * One battery's object as it appears in a snapshot, without the {@code battery:N:data} member around it.
     *
     * @param state     the battery
     * @param nowMillis the server's clock, for the stale flag
     * @return JSON object text
     */
    public String object(EncodedState state, long nowMillis) {
        StringBuilder json = new StringBuilder(state.json().length() + 16);
        appendObject(json, state, nowMillis);
        return json.toString();
    }

    /**
     * Whether a state is stale at a given time.
     *
     * @param state     the state
     * @param nowMillis the server's clock
     * @return true when its device timestamp is older than the stale time (never when the flag is off)
     */
    public boolean isStale(EncodedState state, long nowMillis) {
        return state.ordered() && isStale(state.deviceTimestamp(), nowMillis);
    }

    /**
     * Whether a device timestamp is stale at a given time.
     *
     * @param deviceTimestamp a battery's {@code timestamp}, epoch ms
     * @param nowMillis       the server's clock
     * @return true when it is older than the stale time (never when the flag is off)
     */
    public boolean isStale(long deviceTimestamp, long nowMillis) {
        return staleAfterMillis > 0 && nowMillis - deviceTimestamp > staleAfterMillis;
    }

    /** Whether stale batteries are flagged at all. */
    public boolean flagsStale() {
        return staleAfterMillis > 0;
    }

    /** The stale time; zero when off. */
    Duration staleAfter() {
        return Duration.ofMillis(staleAfterMillis);
    }

    /**
     * A state's object without its closing brace, followed by a comma when it has members: the server's own members
     * come next, and then the brace.
     */
    private static void appendOpen(StringBuilder json, String object) {
        json.append(object, 0, object.length() - 1);
        if (object.length() > 2) {
            json.append(',');
        }
    }

    private void appendObject(StringBuilder json, EncodedState state, long nowMillis) {
        String object = state.json();
        if (!isStale(state, nowMillis)) {
            json.append(object);
            return;
        }
        appendOpen(json, object);
        json.append("\"" + STALE + "\":true}");
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
            if (!KNOWN_FIELDS.contains(name) && !SERVER_FIELDS.contains(name)) {
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

package io.bess.wsms.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.bess.wsms.auth.Identity;
import io.bess.wsms.logging.EcsFields;

/**
 * The audit trail (IEC 62443-3-3 SR 2.8): one event per WebSocket connection opened, per connection closed, per
 * refused upgrade and per token refresh, on the logger {@code io.bess.wsms.audit}. Each says what happened
 * ({@code event.action}, {@code event.outcome}), who ({@code user.id}, the token's subject; {@code user.name}) and
 * from where ({@code source.ip}); connections add the number of batteries selected, closes the close code and the
 * duration. In JSON mode these are ECS fields of the line; in text mode the line says the same. An event never
 * carries the token: it is built from the {@link Identity}, which does not hold it.
 */
final class AuditTrail {
    /** The audit logger's name. */
    static final String LOGGER_NAME = "io.bess.wsms.audit";
    private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);
    private static final int MAX_TEXT = 64;

    /** What the trail knows of one connection. */
    record Connection(Identity identity, String sourceIp, String via) {
    }

    private AuditTrail() {
    }

    /**
     * A connection was opened.
     *
     * @param connection who and from where
     * @param selected   batteries selected (known batteries the selection includes, or the explicit ids)
     */
    static void connected(Connection connection, int selected) {
        Map<String, Object> fields = base("ws-connect", "success", "start", connection.identity(),
                                          connection.sourceIp());
        fields.put("wsms.auth.method", method(connection.identity()));
        fields.put("wsms.auth.via", connection.via());
        fields.put("wsms.batteries.selected", selected);
        fields.put("wsms.batteries.permitted", connection.identity().permissions().toString());
        log(fields);
    }

    /**
     * A connection was closed, by either side or by the network.
     *
     * @param connection    who and from where
     * @param code          the close code (1006: ended without a close frame)
     * @param reason        the close reason, may be empty
     * @param durationNanos how long it was open
     */
    static void closed(Connection connection, int code, String reason, long durationNanos) {
        Map<String, Object> fields = base("ws-close", "success", "end", connection.identity(),
                                          connection.sourceIp());
        fields.put("event.duration", durationNanos);
        fields.put("wsms.close.code", code);
        fields.put("wsms.close.reason", clean(reason));
        log(fields);
    }

    /**
     * An upgrade was refused.
     *
     * @param identity who, when the token was good (the refusal had another reason); null otherwise
     * @param sourceIp from where
     * @param status   the HTTP status answered
     * @param code     the error code answered
     */
    static void refused(Identity identity, String sourceIp, int status, String code) {
        Map<String, Object> fields = base("ws-refused", "failure", "denied", identity, sourceIp);
        fields.put("event.reason", code);
        fields.put("http.response.status_code", status);
        log(fields);
    }

    /**
     * A client sent a new token on its connection.
     *
     * @param connection who (the identity before the refresh) and from where
     * @param next       the identity after it; null when the new token was refused
     * @param refusal    the error code when refused, else empty
     */
    static void refreshed(Connection connection, Identity next, String refusal) {
        boolean ok = next != null;
        Map<String, Object> fields = base("auth-refresh", ok ? "success" : "failure", ok ? "change" : "denied",
                                          connection.identity(), connection.sourceIp());
        if (ok) {
            fields.put("wsms.batteries.permitted", next.permissions().toString());
            next.expiry().map(Instant::toString).ifPresent(e -> fields.put("wsms.token.expires", e));
        } else {
            fields.put("event.reason", refusal);
        }
        log(fields);
    }

    private static Map<String, Object> base(String action, String outcome, String type, Identity identity,
                                            String sourceIp) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event.kind", "event");
        fields.put("event.category", action.startsWith("auth") ? "authentication" : "network");
        fields.put("event.type", type);
        fields.put("event.action", action);
        fields.put("event.outcome", outcome);
        if (identity != null) {
            identity.user().ifPresent(user -> fields.put("user.id", clean(user)));
            if (!identity.name().isEmpty()) {
                fields.put("user.name", clean(identity.name()));
            }
        }
        fields.put("source.ip", sourceIp);
        return fields;
    }

    private static String method(Identity identity) {
        return switch (identity.kind()) {
            case JWT -> "jwt";
            case SHARED_TOKEN -> "shared-token";
            case NONE -> "none";
        };
    }

    /** One line for people: the action and outcome, then every field but those two as key=value. */
    private static void log(Map<String, Object> fields) {
        if (!LOGGER.isLoggable(Level.INFO)) {
            return;
        }
        StringBuilder message = new StringBuilder(128)
                .append(fields.get("event.action")).append(' ').append(fields.get("event.outcome"));
        fields.forEach((key, value) -> {
            if (!key.startsWith("event.") || key.equals("event.reason") || key.equals("event.duration")) {
                String shown = key.equals("event.duration") ? ((Long) value / 1_000_000) + "ms" : value.toString();
                message.append(' ').append(key).append('=').append(shown.isEmpty() ? "-" : shown);
            }
        });
        new EcsFields(fields).log(LOGGER, Level.INFO, message.toString());
    }

    /**
     * Text from a token or a client, made safe for a log line: printable ASCII without braces or quotes (a brace
     * could turn the message into a format pattern), at most {@value #MAX_TEXT} characters.
     */
    private static String clean(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        for (int i = 0; i < text.length() && out.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '{' && c != '}' && c != '"' && c != '\\' ? c : '?');
        }
        return out.toString();
    }
}

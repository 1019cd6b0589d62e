package io.bess.wsms.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * Who a client is, as far as the service knows: how it got in, its subject, the batteries it may see, and until
 * when. Never holds the token itself.
 *
 * @param kind        how the client got in
 * @param subject     the token's {@code sub}; empty for the shared token and for no auth
 * @param name        the token's {@code preferred_username}, for people reading the audit trail; may be empty
 * @param permissions the batteries the client may see
 * @param expiresAt   the token's {@code exp}; {@link Instant#MAX} when nothing expires
 */
public record Identity(Kind kind, String subject, String name, Permissions permissions, Instant expiresAt) {
    /** Everyone, when no auth is configured. */
    public static final Identity ANONYMOUS = new Identity(Kind.NONE, "", "", Permissions.ALL, Instant.MAX);
    /** A holder of the shared token (WS_TOKEN): every battery, no expiry, no subject. */
    public static final Identity SHARED_TOKEN = new Identity(Kind.SHARED_TOKEN, "", "", Permissions.ALL,
                                                             Instant.MAX);

    /** How a client got in. */
    public enum Kind {
        /** No auth is configured. */
        NONE,
        /** The shared token of {@code ws.token}. */
        SHARED_TOKEN,
        /** A verified JWT access token. */
        JWT
    }

    /** When the token expires, for identities whose token does. */
    public Optional<Instant> expiry() {
        return expiresAt.equals(Instant.MAX) ? Optional.empty() : Optional.of(expiresAt);
    }

    /** The subject, when there is one. */
    public Optional<String> user() {
        return subject.isEmpty() ? Optional.empty() : Optional.of(subject);
    }
}

package io.bess.wsms.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import com.nimbusds.jwt.JWTClaimsSet;
import io.bess.wsms.config.JwtSettings;

/**
 * Decides who a client is from the token it presents: the shared token ({@code ws.token}), an OIDC access token
 * (JWT, when an issuer or a JWKS is configured), or, with neither configured, anyone. With both configured either
 * is accepted. The only class the web layer asks; no other package sees a JWT.
 */
public final class Authenticator implements AutoCloseable {
    private static final String AGAIN = " Get a new token and connect again.";

    private final byte[] sharedDigest;
    private final IdentityProvider provider;
    private final BatteriesClaim claim;

    private Authenticator(String sharedToken, JwtSettings jwt) {
        this.sharedDigest = sharedToken.isEmpty() ? new byte[0] : digest(sharedToken);
        this.provider = jwt.enabled() ? IdentityProvider.start(jwt) : null;
        this.claim = new BatteriesClaim(jwt.batteriesClaim());
    }

    /**
     * Creates the authenticator; with JWT on, the identity provider's keys start loading in the background.
     *
     * @param sharedToken the shared token, empty for none
     * @param jwt         JWT settings
     * @return the authenticator
     */
    public static Authenticator create(String sharedToken, JwtSettings jwt) {
        return new Authenticator(sharedToken, jwt);
    }

    /** Whether a client must present a token. */
    public boolean required() {
        return sharedDigest.length > 0 || provider != null;
    }

    /** Whether JWT access tokens are accepted. */
    public boolean acceptsJwt() {
        return provider != null;
    }

    /** Whether tokens can be checked now: true unless JWT is on and the identity provider's keys are not known. */
    public boolean available() {
        return provider == null || provider.verifier().isPresent();
    }

    /** The identity provider's endpoints, once discovered, for the dashboard's sign-in. */
    public Optional<ProviderMetadata> provider() {
        return provider == null ? Optional.empty() : provider.metadata();
    }

    /**
     * Checks a presented token.
     *
     * @param token the token, empty when the client sent none
     * @return the identity, or why not
     */
    public AuthOutcome authenticate(Optional<String> token) {
        if (!required()) {
            return new AuthOutcome.Granted(Identity.ANONYMOUS);
        }
        if (token.isEmpty() || token.get().isBlank()) {
            return new AuthOutcome.Refused(AuthOutcome.Reason.UNAUTHORIZED, "A token is required.");
        }
        String presented = token.get().strip();
        // digests of equal length compared in constant time: neither content nor length of the token leaks
        if (sharedDigest.length > 0 && MessageDigest.isEqual(sharedDigest, digest(presented))) {
            return new AuthOutcome.Granted(Identity.SHARED_TOKEN);
        }
        if (provider == null || presented.chars().filter(c -> c == '.').count() != 2) {
            return new AuthOutcome.Refused(AuthOutcome.Reason.UNAUTHORIZED, "The token is not valid.");
        }
        Optional<TokenVerifier> verifier = provider.verifier();
        if (verifier.isEmpty()) {
            return unavailable();
        }
        JWTClaimsSet claims;
        try {
            claims = verifier.get().verify(presented);
        } catch (TokenVerifier.RejectedException e) {
            return e.unavailable() ? unavailable()
                    : new AuthOutcome.Refused(AuthOutcome.Reason.UNAUTHORIZED, "The token was refused: "
                            + e.getMessage() + "." + AGAIN);
        }
        Permissions permissions;
        try {
            permissions = claim.read(claims.getClaims());
        } catch (BatteriesClaim.InvalidClaimException e) {
            return new AuthOutcome.Refused(AuthOutcome.Reason.NO_BATTERIES, "The token's '" + claim.name()
                    + "' claim cannot be read (" + e.getMessage() + "), so it permits no battery.");
        }
        if (permissions.isEmpty()) {
            return new AuthOutcome.Refused(AuthOutcome.Reason.NO_BATTERIES, "The token permits no battery: it has"
                    + " no '" + claim.name() + "' claim, or an empty one. Ask your administrator for access.");
        }
        Object name = claims.getClaim("preferred_username");
        return new AuthOutcome.Granted(new Identity(Identity.Kind.JWT, claims.getSubject(),
                                                    name instanceof String s ? s : "", permissions,
                                                    expiry(claims.getExpirationTime())));
    }

    /**
     * Checks a token sent on a live connection to replace the one it connected with: it must be a good JWT for the
     * same subject.
     *
     * @param current the connection's identity now
     * @param token   the new token
     * @return the new identity, or why not (the connection keeps its current one)
     */
    public AuthOutcome refresh(Identity current, String token) {
        if (current.kind() != Identity.Kind.JWT) {
            return new AuthOutcome.Refused(AuthOutcome.Reason.UNAUTHORIZED, "This connection did not sign in with"
                    + " an access token (JWT), so there is no token to refresh.");
        }
        AuthOutcome outcome = authenticate(Optional.of(token));
        if (outcome instanceof AuthOutcome.Granted granted) {
            Identity next = granted.identity();
            if (next.kind() != Identity.Kind.JWT) {
                return new AuthOutcome.Refused(AuthOutcome.Reason.UNAUTHORIZED, "Only an access token (JWT) can"
                        + " refresh a connection.");
            }
            if (!next.subject().equals(current.subject())) {
                return new AuthOutcome.Refused(AuthOutcome.Reason.UNAUTHORIZED, "The new token is for another"
                        + " subject: a connection keeps the subject it signed in with.");
            }
        }
        return outcome;
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private static AuthOutcome unavailable() {
        return new AuthOutcome.Refused(AuthOutcome.Reason.UNAVAILABLE, "Sign-in is unavailable right now: the"
                + " identity provider's keys are not known yet. Try again shortly.");
    }

    private static Instant expiry(Date exp) {
        // exp is a required claim: the verifier has refused tokens without one
        return exp.toInstant();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

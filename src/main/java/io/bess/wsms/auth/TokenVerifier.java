package io.bess.wsms.auth;

import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies an access token with Nimbus JOSE+JWT: the signature with the identity provider's public keys (RSA,
 * RSA-PSS and EC algorithms only, so {@code alg: none} and an HMAC algorithm keyed with a public key are refused
 * before any key is looked at), then {@code iss}, {@code exp} and {@code nbf} with 30 s of clock skew, {@code aud}
 * when an audience is configured, and {@code sub}. Thread-safe.
 */
final class TokenVerifier {
    /** Allowed difference between the identity provider's clock and ours. */
    static final int CLOCK_SKEW_SECONDS = 30;
    /** Asymmetric algorithms only: Keycloak signs with RS256 by default and with ES256 when told to. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /**
     * Creates a verifier.
     *
     * @param keys     the identity provider's public keys
     * @param issuer   the issuer tokens must name; empty: any, as long as there is one
     * @param audience a value that must be in {@code aud}; empty: not checked
     */
    TokenVerifier(JWKSource<SecurityContext> keys, String issuer, String audience) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        // "JWT" (Keycloak, Entra ID), RFC 9068's "at+jwt", or none
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        Set<String> required = new HashSet<>(Set.of(JWTClaimNames.EXPIRATION_TIME, JWTClaimNames.ISSUER,
                                                     JWTClaimNames.SUBJECT));
        JWTClaimsSet exact = issuer.isEmpty() ? new JWTClaimsSet.Builder().build()
                : new JWTClaimsSet.Builder().issuer(issuer).build();
        Set<String> audiences = audience.isEmpty() ? null : Set.of(audience);
        processor.setJWTClaimsSetVerifier(new AccessTokenClaims(audiences, exact, required));
    }

    /**
     * Verifies a token.
     *
     * @param token the compact JWT
     * @return its claims
     * @throws RejectedException when it is not a good token, or cannot be checked now
     */
    JWTClaimsSet verify(String token) throws RejectedException {
        try {
            return processor.process(token, null);
        } catch (ParseException e) {
            throw new RejectedException("it is not a JWT", false);
        } catch (BadJWTException e) {
            throw new RejectedException(claimProblem(String.valueOf(e.getMessage())), false);
        } catch (BadJWSException e) {
            throw new RejectedException("its signature does not verify", false);
        } catch (BadJOSEException e) {
            String message = String.valueOf(e.getMessage());
            throw new RejectedException(message.contains("plain") ? "unsigned tokens (alg none) are refused"
                    : message.contains("typ") ? "its type (typ header) is not an access token's"
                    : "it is signed with an unknown key or an algorithm this service does not accept", false);
        } catch (RateLimitReachedException e) {
            // the keys were fetched less than 30 s ago: this kid is not among them
            throw new RejectedException("it is signed with an unknown key", false);
        } catch (KeySourceException e) {
            throw new RejectedException("the identity provider's keys cannot be read", true);
        } catch (JOSEException e) {
            throw new RejectedException("it cannot be verified", false);
        }
    }

    /** Nimbus's claim messages, as fixed sentences: the client learns the kind of problem, never our settings. */
    private static String claimProblem(String message) {
        if (message.startsWith("Expired")) {
            return "it has expired";
        }
        if (message.contains("before use time") || message.contains("issue time")) {
            return "it is not valid yet";
        }
        if (message.contains("aud claim")) {
            return "it is not meant for this service (aud)";
        }
        if (message.contains("missing required claims")) {
            // checked before "iss": "missing" contains it
            return "it lacks a required claim (exp, iss, sub)";
        }
        if (message.contains("iss claim")) {
            return "it is from another issuer";
        }
        if (message.contains("access token")) {
            return "it is not an access token";
        }
        return "its claims are not acceptable";
    }

    /** Nimbus's claim checks plus one: a Keycloak ID or refresh token (its typ claim says so) is not accepted. */
    private static final class AccessTokenClaims extends DefaultJWTClaimsVerifier<SecurityContext> {
        AccessTokenClaims(Set<String> audiences, JWTClaimsSet exact, Set<String> required) {
            super(audiences, exact, required, null);
            setMaxClockSkew(CLOCK_SKEW_SECONDS);
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            Object type = claims.getClaim("typ");
            if (type != null && !"Bearer".equalsIgnoreCase(type.toString())) {
                throw new BadJWTException("not an access token");
            }
        }
    }

    /** A token that is not accepted; the message is a short clause for the client. */
    static final class RejectedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean unavailable;

        RejectedException(String reason, boolean unavailable) {
            super(reason);
            this.unavailable = unavailable;
        }

        /** Whether the token could not be checked at all (the keys are unavailable), rather than found bad. */
        boolean unavailable() {
            return unavailable;
        }
    }
}

package io.bess.wsms.auth;

import java.time.Duration;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetSourceWrapper;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * At most one JWKS fetch per interval, whatever asks for it: a token with an unknown {@code kid} (key rotation, or
 * a forged token naming a made-up key) makes the cache above refetch, and a flood of such tokens must not become a
 * flood of requests to the identity provider. Nimbus's own rate limit allows two fetches per interval; this one
 * allows exactly one. A fetch refused here surfaces as Nimbus's {@link RateLimitReachedException}: the token's key
 * is simply unknown for now.
 */
final class RefetchLimit extends JWKSetSourceWrapper<SecurityContext> {
    private final long intervalMillis;
    private final Object lock = new Object();
    private long nextAllowedMillis = Long.MIN_VALUE;

    /**
     * Wraps a source.
     *
     * @param source   where the JWKS is fetched
     * @param interval shortest time between two fetches
     */
    RefetchLimit(JWKSetSource<SecurityContext> source, Duration interval) {
        super(source);
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        synchronized (lock) {
            if (currentTime < nextAllowedMillis) {
                throw new RateLimitReachedException();
            }
            nextAllowedMillis = currentTime + intervalMillis;
        }
        return getSource().getJWKSet(refreshEvaluator, currentTime, context);
    }
}

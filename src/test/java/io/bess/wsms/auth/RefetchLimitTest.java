package io.bess.wsms.auth;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 15, point 1: an unknown kid fetches the keys again at most once per 30 s, whatever asks. */
class RefetchLimitTest {
    @Test
    void oneFetchPerThirtySecondsTheRestAreRefusedWithoutAFetch() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        JWKSetSource<SecurityContext> counting = new JWKSetSource<>() {
            @Override
            public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long now, SecurityContext context) {
                fetches.incrementAndGet();
                return new JWKSet();
            }

            @Override
            public void close() {
            }
        };
        RefetchLimit limit = new RefetchLimit(counting, Duration.ofSeconds(30));
        JWKSetCacheRefreshEvaluator any = JWKSetCacheRefreshEvaluator.forceRefresh();
        long t0 = 1_000_000;
        limit.getJWKSet(any, t0, null);
        for (long t = t0 + 1; t < t0 + 30_000; t += 997) {
            long at = t;
            assertThatThrownBy(() -> limit.getJWKSet(any, at, null)).isInstanceOf(RateLimitReachedException.class);
        }
        assertThat(fetches).hasValue(1);
        limit.getJWKSet(any, t0 + 30_000, null);
        assertThat(fetches).hasValue(2);
        assertThatThrownBy(() -> limit.getJWKSet(any, t0 + 30_001, null))
                .isInstanceOf(RateLimitReachedException.class);
        assertThat(fetches).hasValue(2);
    }
}

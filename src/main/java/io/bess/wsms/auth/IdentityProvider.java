package io.bess.wsms.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import io.bess.wsms.config.JwtSettings;

/**
 * The identity provider as this service sees it: its metadata (from discovery) and its signing keys, loaded in the
 * background so that an unreachable provider never stops the service. Until the keys are known there is no
 * {@link #verifier()}: upgrades that need a token are answered 503 {@code auth_unavailable}. The loader logs the
 * first failure once, then retries with backoff; once loaded, the keys are cached (five minutes, then fetched again),
 * an unknown {@code kid} fetches them again at most once per 30 s, and during an outage of the provider the last
 * keys stay in use.
 */
final class IdentityProvider implements AutoCloseable {
    /** Shortest time between two JWKS fetches. */
    static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
    private static final System.Logger LOGGER = System.getLogger(IdentityProvider.class.getName());
    private static final Duration CACHE_TIME_TO_LIVE = Duration.ofMinutes(5);
    private static final Duration CACHE_REFRESH_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);
    private static final int HTTP_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_DOCUMENT_BYTES = 512 * 1024;

    private final JwtSettings settings;
    private final ResourceRetriever http = new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS,
                                                                        MAX_DOCUMENT_BYTES);
    private final Thread loader;
    private volatile ProviderMetadata metadata;
    private volatile TokenVerifier verifier;

    private IdentityProvider(JwtSettings settings) {
        this.settings = settings;
        warnOnPlainHttp(settings.jwks().isEmpty() ? settings.issuer() : settings.jwks());
        this.loader = Thread.ofVirtual().name("jwks-loader").start(this::load);
    }

    /**
     * Starts loading the provider's metadata and keys in the background.
     *
     * @param settings JWT settings with an issuer or a JWKS
     * @return the provider, whose keys arrive later
     */
    static IdentityProvider start(JwtSettings settings) {
        return new IdentityProvider(settings);
    }

    /** The verifier, once the keys are known. */
    Optional<TokenVerifier> verifier() {
        return Optional.ofNullable(verifier);
    }

    /** The discovery document's endpoints, once read (never with a JWKS given instead of discovery). */
    Optional<ProviderMetadata> metadata() {
        return Optional.ofNullable(metadata);
    }

    @Override
    public void close() {
        loader.interrupt();
    }

    private void load() {
        Duration wait = FIRST_RETRY;
        long started = System.nanoTime();
        boolean warned = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                verifier = loadOnce();
                String after = warned ? " after " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s"
                        : "";
                LOGGER.log(Level.INFO, "Identity provider keys loaded from " + keysAt() + after
                        + ": JWT access tokens are accepted");
                return;
            } catch (IOException | KeySourceException | IllegalArgumentException e) {
                if (!warned) {
                    LOGGER.log(Level.WARNING, "Identity provider not reachable (" + where() + ": " + e.getMessage()
                            + "): upgrades and requests that need a token get 503 auth_unavailable until its keys are"
                            + " known; retrying every " + MAX_RETRY.toSeconds() + " s at most");
                    warned = true;
                } else {
                    LOGGER.log(Level.DEBUG, () -> "Identity provider still not reachable: " + e.getMessage());
                }
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
    }

    /** Discovery (unless a JWKS is given), then the first JWKS fetch; the verifier once both worked. */
    private TokenVerifier loadOnce() throws IOException, KeySourceException {
        String issuer = settings.issuer();
        URL jwks;
        ResourceRetriever retriever = http;
        if (settings.jwksFile().isPresent()) {
            jwks = settings.jwksFile().get().toUri().toURL();
            retriever = new FileRetriever(MAX_DOCUMENT_BYTES);
        } else if (!settings.jwks().isEmpty()) {
            jwks = url(settings.jwks());
        } else {
            String document = http.retrieveResource(url(discoveryUrl(issuer))).getContent();
            ProviderMetadata found = ProviderMetadata.parse(document, issuer);
            issuer = found.issuer();
            jwks = url(found.jwksUri());
            metadata = found;
        }
        if (!settings.jwks().isEmpty() && !issuer.isEmpty()) {
            // a JWKS beside an issuer: the issuer still names the tokens, and the dashboard may still sign in there
            metadata = discoverQuietly(issuer).orElse(null);
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder
                .create(new RefetchLimit(new URLBasedJWKSetSource<>(jwks, retriever), REFETCH_INTERVAL))
                .rateLimited(false)
                .refreshAheadCache(false)
                .cache(CACHE_TIME_TO_LIVE.toMillis(), CACHE_REFRESH_TIMEOUT.toMillis())
                .outageTolerantForever()
                .build();
        List<JWK> found = keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("the JWKS at " + jwks + " holds no key");
        }
        // the discovery document's issuer is exactly what tokens carry (the setting may have a trailing slash)
        ProviderMetadata discovered = metadata;
        return new TokenVerifier(keys, discovered != null ? discovered.issuer() : issuer, settings.audience());
    }

    private Optional<ProviderMetadata> discoverQuietly(String issuer) {
        try {
            return Optional.of(ProviderMetadata.parse(http.retrieveResource(url(discoveryUrl(issuer))).getContent(),
                                                      issuer));
        } catch (IOException | IllegalArgumentException e) {
            LOGGER.log(Level.DEBUG, () -> "No discovery document for the dashboard's sign-in: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static String discoveryUrl(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return base + "/.well-known/openid-configuration";
    }

    private String where() {
        return settings.jwks().isEmpty() ? discoveryUrl(settings.issuer()) : settings.jwks();
    }

    private String keysAt() {
        ProviderMetadata found = metadata;
        return settings.jwks().isEmpty() && found != null ? found.jwksUri() : settings.jwks();
    }

    private static URL url(String text) throws MalformedURLException {
        try {
            return URI.create(text).toURL();
        } catch (IllegalArgumentException e) {
            throw new MalformedURLException("not a URL: " + text);
        }
    }

    /** Keys fetched over plain http from another machine can be swapped by anyone on the path: say so once. */
    private static void warnOnPlainHttp(String location) {
        if (!location.regionMatches(true, 0, "http://", 0, 7)) {
            return;
        }
        String host;
        try {
            host = String.valueOf(URI.create(location).getHost()).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            host = "";
        }
        // judged by name only: a DNS lookup at start could hang on a machine without a resolver
        if (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")) {
            return;
        }
        LOGGER.log(Level.WARNING, "The identity provider's keys are fetched over plain http (" + location + "):"
                + " anyone on the network path could substitute keys and forge tokens; use https");
    }
}

package io.bess.wsms.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * OIDC access tokens (JWT) as a way in: where their signing keys come from, what they must say, and which claim
 * names the batteries a token permits. Off unless an issuer or a JWKS is given.
 *
 * @param issuer            the issuer URL: tokens must carry it as {@code iss}, and unless {@code jwks} is given its
 *                          keys are found through {@code /.well-known/openid-configuration}; empty for none
 * @param jwks              a JWKS URL (http or https) or file, for sites without discovery; empty for discovery
 * @param audience          a value that must be in a token's {@code aud}; empty: not checked
 * @param batteriesClaim    the claim with the permitted batteries; dots reach into nested objects
 * @param dashboardClientId the identity provider's public client the dashboard signs in with (authorization code
 *                          with PKCE); empty: the dashboard offers only its token field
 */
public record JwtSettings(String issuer, String jwks, String audience, String batteriesClaim,
                          String dashboardClientId) {
    /** The default claim name. */
    public static final String DEFAULT_CLAIM = "batteries";

    /**
     * Reads and validates the {@code auth.jwt} node.
     *
     * @param node the {@code auth.jwt} config node
     * @return the settings
     * @throws SettingsException with one sentence naming the setting when a value cannot work
     */
    public static JwtSettings from(Config node) {
        SettingReader r = new SettingReader(node);
        String issuer = r.string("issuer", "");
        String jwks = r.string("jwks", "");
        String claim = r.string("batteries-claim", DEFAULT_CLAIM);
        if (!issuer.isEmpty()) {
            httpUrl(r, "issuer", issuer);
        }
        if (!jwks.isEmpty() && !isHttpUrl(jwks)) {
            jwksFile(r, jwks);
        }
        if (claim.isEmpty() || claim.startsWith(".") || claim.endsWith(".") || claim.contains("..")) {
            throw new SettingsException(r.name("batteries-claim") + " must be a claim name, or a dotted path such as"
                                                + " resource_access.wsms.batteries, got '" + claim + "'.");
        }
        String client = r.string("dashboard-client-id", "");
        if (!client.isEmpty() && issuer.isEmpty()) {
            throw new SettingsException(r.name("dashboard-client-id") + " needs auth.jwt.issuer (WS_JWT_ISSUER): the"
                                                + " dashboard signs in at the issuer's authorization endpoint.");
        }
        return new JwtSettings(issuer, jwks, r.string("audience", ""), claim, client);
    }

    /** Settings with JWT access off. */
    public static JwtSettings off() {
        return new JwtSettings("", "", "", DEFAULT_CLAIM, "");
    }

    /** Whether JWT access tokens are accepted. */
    public boolean enabled() {
        return !issuer.isEmpty() || !jwks.isEmpty();
    }

    /** The JWKS file, when {@code jwks} names one rather than a URL. */
    public Optional<Path> jwksFile() {
        return jwks.isEmpty() || isHttpUrl(jwks) ? Optional.empty() : Optional.of(Path.of(jwks));
    }

    private static boolean isHttpUrl(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private static void httpUrl(SettingReader r, String key, String value) {
        try {
            URI uri = new URI(value);
            if (isHttpUrl(value) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // the one sentence below
        }
        throw new SettingsException(r.name(key) + " must be an http or https URL such as"
                                            + " https://sso.example.com/realms/wsms, got '" + value + "'.");
    }

    private static void jwksFile(SettingReader r, String value) {
        try {
            Path file = Path.of(value);
            if (Files.isRegularFile(file) && Files.isReadable(file)) {
                return;
            }
        } catch (InvalidPathException e) {
            // the one sentence below
        }
        throw new SettingsException(r.name("jwks") + " must be an http(s) URL or a readable JWKS file, got '"
                                            + value + "'.");
    }
}

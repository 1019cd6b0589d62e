package io.bess.wsms.auth;

import java.io.StringReader;
import java.util.Optional;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/**
 * What an OpenID provider's discovery document says about it, as far as this service uses it: the issuer, where
 * its keys are, and (for the dashboard's sign-in) where its authorization, token and logout endpoints are.
 *
 * @param issuer                the issuer, exactly as tokens carry it
 * @param jwksUri               where its signing keys are
 * @param authorizationEndpoint where a browser signs in; may be empty
 * @param tokenEndpoint         where codes and refresh tokens become access tokens; may be empty
 * @param endSessionEndpoint    where a browser signs out; may be empty
 */
public record ProviderMetadata(String issuer, String jwksUri, String authorizationEndpoint, String tokenEndpoint,
                               String endSessionEndpoint) {
    /**
     * Parses a discovery document.
     *
     * @param json     the document
     * @param expected the configured issuer; the document must name the same one (a trailing slash aside)
     * @return the metadata
     * @throws IllegalArgumentException with a sentence saying what is wrong with the document
     */
    static ProviderMetadata parse(String json, String expected) {
        JsonObject document;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            document = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("the discovery document is not a JSON object");
        }
        String issuer = text(document, "issuer")
                .orElseThrow(() -> new IllegalArgumentException("the discovery document names no issuer"));
        if (!trimSlash(issuer).equals(trimSlash(expected))) {
            // OpenID Connect Discovery 1.0, section 4.3: a document naming another issuer must not be used
            throw new IllegalArgumentException("the discovery document names the issuer " + issuer
                                                       + ", not the configured " + expected);
        }
        String jwks = text(document, "jwks_uri")
                .orElseThrow(() -> new IllegalArgumentException("the discovery document names no jwks_uri"));
        return new ProviderMetadata(issuer, jwks, text(document, "authorization_endpoint").orElse(""),
                                    text(document, "token_endpoint").orElse(""),
                                    text(document, "end_session_endpoint").orElse(""));
    }

    private static Optional<String> text(JsonObject document, String name) {
        JsonValue value = document.get(name);
        if (value == null || value.getValueType() != JsonValue.ValueType.STRING) {
            return Optional.empty();
        }
        String text = document.getString(name).trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

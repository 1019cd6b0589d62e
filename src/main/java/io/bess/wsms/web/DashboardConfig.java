package io.bess.wsms.web;

import io.bess.wsms.auth.Authenticator;
import io.bess.wsms.auth.ProviderMetadata;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/**
 * {@code GET /dashboard/config}: what the dashboard must know before it connects, none of it secret: whether the
 * data is simulated (demo mode), whether a token is needed, and, when the identity provider is known, where to sign
 * in (its public endpoints and the dashboard's public client id, for an authorization-code flow with PKCE).
 */
public final class DashboardConfig implements HttpService {
    /** The path. */
    public static final String PATH = "/dashboard/config";

    private final boolean demo;
    private final Authenticator authenticator;
    private final String clientId;

    /**
     * Creates the endpoint.
     *
     * @param demo          whether the service serves simulated data (embedded Redis or the simulator)
     * @param authenticator what clients must present
     * @param clientId      the identity provider's public client for the dashboard, empty for none
     */
    public DashboardConfig(boolean demo, Authenticator authenticator, String clientId) {
        this.demo = demo;
        this.authenticator = authenticator;
        this.clientId = clientId;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::answer);
    }

    private void answer(ServerRequest req, ServerResponse res) {
        JsonObjectBuilder auth = Json.createObjectBuilder()
                .add("required", authenticator.required())
                .add("jwt", authenticator.acceptsJwt())
                .add("available", authenticator.available());
        if (!clientId.isEmpty()) {
            authenticator.provider().filter(p -> !p.authorizationEndpoint().isEmpty() && !p.tokenEndpoint().isEmpty())
                    .ifPresent(p -> auth.add("sign_in", signIn(p)));
        }
        String body = Json.createObjectBuilder()
                .add("demo", demo)
                .add("auth", auth)
                .build().toString();
        res.header(HeaderNames.CACHE_CONTROL, "no-store").header(HeaderValues.CONTENT_TYPE_JSON).send(body);
    }

    private JsonObjectBuilder signIn(ProviderMetadata provider) {
        return Json.createObjectBuilder()
                .add("issuer", provider.issuer())
                .add("authorization_endpoint", provider.authorizationEndpoint())
                .add("token_endpoint", provider.tokenEndpoint())
                .add("end_session_endpoint", provider.endSessionEndpoint())
                .add("client_id", clientId);
    }
}

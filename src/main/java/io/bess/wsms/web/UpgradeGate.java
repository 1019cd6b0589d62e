package io.bess.wsms.web;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.bess.wsms.auth.AuthOutcome;
import io.bess.wsms.auth.Authenticator;
import io.bess.wsms.auth.Identity;
import io.bess.wsms.config.WsSettings;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Decides, before a WebSocket upgrade or an event stream ({@code /sse}) starts, whether it may proceed and as whom,
 * and refuses it with the fitting status and the protocol's JSON error body: 401 bad or missing token, 403 a token
 * that permits no battery ({@code no_batteries}) or an origin not allowed, 503 while the identity provider's keys
 * are unknown ({@code auth_unavailable}), at the connection limit (one limit for both transports) or while Redis is
 * unreachable, 400 malformed battery selection or rate cap. Refusals are counted by reason and transport. The REST
 * API needs the same token; its requests carry the client's {@link Identity} on to {@link BatteryApi} in the request
 * context. Other requests pass through untouched.
 */
public final class UpgradeGate implements Filter {
    /** The WebSocket endpoint's path. */
    public static final String PATH = "/ws";
    /** The event stream's path. */
    public static final String SSE_PATH = "/sse";
    /** The REST API's paths, guarded by the same token. */
    static final String API_PREFIX = "/api/";

    private final WsSettings settings;
    private final IntSupplier connectedClients;
    private final BooleanSupplier redisUp;
    private final RefusalCounter refusals;
    private final Authenticator authenticator;
    private volatile boolean accepting = true;

    /** Counts refused connections by reason and transport, for metrics. */
    @FunctionalInterface
    public interface RefusalCounter {
        /**
         * A connection was refused.
         *
         * @param reason    the error code
         * @param transport {@code ws}, {@code sse}, or {@code tcp} (refused at the socket)
         */
        void refused(String reason, String transport);
    }

    /**
     * Creates the gate.
     *
     * @param settings         WebSocket rules
     * @param connectedClients how many clients are connected now
     * @param redisUp          whether Redis is reachable now
     * @param refusals         counts refusals
     * @param authenticator    decides who a token's holder is
     */
    public UpgradeGate(WsSettings settings, IntSupplier connectedClients, BooleanSupplier redisUp,
                       RefusalCounter refusals, Authenticator authenticator) {
        this.settings = settings;
        this.connectedClients = connectedClients;
        this.redisUp = redisUp;
        this.refusals = refusals;
        this.authenticator = authenticator;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.startsWith(API_PREFIX)) {
            // the REST snapshot serves the same data as the WebSocket: the same token guards it, with the same
            // permissions
            AuthOutcome outcome = authenticator.authenticate(PresentedToken.of(req.headers(), req.query())
                                                                     .map(PresentedToken::value));
            if (outcome instanceof AuthOutcome.Refused refused) {
                send(refusal(refused), res);
                return;
            }
            req.context().register(((AuthOutcome.Granted) outcome).identity());
        }
        if (!PATH.equals(path)) {
            chain.proceed();
            return;
        }
        Admission admission = admit(req.headers(), req.query());
        if (admission.refused()) {
            ApiError error = admission.refusal().get();
            refusals.refused(error.code(), "ws");
            if (req.headers().contains(HeaderNames.UPGRADE)) {
                // a connection attempt (not the dashboard's plain GET that asks why one failed)
                AuditTrail.refused(admission.identity(), SourceAddress.of(req.remotePeer(), req.headers()),
                                   error.status().code(), error.code());
            }
            send(error, res);
            return;
        }
        chain.proceed();
    }

    /**
     * Whether an event stream may start and as whom, checked by {@link SseEndpoint} itself right before it registers
     * the client (so that the connection limit is checked as late as it can be); a refusal is answered, counted and
     * audited here.
     *
     * @param req the {@code GET /sse} request
     * @param res its response, sent when refused
     * @return the admission, empty when refused
     */
    Optional<Admission> admitStream(ServerRequest req, ServerResponse res) {
        Admission admission = admit(req.headers(), req.query());
        if (!admission.refused()) {
            return Optional.of(admission);
        }
        ApiError error = admission.refusal().get();
        refusals.refused(error.code(), "sse");
        AuditTrail.refused(admission.identity(), SourceAddress.of(req.remotePeer(), req.headers()),
                           error.status().code(), error.code());
        if (error.status().code() == Status.UNAUTHORIZED_401.code()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"wsms\"");
        }
        error.send(res);
        return Optional.empty();
    }

    /**
     * Whether an upgrade may proceed, as whom, or how it is refused. {@link WsEndpoint} asks this at the upgrade
     * itself: Helidon performs a WebSocket upgrade before HTTP routing when the upgrader is not its own routed one
     * (ours is not, to drop Helidon's origin rule), so this filter sees an upgrade only after the endpoint has
     * declined it.
     *
     * @param headers request headers
     * @param query   request query
     * @return the admission
     */
    Admission admit(Headers headers, UriQuery query) {
        Optional<PresentedToken> token = PresentedToken.of(headers, query);
        if (!accepting) {
            return refused(ApiError.unavailable("shutting_down", "The server is shutting down; reconnect in a"
                    + " moment."), null, token);
        }
        AuthOutcome outcome = authenticator.authenticate(token.map(PresentedToken::value));
        if (outcome instanceof AuthOutcome.Refused refused) {
            return refused(refusal(refused), null, token);
        }
        Identity identity = ((AuthOutcome.Granted) outcome).identity();
        Optional<String> origin = headers.first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !settings.allowedOrigins().isEmpty()
                && !settings.allowedOrigins().contains(origin.get())) {
            return refused(new ApiError(Status.FORBIDDEN_403, "origin_not_allowed",
                                        "Origin " + BatteryIds.shorten(origin.get())
                                                + " is not allowed to connect."), identity, token);
        }
        if (connectedClients.getAsInt() >= settings.maxConnections()) {
            return refused(ApiError.unavailable("too_many_connections",
                                                "The server is at its connection limit (" + settings.maxConnections()
                                                        + "); try again later."), identity, token);
        }
        if (!redisUp.getAsBoolean()) {
            return refused(ApiError.unavailable("redis_unavailable",
                                                "Battery data is unavailable right now (Redis is unreachable);"
                                                        + " try again shortly."), identity, token);
        }
        try {
            ClientQuery.parse(query, settings.maxBatteriesPerClient());
        } catch (BadRequestException e) {
            return refused(ApiError.badRequest(e.getMessage()), identity, token);
        }
        return new Admission(Optional.empty(), identity, token);
    }

    /** From now on every upgrade is refused with 503: the server is shutting down. */
    public void stopAccepting() {
        accepting = false;
    }

    private static Admission refused(ApiError error, Identity identity, Optional<PresentedToken> token) {
        return new Admission(Optional.of(error), identity, token);
    }

    private static ApiError refusal(AuthOutcome.Refused refused) {
        return switch (refused.reason()) {
            case UNAUTHORIZED -> new ApiError(Status.UNAUTHORIZED_401, refused.reason().code(), refused.message()
                    + " Send 'Authorization: Bearer <token>', the WebSocket subprotocols 'bearer, <token>', or"
                    + " (old clients) ?token=<token> in the URL.");
            case NO_BATTERIES -> new ApiError(Status.FORBIDDEN_403, refused.reason().code(), refused.message());
            case UNAVAILABLE -> ApiError.unavailable(refused.reason().code(), refused.message());
        };
    }

    /** Sends an error; a 401 says which scheme it wants (RFC 6750). */
    private static void send(ApiError error, RoutingResponse res) {
        if (error.status().code() == Status.UNAUTHORIZED_401.code()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"wsms\"");
        }
        error.send(res);
    }
}

package io.bess.wsms.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

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
 * Decides, before a WebSocket upgrade or an event stream ({@code /sse}) starts, whether it may proceed, and refuses
 * it with the fitting status and the protocol's JSON error body: 401 bad or missing token, 403 origin not allowed,
 * 503 at the connection limit (one limit for both transports) or while Redis is unreachable, 400 malformed battery
 * selection or rate cap. Refusals are counted by reason and transport. Other requests pass through untouched.
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
    private final byte[] tokenDigest;
    private volatile boolean accepting = true;

    /** Counts refused connections by reason and transport, for metrics. */
    @FunctionalInterface
    public interface RefusalCounter {
        /**
         * A connection was refused.
         *
         * @param reason    the error code
         * @param transport {@code ws} or {@code sse}
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
     */
    public UpgradeGate(WsSettings settings, IntSupplier connectedClients, BooleanSupplier redisUp,
                       RefusalCounter refusals) {
        this.settings = settings;
        this.connectedClients = connectedClients;
        this.redisUp = redisUp;
        this.refusals = refusals;
        this.tokenDigest = settings.authRequired() ? digest(settings.token()) : new byte[0];
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.startsWith(API_PREFIX) && settings.authRequired() && !authorized(req.headers(), req.query())) {
            // the REST snapshot serves the same data as the WebSocket: the same token guards it
            unauthorized().send(res);
            return;
        }
        if (!PATH.equals(path)) {
            chain.proceed();
            return;
        }
        Optional<ApiError> refusal = check(req);
        if (refusal.isPresent()) {
            refusals.refused(refusal.get().code(), "ws");
            refusal.get().send(res);
            return;
        }
        chain.proceed();
    }

    /**
     * Whether an upgrade would be refused, and how. {@link WsEndpoint} asks this at the upgrade itself: Helidon
     * performs a WebSocket upgrade before HTTP routing when the upgrader is not its own routed one (ours is not, to
     * drop Helidon's origin rule), so this filter sees an upgrade only after the endpoint has declined it.
     *
     * @param headers request headers
     * @param query   request query
     * @return the refusal, empty when the upgrade may proceed
     */
    Optional<ApiError> refusal(Headers headers, UriQuery query) {
        return check(headers, query);
    }

    /**
     * Whether an event stream may start, checked by {@link SseEndpoint} itself right before it registers the client
     * (so that the connection limit is checked as late as it can be); a refusal is answered and counted here.
     *
     * @param req the {@code GET /sse} request
     * @param res its response, sent when refused
     * @return true when refused
     */
    boolean refuseStream(ServerRequest req, ServerResponse res) {
        Optional<ApiError> refusal = check(req.headers(), req.query());
        refusal.ifPresent(error -> {
            refusals.refused(error.code(), "sse");
            error.send(res);
        });
        return refusal.isPresent();
    }

    private Optional<ApiError> check(RoutingRequest req) {
        return check(req.headers(), req.query());
    }

    /** From now on every upgrade is refused with 503: the server is shutting down. */
    public void stopAccepting() {
        accepting = false;
    }

    private Optional<ApiError> check(Headers headers, UriQuery query) {
        if (!accepting) {
            return Optional.of(ApiError.unavailable("shutting_down", "The server is shutting down; reconnect in a"
                    + " moment."));
        }
        if (settings.authRequired() && !authorized(headers, query)) {
            return Optional.of(unauthorized());
        }
        Optional<String> origin = headers.first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !settings.allowedOrigins().isEmpty()
                && !settings.allowedOrigins().contains(origin.get())) {
            return Optional.of(new ApiError(Status.FORBIDDEN_403, "origin_not_allowed",
                                             "Origin " + BatteryIds.shorten(origin.get())
                                                     + " is not allowed to connect."));
        }
        if (connectedClients.getAsInt() >= settings.maxConnections()) {
            return Optional.of(ApiError.unavailable("too_many_connections",
                                                    "The server is at its connection limit ("
                                                            + settings.maxConnections() + "); try again later."));
        }
        if (!redisUp.getAsBoolean()) {
            return Optional.of(ApiError.unavailable("redis_unavailable",
                                                    "Battery data is unavailable right now (Redis is unreachable);"
                                                            + " try again shortly."));
        }
        try {
            ClientQuery.parse(query, settings.maxBatteriesPerClient());
        } catch (BadRequestException e) {
            return Optional.of(ApiError.badRequest(e.getMessage()));
        }
        return Optional.empty();
    }

    private static ApiError unauthorized() {
        return new ApiError(Status.UNAUTHORIZED_401, "unauthorized",
                            "A valid token is required: send 'Authorization: Bearer <token>' or add ?token=<token>"
                                    + " to the URL.");
    }

    private boolean authorized(Headers headers, UriQuery query) {
        Optional<String> presented = headers.first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .or(() -> query.first("token").asOptional());
        // digests of equal length compared in constant time: neither content nor length of the token leaks
        return presented.isPresent() && MessageDigest.isEqual(tokenDigest, digest(presented.get()));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

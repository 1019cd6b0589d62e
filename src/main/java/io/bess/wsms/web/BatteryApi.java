package io.bess.wsms.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.bess.wsms.auth.Identity;
import io.bess.wsms.auth.Permissions;
import io.bess.wsms.hub.EncodedState;
import io.bess.wsms.hub.FrameEncoder;
import io.bess.wsms.hub.Snapshots;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /api/batteries} (the snapshot frame's JSON) and {@code GET /api/batteries/{id}} (one battery), read
 * the way snapshots are: from memory where the service holds the state, else from Redis. Both show only what the
 * client's token permits ({@link UpgradeGate} puts its {@link Identity} in the request context): the list is
 * filtered, and one battery outside the permission is 403 {@code forbidden}.
 */
public final class BatteryApi implements HttpService {
    private static final Identity NOBODY = new Identity(Identity.Kind.NONE, "", "", Permissions.NONE, Instant.MAX);
    private final Snapshots snapshots;
    private final FrameEncoder encoder;

    /**
     * Creates the API.
     *
     * @param snapshots where batteries are read
     * @param encoder   frame encoder (the same JSON as the WebSocket frames)
     */
    public BatteryApi(Snapshots snapshots, FrameEncoder encoder) {
        this.snapshots = snapshots;
        this.encoder = encoder;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::all)
                .get("/{id}", this::one)
                .any("/", BatteryApi::onlyGet)
                .any("/{id}", BatteryApi::onlyGet)
                .any("/*", BatteryApi::noSuchPath);
    }

    /** Other methods on the two resources: 405 with Allow, in the protocol's JSON error, like every API error. */
    private static void onlyGet(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.ALLOW, "GET");
        new ApiError(Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                     "Only GET is supported on " + BatteryIds.shorten(req.path().path()) + ".").send(res);
    }

    /** Deeper paths ({@code /api/batteries/1/x}): 404 in JSON rather than the server's plain-text page. */
    private static void noSuchPath(ServerRequest req, ServerResponse res) {
        new ApiError(Status.NOT_FOUND_404, "not_found", "No such resource: use /api/batteries or /api/batteries/{id}.")
                .send(res);
    }

    private void all(ServerRequest req, ServerResponse res) {
        Identity identity = identity(req);
        readOrFail(res, snapshots::all)
                .map(states -> identity.permissions().all() ? states
                        : states.stream().filter(s -> identity.permissions().test(s.battery())).toList())
                .ifPresent(states -> sendJson(res, encoder.snapshot(states, System.currentTimeMillis())));
    }

    private void one(ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().get("id");
        int id;
        try {
            id = parseId(raw);
        } catch (BadRequestException e) {
            ApiError.badRequest(e.getMessage()).send(res);
            return;
        }
        if (!identity(req).permissions().test(id)) {
            // the same answer whether or not the battery exists: a token learns nothing outside its permission
            res.status(Status.FORBIDDEN_403).header(HeaderValues.CONTENT_TYPE_JSON)
                    .send(AuthFrames.forbidden(List.of(id), ""));
            return;
        }
        readOrFail(res, () -> snapshots.of(List.of(id))).ifPresent(states -> {
            if (states.isEmpty()) {
                new ApiError(Status.NOT_FOUND_404, "not_found", "Battery " + id + " has no data.").send(res);
            } else {
                sendJson(res, encoder.object(states.getFirst(), System.currentTimeMillis()));
            }
        });
    }

    /**
     * One id, strictly: decimal digits only. The query parser's leniency (comma lists, spaces around items) has no
     * place in a path, where "1,2" or " 1" is a malformed id, not a list or an id.
     */
    private static int parseId(String raw) throws BadRequestException {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean sign = c == '-' && i == 0 && raw.length() > 1;
            if (!sign && (c < '0' || c > '9')) {
                throw new BadRequestException("battery id '" + BatteryIds.shorten(raw) + "' is not a number: give one"
                                                      + " decimal id, e.g. /api/batteries/7.");
            }
        }
        // negative and too large ids get the same answer as in a query
        return BatteryIds.fromQuery(List.of(raw), 1).iterator().next();
    }

    /** The client's identity; none at all (nothing permitted) if the gate did not run. */
    private static Identity identity(ServerRequest req) {
        return req.context().get(Identity.class).orElse(NOBODY);
    }

    private static Optional<List<EncodedState>> readOrFail(ServerResponse res, Read read) {
        try {
            return Optional.of(read.run());
        } catch (RuntimeException e) {
            ApiError.unavailable("redis_unavailable", "Battery data is unavailable right now (Redis is unreachable);"
                    + " try again shortly.").send(res);
            return Optional.empty();
        }
    }

    private static void sendJson(ServerResponse res, String json) {
        res.header(HeaderValues.CONTENT_TYPE_JSON).send(json);
    }

    @FunctionalInterface
    private interface Read {
        List<EncodedState> run();
    }
}

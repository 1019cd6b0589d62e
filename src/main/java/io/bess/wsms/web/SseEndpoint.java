package io.bess.wsms.web;

import java.util.Optional;
import java.util.Set;

import io.bess.wsms.config.WsSettings;
import io.bess.wsms.hub.ClientSession;
import io.bess.wsms.hub.DeliveryMetrics;
import io.bess.wsms.hub.Hub;
import io.bess.wsms.hub.RateWheel;
import io.bess.wsms.hub.Selection;
import io.bess.wsms.hub.Snapshots;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /sse}: the protocol's frames as Server-Sent Events, for clients that cannot speak WebSocket ({@code
 * curl}, a browser's {@code EventSource}, log shippers, proxies that only pass plain HTTP). Same query ({@code
 * batteries}, {@code max_rate}), same rules ({@link UpgradeGate}) and the same hub, outbox and writer as
 * {@code /ws}; only the transport differs. The request's thread is the connection's own: it registers the client
 * and then waits for the client to go away, as the WebSocket reader does. No {@code Last-Event-ID}: a reconnecting
 * client gets a snapshot, which is all it missed.
 */
final class SseEndpoint implements Handler {
    private final Hub hub;
    private final Snapshots snapshots;
    private final DeliveryMetrics metrics;
    private final WsSettings settings;
    private final UpgradeGate gate;
    private final RateWheel wheel;
    private final ConnectionAuth.Services identity;

    /**
     * Creates the endpoint.
     *
     * @param hub       fan-out
     * @param snapshots snapshot reads
     * @param metrics   delivery metrics of event-stream clients
     * @param settings  the endpoint's rules, shared with {@code /ws}
     * @param gate      decides whether a stream may start
     * @param wheel     the timer of rate-capped clients
     * @param identity  token checks and expiries, shared with {@code /ws}
     */
    SseEndpoint(Hub hub, Snapshots snapshots, DeliveryMetrics metrics, WsSettings settings, UpgradeGate gate,
                RateWheel wheel, ConnectionAuth.Services identity) {
        this.identity = identity;
        this.hub = hub;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.settings = settings;
        this.gate = gate;
        this.wheel = wheel;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Optional<Admission> admission = gate.admitStream(req, res);
        if (admission.isEmpty()) {
            return;
        }
        ConnectionAuth auth = new ConnectionAuth(identity, hub, metrics, admission.get().identity(),
                                                 admission.get().via());
        ClientQuery asked;
        try {
            asked = ClientQuery.parse(req.query(), settings.maxBatteriesPerClient());
        } catch (BadRequestException e) {
            // the gate has checked this already; this is the last line of defence
            ApiError.badRequest(e.getMessage()).send(res);
            return;
        }
        // the gate allowed this origin; a browser on another page needs to be told so to read the stream
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        origin.ifPresent(o -> res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, o)
                .header(HeaderValues.create(HeaderNames.VARY, "Origin")));
        SseStream stream = res.sink(SseStream.TYPE);
        // what the client asked for, seen through its token's permissions: forbidden ids are reported in the stream's
        // first events and never sent; at the token's expiry the stream ends (a new stream with a new token follows)
        Selection wanted = asked.selection();
        Selection selection = auth.initialSelection(wanted.all() ? Set.of() : wanted.ids());
        ClientSession session = new ClientSession(new SseTransport(stream, auth::ended), selection, snapshots,
                                                  metrics, settings.pingInterval(), wheel);
        session.throttle(asked.maxRate());
        hub.register(session);
        auth.opened(session, SourceAddress.of(req.remotePeer(), req.headers()));
        try {
            stream.awaitEnd();
        } finally {
            // the client hung up (or the stream was ended here): like the WebSocket's onClose
            auth.ended(1000, "client closed the stream");
            hub.unregister(session);
        }
    }
}

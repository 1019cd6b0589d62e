package io.bess.wsms.web;

import io.bess.wsms.auth.Authenticator;
import io.bess.wsms.auth.ExpiryTimer;
import io.bess.wsms.config.WsSettings;
import io.bess.wsms.hub.DeliveryMetrics;
import io.bess.wsms.hub.Hub;
import io.bess.wsms.hub.RateWheel;
import io.bess.wsms.hub.Snapshots;
import io.helidon.webserver.http.HttpService;

/** The {@code GET /sse} route: one {@link SseEndpoint} for every event stream. */
public final class SseRoutes {
    private SseRoutes() {
    }

    /**
     * Builds the route.
     *
     * @param hub       fan-out
     * @param snapshots snapshot reads
     * @param metrics   delivery metrics of event-stream clients
     * @param settings  the endpoint's rules, shared with {@code /ws}
     * @param gate      decides whether a stream may start
     * @param wheel         the timer of rate-capped clients
     * @param authenticator checks tokens, as on {@code /ws}
     * @param expiry        the one timer of every token expiry
     * @return the service to register
     */
    public static HttpService create(Hub hub, Snapshots snapshots, DeliveryMetrics metrics, WsSettings settings,
                                     UpgradeGate gate, RateWheel wheel, Authenticator authenticator,
                                     ExpiryTimer expiry) {
        SseEndpoint endpoint = new SseEndpoint(hub, snapshots, metrics, settings, gate, wheel,
                                               new ConnectionAuth.Services(authenticator, expiry));
        return rules -> rules.get(UpgradeGate.SSE_PATH, endpoint);
    }
}

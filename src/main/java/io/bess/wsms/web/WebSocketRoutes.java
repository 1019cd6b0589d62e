package io.bess.wsms.web;

import io.bess.wsms.auth.Authenticator;
import io.bess.wsms.auth.ExpiryTimer;
import io.bess.wsms.config.WsSettings;
import io.bess.wsms.hub.DeliveryMetrics;
import io.bess.wsms.hub.Hub;
import io.bess.wsms.hub.RateWheel;
import io.bess.wsms.hub.Snapshots;
import io.helidon.webserver.websocket.WsRouting;

/** The {@code /ws} route: a new {@link WsEndpoint} per connection. */
public final class WebSocketRoutes {
    private WebSocketRoutes() {
    }

    /**
     * Builds the WebSocket routing.
     *
     * @param hub       fan-out
     * @param snapshots snapshot reads
     * @param metrics   delivery metrics
     * @param settings  WebSocket rules
     * @param gate          decides whether an upgrade may proceed
     * @param wheel         the timer of rate-capped clients
     * @param authenticator checks the tokens clients send on live connections
     * @param expiry        the one timer of every token expiry
     * @return the routing builder
     */
    public static WsRouting.Builder create(Hub hub, Snapshots snapshots, DeliveryMetrics metrics, WsSettings settings,
                                           UpgradeGate gate, RateWheel wheel, Authenticator authenticator,
                                           ExpiryTimer expiry) {
        ConnectionAuth.Services identity = new ConnectionAuth.Services(authenticator, expiry);
        return WsRouting.builder()
                .endpoint(UpgradeGate.PATH, () -> new WsEndpoint(hub, snapshots, metrics, settings, gate, wheel,
                                                                 identity));
    }
}

package io.bess.wsms.web;

import io.helidon.http.Headers;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;

/**
 * Helidon's WebSocket upgrade without its built-in origin rule (same origin only, answered with an empty 403).
 * {@link UpgradeGate} decides origins instead, before the upgrade: any origin unless {@code ws.allowed-origins}
 * is set, so that a browser console on any page, Postman and websocat all connect with just the URL, and a
 * refusal carries the protocol's JSON error. Wired explicitly into the listener's one connection selector
 * ({@link SocketGuard#selector}), not found through the service loader.
 */
public final class GatedWsUpgrader extends WsUpgrader {
    /**
     * Creates the upgrader.
     *
     * @param config WebSocket protocol settings (frame length)
     */
    public GatedWsUpgrader(WsConfig config) {
        super(config);
    }

    @Override
    protected void validateOrigin(Headers headers, String origin) {
        // UpgradeGate has already allowed this origin
    }
}

package io.bess.wsms.web;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.http.Headers;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgradeProvider;
import io.helidon.webserver.websocket.WsUpgrader;

/**
 * Helidon's WebSocket upgrade without its built-in origin rule (same origin only, answered with an empty 403).
 * {@link UpgradeGate} decides origins instead, before the upgrade: any origin unless {@code ws.allowed-origins}
 * is set, so that a browser console on any page, Postman and websocat all connect with just the URL, and a
 * refusal carries the protocol's JSON error. Found through {@code META-INF/services}; its weight puts it before
 * Helidon's own provider.
 */
@Weight(Weighted.DEFAULT_WEIGHT + 10)
public final class GatedWsUpgradeProvider extends WsUpgradeProvider {
    /** Required by the service loader. */
    public GatedWsUpgradeProvider() {
    }

    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        return new GatedWsUpgrader(config);
    }

    private static final class GatedWsUpgrader extends WsUpgrader {
        GatedWsUpgrader(WsConfig config) {
            super(config);
        }

        @Override
        protected void validateOrigin(Headers headers, String origin) {
            // UpgradeGate has already allowed this origin
        }
    }
}

package io.bess.wsms.web;

import java.util.Optional;
import java.util.Set;

import io.bess.wsms.config.WsSettings;
import io.bess.wsms.hub.ClientSession;
import io.bess.wsms.hub.DeliveryMetrics;
import io.bess.wsms.hub.FrameEncoder;
import io.bess.wsms.hub.Hub;
import io.bess.wsms.hub.RateWheel;
import io.bess.wsms.hub.Selection;
import io.bess.wsms.hub.SnapshotRequest;
import io.bess.wsms.hub.Snapshots;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

/**
 * One WebSocket connection (a new listener per connection): reads the selection at the upgrade (seen through the
 * token's permission, {@link ConnectionAuth}), registers the client with the hub when the socket opens, and turns
 * the client's frames into commands. It never writes data frames itself: the client's writer does.
 */
final class WsEndpoint implements WsListener {
    private final Hub hub;
    private final Snapshots snapshots;
    private final DeliveryMetrics metrics;
    private final WsSettings settings;
    private final UpgradeGate gate;
    private final RateWheel wheel;
    private final ConnectionAuth.Services identity;
    /** A fragmented message so far; created on the first fragment (most clients never send one). */
    private StringBuilder partial;
    private ClientQuery asked = new ClientQuery(Selection.EVERY_BATTERY, MaxRate.NONE);
    /** What the client asked for, seen through its token's permissions. */
    private Selection selection = Selection.EVERY_BATTERY;
    private ConnectionAuth auth;
    /** The upgrade request's headers, until the socket opens (the client's address is read from them then). */
    private Headers upgradeHeaders;
    private volatile ClientSession client;
    /** Created at open; used by the connection's reader thread only (it calls every onMessage). */
    private CommandRateLimit commands;

    WsEndpoint(Hub hub, Snapshots snapshots, DeliveryMetrics metrics, WsSettings settings, UpgradeGate gate,
               RateWheel wheel, ConnectionAuth.Services identity) {
        this.hub = hub;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.settings = settings;
        this.gate = gate;
        this.wheel = wheel;
        this.identity = identity;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        Admission admission = gate.admit(headers, prologue.query());
        if (admission.refused()) {
            // declined here, the request goes on through HTTP routing, where UpgradeGate answers it with the
            // fitting status and the JSON error (and counts and audits the refusal)
            throw new WsUpgradeException("refused by the upgrade gate");
        }
        auth = new ConnectionAuth(identity, hub, metrics, admission.identity(), admission.via());
        try {
            asked = ClientQuery.parse(prologue.query(), settings.maxBatteriesPerClient());
        } catch (BadRequestException e) {
            // the gate has checked this already; this is the last line of defence
            throw new WsUpgradeException(e.getMessage());
        }
        Selection wanted = asked.selection();
        selection = auth.initialSelection(wanted.all() ? Set.of() : wanted.ids());
        upgradeHeaders = headers;
        return admission.upgradeHeaders();
    }

    @Override
    public void onOpen(WsSession session) {
        ClientSession created = new ClientSession(new WsTransport(session, auth::ended), selection, snapshots,
                                                  metrics, settings.pingInterval(), wheel);
        created.throttle(asked.maxRate());
        commands = new CommandRateLimit(settings.maxCommandsPerSecond(), System.nanoTime());
        client = created;
        if (hub.size() >= settings.maxConnections()) {
            // two upgrades raced past the gate's check: the later one goes, politely
            created.close(1013, "server at its connection limit");
        }
        hub.register(created);
        auth.opened(created, SourceAddress.of(session.socketContext().remotePeer(), upgradeHeaders));
        upgradeHeaders = null;
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        ClientSession c = client;
        c.heard();
        int before = partial == null ? 0 : partial.length();
        if (before + text.length() > settings.maxFrameBytes()) {
            partial = null;
            metrics.clientClosed("message_too_big");
            c.close(1009, "message larger than " + settings.maxFrameBytes() + " bytes");
            return;
        }
        if (!last) {
            if (partial == null) {
                partial = new StringBuilder(text.length() * 2);
            }
            partial.append(text);
            return;
        }
        String message = before == 0 ? text : partial.append(text).toString();
        partial = null;
        handle(c, message);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        ClientSession c = client;
        metrics.clientClosed("binary_frame");
        c.close(1003, "binary frames are not supported; send JSON text commands");
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        client.heard();
        byte[] payload = new byte[buffer.available()];
        buffer.read(payload);
        client.pong(payload);
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        client.heard();
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        auth.ended(status, reason);
        leave();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        auth.ended(1006, "connection failed: " + t.getClass().getSimpleName());
        leave();
    }

    private void leave() {
        ClientSession c = client;
        if (c != null) {
            hub.unregister(c);
        }
    }

    private void handle(ClientSession c, String message) {
        CommandRateLimit.Verdict verdict = commands.take(System.nanoTime());
        if (verdict == CommandRateLimit.Verdict.CLOSE) {
            metrics.clientClosed("too_many_commands");
            c.close(1008, "too many commands");
            return;
        }
        if (verdict == CommandRateLimit.Verdict.REFUSED) {
            metrics.commandRefused();
            c.notice(FrameEncoder.error("rate_limited", "Too many commands: at most "
                    + settings.maxCommandsPerSecond() + " per second (bursts of " + 2 * settings.maxCommandsPerSecond()
                    + "); this one was ignored. Sending too many for " + CommandRateLimit.SUSTAINED.toSeconds()
                    + " s closes the connection."));
            return;
        }
        try {
            switch (ClientCommand.parse(message, settings.maxBatteriesPerClient())) {
            case ClientCommand.Subscribe s -> {
                Set<Integer> permitted = auth.permittedOf(s.batteries());
                if (!permitted.isEmpty()) {
                    hub.select(c, bounded(c.selection().with(permitted)), SnapshotRequest.of(permitted));
                }
                auth.reportForbidden(c, s.batteries());
            }
            case ClientCommand.Unsubscribe u -> hub.select(c, bounded(c.selection().without(u.batteries())));
            case ClientCommand.Snapshot ignored -> c.requestSnapshot(SnapshotRequest.WHOLE);
            case ClientCommand.Throttle t -> c.throttle(t.maxRate());
            case ClientCommand.Auth a -> auth.refresh(c, a.token());
            }
        } catch (BadRequestException e) {
            c.notice(FrameEncoder.error("bad_request", e.getMessage()));
        }
    }

    /**
     * A selection holds at most {@code max-batteries-per-client} ids, whether it names the batteries a client wants
     * or, wanting every battery, those it does not: what one client makes the server remember stays bounded.
     */
    private Selection bounded(Selection next) throws BadRequestException {
        int max = settings.maxBatteriesPerClient();
        if (next.ids().size() <= max) {
            return next;
        }
        throw new BadRequestException(next.all()
                ? "too many excluded battery ids: a client of every battery may leave out at most " + max
                        + "; select the batteries you want instead (?batteries=1,2 or a subscribe command)."
                : "too many battery ids: at most " + max + " per client.");
    }

}

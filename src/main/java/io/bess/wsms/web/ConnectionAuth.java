package io.bess.wsms.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.bess.wsms.auth.AuthOutcome;
import io.bess.wsms.auth.Authenticator;
import io.bess.wsms.auth.ExpiryTimer;
import io.bess.wsms.auth.Identity;
import io.bess.wsms.hub.ClientSession;
import io.bess.wsms.hub.DeliveryMetrics;
import io.bess.wsms.hub.FrameEncoder;
import io.bess.wsms.hub.Hub;
import io.bess.wsms.hub.Selection;
import io.bess.wsms.hub.SnapshotRequest;

/**
 * Identity on one WebSocket connection: the selection seen through the token's permission, the {@code forbidden}
 * answer for ids outside it, the close at the token's expiry (1008 {@code token expired}), the {@code auth} command
 * that replaces the token, and the connection's audit events.
 */
final class ConnectionAuth {
    private static final String KEPT = "No state of a forbidden battery is ever sent; the rest of the selection"
            + " stands and the connection stays open.";
    private final Services services;
    private final Hub hub;
    private final DeliveryMetrics metrics;
    private final String via;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Object lock = new Object();
    private Identity identity;
    private ExpiryTimer.Deadline deadline = ExpiryTimer.Deadline.NONE;
    private List<Integer> forbiddenAtUpgrade = List.of();
    private long openedNanos;
    private volatile AuditTrail.Connection audited;

    /**
     * What every connection's identity needs, shared by all of them.
     *
     * @param authenticator checks tokens sent with the {@code auth} command
     * @param expiry        the one timer of every token expiry
     */
    record Services(Authenticator authenticator, ExpiryTimer expiry) {
    }

    /**
     * Creates a connection's identity at its upgrade.
     *
     * @param services  shared services
     * @param hub       the hub, to change the selection when permissions change
     * @param metrics   counts closes at token expiry
     * @param identity  who the upgrade's token says the client is
     * @param via       how the token came ({@code header}, {@code subprotocol}, {@code query}, {@code none})
     */
    ConnectionAuth(Services services, Hub hub, DeliveryMetrics metrics, Identity identity, String via) {
        this.services = services;
        this.hub = hub;
        this.metrics = metrics;
        this.identity = identity;
        this.via = via;
    }

    /**
     * The first selection: the permitted batteries, or the requested ones that are permitted; the forbidden rest is
     * reported once the connection is open.
     *
     * @param requested ids of {@code ?batteries=}, empty for every battery
     * @return the selection
     */
    Selection initialSelection(Set<Integer> requested) {
        synchronized (lock) {
            if (requested.isEmpty()) {
                return restricted(Selection.EVERY_BATTERY);
            }
            forbiddenAtUpgrade = identity.permissions().forbidden(requested);
            Set<Integer> allowed = new LinkedHashSet<>(requested);
            forbiddenAtUpgrade.forEach(allowed::remove);
            return restricted(Selection.of(allowed));
        }
    }

    /**
     * The connection is open and registered: reports forbidden ids of the upgrade, starts the expiry and logs the
     * connect.
     *
     * @param client   the session
     * @param sourceIp the client's address
     */
    void opened(ClientSession client, String sourceIp) {
        synchronized (lock) {
            openedNanos = System.nanoTime();
            audited = new AuditTrail.Connection(identity, sourceIp, via);
            if (!forbiddenAtUpgrade.isEmpty()) {
                client.notice(AuthFrames.forbidden(forbiddenAtUpgrade, KEPT));
            }
            schedule(client, identity);
        }
        AuditTrail.connected(audited, selected(client.selection()));
    }

    /**
     * The permitted ids of a {@code subscribe}.
     *
     * @param ids ids asked for
     * @return the permitted ones
     */
    Set<Integer> permittedOf(Set<Integer> ids) {
        List<Integer> forbidden = forbiddenOf(ids);
        if (forbidden.isEmpty()) {
            return ids;
        }
        Set<Integer> allowed = new LinkedHashSet<>(ids);
        forbidden.forEach(allowed::remove);
        return allowed;
    }

    /**
     * Answers the forbidden ids of a {@code subscribe}, if any, with the {@code forbidden} error; called after the
     * permitted ones are selected, so the error follows their snapshot.
     *
     * @param client the session
     * @param ids    ids asked for
     */
    void reportForbidden(ClientSession client, Set<Integer> ids) {
        List<Integer> forbidden = forbiddenOf(ids);
        if (!forbidden.isEmpty()) {
            client.notice(AuthFrames.forbidden(forbidden, KEPT));
        }
    }

    private List<Integer> forbiddenOf(Set<Integer> ids) {
        synchronized (lock) {
            return identity.permissions().forbidden(ids);
        }
    }

    /**
     * The {@code auth} command: a new token for the same subject. Its permissions apply at once (batteries no longer
     * permitted leave the selection, one notice frame says so) and its expiry replaces the old one. A refused token
     * changes nothing: the client gets an error frame and keeps its current token until that expires.
     *
     * @param client the session
     * @param token  the new token
     */
    void refresh(ClientSession client, String token) {
        Identity before;
        synchronized (lock) {
            before = identity;
        }
        AuthOutcome outcome = services.authenticator().refresh(before, token);
        AuditTrail.Connection who = audited;
        if (outcome instanceof AuthOutcome.Refused refused) {
            client.notice(FrameEncoder.error(refused.reason().code(), refused.message()));
            AuditTrail.refreshed(who, null, refused.reason().code());
            return;
        }
        Identity next = ((AuthOutcome.Granted) outcome).identity();
        List<Integer> removed;
        synchronized (lock) {
            identity = next;
            deadline.cancel();
            removed = apply(client, before, next);
            audited = new AuditTrail.Connection(next, who.sourceIp(), via);
            schedule(client, next);
        }
        client.notice(AuthFrames.refreshed(next, removed));
        AuditTrail.refreshed(who, next, "");
    }

    /**
     * The connection has ended; the first call wins (the close frame sent or received, or the socket's end).
     *
     * @param code   the close code, 1006 for an end without a close frame
     * @param reason the close reason
     */
    void ended(int code, String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            deadline.cancel();
        }
        AuditTrail.Connection who = audited;
        if (who != null) {
            AuditTrail.closed(who, code, reason, System.nanoTime() - openedNanos);
        }
    }

    /** Swaps the selection to the new permission; the ids that left it. */
    private List<Integer> apply(ClientSession client, Identity before, Identity next) {
        Selection current = client.selection();
        Selection changed;
        List<Integer> removed = new ArrayList<>();
        List<Integer> added = new ArrayList<>();
        if (current.all()) {
            changed = current.permittedOnly(next.permissions());
            for (Integer battery : hub.knownBatteries()) {
                boolean was = current.includes(battery);
                boolean is = changed.includes(battery);
                if (was && !is) {
                    removed.add(battery);
                } else if (is && !was) {
                    added.add(battery);
                }
            }
        } else {
            Set<Integer> kept = new LinkedHashSet<>();
            for (Integer battery : current.ids()) {
                if (next.permissions().test(battery)) {
                    kept.add(battery);
                } else {
                    removed.add(battery);
                }
            }
            changed = Selection.of(kept).permittedOnly(next.permissions());
        }
        removed.sort(null);
        if (!changed.equals(current) || !before.permissions().equals(next.permissions())) {
            hub.select(client, changed, added.isEmpty() ? null : SnapshotRequest.of(Set.copyOf(added)));
        }
        return removed;
    }

    private void schedule(ClientSession client, Identity who) {
        deadline = services.expiry().at(who.expiresAt(), () -> expire(client, who));
    }

    private void expire(ClientSession client, Identity expired) {
        synchronized (lock) {
            if (identity != expired) {
                // refreshed in the meantime: the new token has its own deadline
                return;
            }
        }
        metrics.clientClosed("token_expired");
        client.close(1008, "token expired");
    }

    private Selection restricted(Selection selection) {
        return identity.permissions().all() ? selection : selection.permittedOnly(identity.permissions());
    }

    /** Batteries a selection covers now: its ids, or the known batteries it includes. */
    private int selected(Selection selection) {
        if (!selection.all()) {
            return selection.ids().size();
        }
        int count = 0;
        for (Integer battery : hub.knownBatteries()) {
            if (selection.includes(battery)) {
                count++;
            }
        }
        return count;
    }
}

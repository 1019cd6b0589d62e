package io.bess.wsms.hub;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who wants which battery. Fans each encoded frame out to the interested clients' outboxes (and keeps the newest
 * state of each battery for snapshots) and keeps the upstream subscriptions equal to the batteries someone wants
 * (subscribe on first interest, unsubscribe when the last interested client leaves). Does no network work itself.
 */
public final class Hub {
    private final ChannelInterest interest;
    private final LatestStates latest;
    private final Object lock = new Object();
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    /** Clients of "every battery": copy-on-write because fan-out reads it far more often than clients come and go. */
    private final List<ClientSession> everyBattery = new CopyOnWriteArrayList<>();
    private final Map<Integer, List<ClientSession>> byBattery = new ConcurrentHashMap<>();
    private Set<Integer> known = Set.of();
    /** The batteries last handed to the upstream subscriptions; guarded by the lock. */
    private Set<Integer> retained = Set.of();
    /** A client wants a battery the hub does not know (yet); guarded by the lock. */
    private boolean unknownWanted;
    private final List<Runnable> onUnknownWanted = new CopyOnWriteArrayList<>();

    /**
     * Creates a hub.
     *
     * @param interest keeps the upstream subscriptions
     * @param latest   keeps the newest state of each subscribed battery
     */
    public Hub(ChannelInterest interest, LatestStates latest) {
        this.interest = interest;
        this.latest = latest;
    }

    /**
     * Offers a batch of frames (at most one per battery) to the clients that want them, and wakes each of those
     * clients' writers once for the whole batch: a client of many batteries then sends the batch in one write,
     * where a wake per frame would cost a writer run and a system call per frame.
     *
     * @param frames encoded updates
     */
    public void publish(List<Frame> frames) {
        if (frames.size() == 1) {
            publish(frames.getFirst());
            return;
        }
        Set<ClientSession> touched = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Frame frame : frames) {
            latest.offer(frame);
            forEachRecipient(frame, session -> {
                session.offer(frame);
                touched.add(session);
            });
        }
        touched.forEach(ClientSession::wake);
    }

    /**
     * Offers one frame to every client that wants its battery.
     *
     * @param frame an encoded update
     */
    public void publish(Frame frame) {
        latest.offer(frame);
        forEachRecipient(frame, session -> {
            session.offer(frame);
            session.wake();
        });
    }

    private void forEachRecipient(Frame frame, Consumer<ClientSession> action) {
        List<ClientSession> explicit = byBattery.get(frame.battery());
        if (explicit != null) {
            for (ClientSession session : explicit) {
                action.accept(session);
            }
        }
        for (ClientSession session : everyBattery) {
            if (session.selection().includes(frame.battery())) {
                action.accept(session);
            }
        }
    }

    /**
     * Adds a client and starts its writer, which sends its snapshot first. Registering before the snapshot is read
     * means no update can fall between the snapshot and the first live frame.
     *
     * @param session the client
     */
    public void register(ClientSession session) {
        synchronized (lock) {
            sessions.add(session);
            if (index(session, session.selection())) {
                reconcile();
            }
        }
        session.start(() -> unregister(session));
    }

    /**
     * Removes a client; safe to call more than once.
     *
     * @param session the client
     */
    public void unregister(ClientSession session) {
        synchronized (lock) {
            if (!sessions.remove(session)) {
                return;
            }
            if (unindex(session, session.selection())) {
                reconcile();
            }
        }
        session.close(1000, "");
    }

    /**
     * Changes what a client wants.
     *
     * @param session the client
     * @param next    its new selection
     */
    public void select(ClientSession session, Selection next) {
        select(session, next, null);
    }

    /**
     * Adds batteries to what a client wants and answers with a snapshot of them. The snapshot is requested before the
     * client is indexed under the new batteries, so it goes out before any update of them (a subscriber started for
     * them publishes a catch-up read at once).
     *
     * @param session  the client
     * @param next     its new selection
     * @param snapshot the snapshot it is owed
     */
    public void select(ClientSession session, Selection next, SnapshotRequest snapshot) {
        synchronized (lock) {
            if (!sessions.contains(session)) {
                return;
            }
            Selection previous = session.selection();
            // only what changed is re-indexed: a command costs its own ids under the lock, not the whole selection,
            // and a battery's list of clients (copy-on-write) is not copied for clients that stay on it
            boolean fewer = unindex(session, previous.all() == next.all() ? difference(previous, next) : previous);
            session.select(next);
            if (snapshot != null) {
                session.requestSnapshot(snapshot);
            }
            boolean more = index(session, previous.all() == next.all() ? difference(next, previous) : next);
            if (fewer || more) {
                reconcile();
            }
        }
    }

    /**
     * The part of {@code from} that {@code other} lacks, as the hub indexes it: for explicit selections, their ids;
     * for two selections of every battery, nothing (the index holds such a client once, whatever it excludes).
     */
    private static Selection difference(Selection from, Selection other) {
        if (from.all()) {
            return Selection.of(Set.of());
        }
        Set<Integer> only = new HashSet<>();
        for (Integer battery : from.ids()) {
            if (!other.ids().contains(battery)) {
                only.add(battery);
            }
        }
        return Selection.of(only);
    }

    /**
     * Tells the hub which batteries exist, so clients of every battery get new ones.
     *
     * @param ids the fleet's battery ids
     */
    public void knownBatteries(Set<Integer> ids) {
        synchronized (lock) {
            if (!ids.equals(known)) {
                known = Set.copyOf(ids);
                reconcile();
            }
        }
    }

    /**
     * Registers what to do when a client selects a battery the hub does not know: look at the fleet again soon.
     *
     * @param listener must not block (it runs under the hub's lock)
     */
    public void onUnknownWanted(Runnable listener) {
        onUnknownWanted.add(listener);
    }

    /** The fleet's battery ids, as last told. */
    public Set<Integer> knownBatteries() {
        synchronized (lock) {
            return known;
        }
    }

    /** Sends every client a fresh snapshot before further updates (after a Redis outage). */
    public void resyncAll() {
        for (ClientSession session : sessions) {
            session.requestSnapshot(SnapshotRequest.WHOLE);
        }
    }

    /**
     * Asks every client's writer to send a close frame.
     *
     * @param code   close code
     * @param reason reason text
     */
    public void closeAll(int code, String reason) {
        for (ClientSession session : sessions) {
            session.close(code, reason);
        }
    }

    /** Connected clients. */
    public int size() {
        return sessions.size();
    }

    /** A live view of the connected clients. */
    public Collection<ClientSession> sessions() {
        return Collections.unmodifiableSet(sessions);
    }

    /**
     * Indexes a client under what it wants.
     *
     * @return whether the set of batteries someone wants may have grown (a first client of a battery, or of every
     *         battery): only then do the upstream subscriptions need a look, which keeps a connect storm of clients
     *         of the same batteries from rebuilding the set thousands of times
     */
    private boolean index(ClientSession session, Selection selection) {
        if (selection.all()) {
            boolean first = everyBattery.isEmpty();
            everyBattery.add(session);
            return first;
        }
        boolean grown = false;
        for (Integer battery : selection.ids()) {
            List<ClientSession> list = byBattery.get(battery);
            if (list == null) {
                list = new CopyOnWriteArrayList<>();
                byBattery.put(battery, list);
                grown = true;
                if (!known.contains(battery)) {
                    unknownWanted = true;
                }
            }
            list.add(session);
        }
        return grown;
    }

    /** Removes a client from the index; whether the set of wanted batteries may have shrunk. */
    private boolean unindex(ClientSession session, Selection selection) {
        if (selection.all()) {
            return everyBattery.remove(session) && everyBattery.isEmpty();
        }
        boolean shrunk = false;
        for (Integer battery : selection.ids()) {
            List<ClientSession> list = byBattery.get(battery);
            if (list != null) {
                list.remove(session);
                if (list.isEmpty()) {
                    byBattery.remove(battery);
                    shrunk = true;
                }
            }
        }
        return shrunk;
    }

    /**
     * Keeps the upstream subscriptions equal to the batteries someone wants that exist: an id a client selected
     * that is not in the fleet costs no Redis subscription until it appears in the fleet's set of ids (its state
     * then arrives with the subscription's catch-up read). Called with the lock held.
     */
    private void reconcile() {
        if (unknownWanted) {
            // it may have just been added to the fleet: look now rather than at the next poll, so that a client of
            // a new battery does not miss its first updates for up to a poll interval
            unknownWanted = false;
            onUnknownWanted.forEach(Runnable::run);
        }
        Set<Integer> wanted;
        if (everyBattery.isEmpty()) {
            wanted = new HashSet<>();
            for (Integer battery : byBattery.keySet()) {
                if (known.contains(battery)) {
                    wanted.add(battery);
                }
            }
        } else {
            wanted = known;
        }
        if (!wanted.equals(retained)) {
            retained = Set.copyOf(wanted);
            interest.retain(retained);
        }
    }
}

package io.bess.wsms.hub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/**
 * One connected client: its selection, its conflating outbox and its writer, the only code that writes to its
 * socket. The writer is a virtual thread that runs while the outbox has work and ends when it is empty, so an idle
 * client holds no thread; it still blocks on a peer that reads slowly, costing only its own thread and its own
 * bounded outbox.
 */
public final class ClientSession {
    private static final System.Logger LOGGER = System.getLogger(ClientSession.class.getName());
    private static final Duration RETRY_SNAPSHOT = Duration.ofSeconds(1);
    /** Makes the writer threads; thread-safe and stateless (every writer has the same name). */
    private static final ThreadFactory WRITERS = Thread.ofVirtual().name("ws-writer").factory();

    private final Transport transport;
    private final Snapshots snapshots;
    private final FrameEncoder encoder;
    private final DeliveryMetrics metrics;
    private final long pingIntervalNanos;
    private final Outbox outbox = new Outbox();
    /** Per battery, what the client was last sent; touched by the writer only (one writer run at a time). */
    private final Map<Integer, SentState> lastSent = new HashMap<>(2);
    private volatile Selection selection;
    private volatile long lastHeardNanos = System.nanoTime();
    /** When the current write started, 0 while the writer is not writing. */
    private volatile long writeStartedNanos;
    /** Runs once when the session ends; null until the hub has registered the session. */
    private volatile Runnable onEnd;

    /**
     * Creates a session; {@link Hub#register} starts it.
     *
     * @param transport    the client's socket
     * @param selection    batteries the client wants at first
     * @param snapshots    where snapshot frames are read from
     * @param metrics      delivery metrics
     * @param pingInterval how often to ping the client
     */
    public ClientSession(Transport transport, Selection selection, Snapshots snapshots, DeliveryMetrics metrics,
                         Duration pingInterval) {
        this.transport = transport;
        this.selection = selection;
        this.snapshots = snapshots;
        this.encoder = snapshots.encoder();
        this.metrics = metrics;
        this.pingIntervalNanos = pingInterval.toNanos();
        outbox.requestSnapshot(SnapshotRequest.WHOLE);
    }

    /** The batteries this client wants. */
    public Selection selection() {
        return selection;
    }

    /**
     * Queues a frame for this client without waking its writer (the hub wakes each client once per batch); never
     * blocks or throws.
     *
     * @param frame an update of a battery in this client's selection
     * @return what happened to it
     */
    public OfferResult offer(Frame frame) {
        OfferResult result = outbox.offer(frame);
        if (result == OfferResult.CONFLATED) {
            metrics.frameConflated();
        }
        return result;
    }

    /**
     * Queues an error frame; extras beyond a small bound are dropped.
     *
     * @param json the error frame
     */
    public void notice(String json) {
        outbox.notice(WireFormat.text(json));
        wake();
    }

    /**
     * Answers a ping; the pong goes out through the writer like every other frame, so frames never interleave.
     *
     * @param payload the ping's payload
     */
    public void pong(byte[] payload) {
        outbox.notice(WireFormat.pong(payload));
        wake();
    }

    /**
     * Asks for a snapshot frame before further updates.
     *
     * @param request which batteries
     */
    public void requestSnapshot(SnapshotRequest request) {
        outbox.requestSnapshot(request);
        wake();
    }

    /** Records that the client sent something (a frame or a pong): it is alive. */
    public void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /**
     * Closes the client from the server side with a close frame, sent by its writer.
     *
     * @param code   close code
     * @param reason reason text
     */
    public void close(int code, String reason) {
        outbox.close(code, reason);
        wake();
    }

    /** Whether the client's connection is still open (its socket still read). */
    public boolean isOpen() {
        return transport.isOpen();
    }

    /** Drops the connection at once, unblocking a writer stuck on a peer that stopped reading. */
    public void abort() {
        transport.abort();
    }

    /**
     * How long the writer has been stuck in one write.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return nanoseconds, 0 when not writing
     */
    public long stalledNanos(long nowNanos) {
        long started = writeStartedNanos;
        return started == 0 ? 0 : nowNanos - started;
    }

    /** Number of battery states waiting for the writer (bounded by the selection's size). */
    public int pending() {
        return outbox.pendingUpdates();
    }

    void select(Selection next) {
        selection = next;
        outbox.discardUnwanted(next);
    }

    /** Asks the writer to ping now; the hub's {@link KeepaliveTicker} calls it once per ping interval. */
    void pingDue() {
        outbox.requestPing();
        wake();
    }

    /**
     * Starts the session: its writer sends the snapshot first.
     *
     * @param whenEnded runs once when the session ends (close sent or socket failed)
     */
    void start(Runnable whenEnded) {
        this.onEnd = whenEnded;
        wake();
    }

    /** Runs a writer when there is work and none runs. */
    void wake() {
        if (onEnd != null && outbox.claimWriter()) {
            WRITERS.newThread(this::write).start();
        }
    }

    /** One writer run: sends everything queued, in one socket write per pass, until the outbox is empty. */
    private void write() {
        WireBatch out = new WireBatch();
        Outbox.Drain work = new Outbox.Drain();
        boolean ended = false;
        try {
            // let the threads that are publishing now add their frames first: under load the writer then sends
            // several per write; with nothing else runnable, yield returns at once and adds no latency
            Thread.yield();
            while (outbox.drainOrRelease(work)) {
                if (work.close != null) {
                    transport.close(work.close.code(), work.close.reason());
                    ended = true;
                    return;
                }
                if (work.snapshot != null && !addSnapshot(work.snapshot, out)) {
                    // Redis is down: keep the request and try again shortly; the queued updates are dropped
                    // because the snapshot, sent first, will carry states at least as new
                    outbox.requestSnapshot(work.snapshot);
                    Thread.sleep(RETRY_SNAPSHOT);
                    continue;
                }
                work.notices.forEach(out::add);
                long oldestReceived = Long.MAX_VALUE;
                int frames = 0;
                for (Frame frame : work.updates) {
                    if (addUpdate(frame, out)) {
                        frames++;
                        oldestReceived = Math.min(oldestReceived, frame.receivedNanos());
                    }
                }
                if (work.ping) {
                    addPing(out);
                }
                flush(out);
                if (frames > 0) {
                    metrics.framesSent(frames, System.nanoTime() - oldestReceived);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = true;
        } catch (TransportException e) {
            LOGGER.log(Level.DEBUG, () -> transport + " connection ended: " + e.getCause());
            // a failed write leaves the session without a writer: drop the socket too, so that the peer learns it
            // at once instead of staying connected to nothing
            transport.abort();
            ended = true;
        } catch (RuntimeException e) {
            // a bug must not leave the session with a claimed writer that never runs again: end it visibly
            LOGGER.log(Level.WARNING, transport + " writer failed, closing the connection: " + e, e);
            transport.abort();
            ended = true;
        } finally {
            if (ended) {
                outbox.end();
                onEnd.run();
            }
        }
    }

    private boolean addSnapshot(SnapshotRequest request, WireBatch out) {
        List<EncodedState> states;
        Selection current = selection;
        try {
            List<EncodedState> read = request.whole() && current.all()
                    ? snapshots.all()
                    : snapshots.of(request.whole() ? current.ids() : request.batteries());
            states = read.stream().filter(s -> current.includes(s.battery())).toList();
        } catch (RuntimeException e) {
            LOGGER.log(Level.DEBUG, () -> transport + " snapshot postponed: " + e);
            return false;
        }
        long now = System.currentTimeMillis();
        out.add(WireFormat.text(encoder.snapshot(states, now)));
        // a snapshot is authoritative: later frames are compared with what it showed
        for (EncodedState state : states) {
            sent(state.battery(), state.deviceTimestamp(), Frame.orderHash(state, encoder.isStale(state, now)));
        }
        return true;
    }

    private boolean addUpdate(Frame frame, WireBatch out) {
        if (!selection.includes(frame.battery())) {
            return false;
        }
        SentState last = lastSent.get(frame.battery());
        if (last != null && last.supersedes(frame)) {
            return false;
        }
        out.add(frame.wire());
        sent(frame.battery(), frame.deviceTimestamp(), frame.orderHash());
        return true;
    }

    private void sent(int battery, long timestamp, int orderHash) {
        SentState last = lastSent.get(battery);
        if (last == null) {
            lastSent.put(battery, new SentState(timestamp, orderHash));
        } else {
            last.timestamp = timestamp;
            last.orderHash = orderHash;
        }
    }

    /**
     * What a client last received of a battery, updated in place (no allocation per frame). A frame is skipped
     * when it is older (never an older state after a newer one) or when it repeats that very state (the snapshot
     * and a catch-up read can see the same hash); a new state with the same timestamp still goes out, since a
     * device clock may be coarse, and so does the same state flagged stale.
     */
    private static final class SentState {
        private long timestamp;
        private int orderHash;

        SentState(long timestamp, int orderHash) {
            this.timestamp = timestamp;
            this.orderHash = orderHash;
        }

        boolean supersedes(Frame frame) {
            if (!frame.ordered() || timestamp == Frame.NO_TIMESTAMP) {
                return frame.orderHash() == orderHash && frame.deviceTimestamp() == timestamp;
            }
            return frame.deviceTimestamp() < timestamp
                    || frame.deviceTimestamp() == timestamp && frame.orderHash() == orderHash;
        }
    }

    private void addPing(WireBatch out) {
        if (System.nanoTime() - lastHeardNanos > 2 * pingIntervalNanos) {
            metrics.clientClosed("keepalive");
            outbox.close(1008, "no answer to pings");
            return;
        }
        out.add(WireFormat.ping());
    }

    private void flush(WireBatch out) {
        if (out.isEmpty()) {
            return;
        }
        writeStartedNanos = System.nanoTime();
        try {
            transport.write(out.bytes());
        } finally {
            writeStartedNanos = 0;
            out.clear();
        }
    }

    @Override
    public String toString() {
        return transport.toString();
    }
}

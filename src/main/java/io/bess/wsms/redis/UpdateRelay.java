package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.bess.wsms.hub.BatteryState;
import io.bess.wsms.hub.Frame;
import io.bess.wsms.hub.FrameEncoder;
import io.bess.wsms.hub.Hub;

/**
 * Turns signals into frames: reads the signalled batteries' hashes in one pipeline, encodes each frame once and
 * hands the batch to the hub. A battery's signals are read by one {@link SignalBatcher} at a time, so its updates
 * stay in order. Never throws: odd Redis contents or a failed read cost that batch, never the subscriber (a lost
 * read is an outage, after which every client gets a fresh snapshot).
 */
public final class UpdateRelay {
    private static final System.Logger LOGGER = System.getLogger(UpdateRelay.class.getName());

    private final RedisStore store;
    private final FrameEncoder encoder;
    private final Hub hub;
    private final UpstreamMetrics metrics;

    /**
     * Creates the relay.
     *
     * @param store   where hashes are read
     * @param encoder frame encoder
     * @param hub     fan-out
     * @param metrics upstream metrics
     */
    public UpdateRelay(RedisStore store, FrameEncoder encoder, Hub hub, UpstreamMetrics metrics) {
        this.store = store;
        this.encoder = encoder;
        this.hub = hub;
        this.metrics = metrics;
    }

    /** A publish arrived. */
    void received() {
        metrics.messageReceived();
    }

    /**
     * Reads, encodes and publishes the current state of the signalled batteries.
     *
     * @param batch battery to its signal
     */
    void relay(Map<Integer, Signal> batch) {
        try {
            List<BatteryState> states = store.read(batch.keySet());
            List<Frame> frames = new ArrayList<>(states.size());
            for (BatteryState state : states) {
                Signal signal = batch.get(state.id());
                Frame frame = encoder.update(state, signal.wsTimestamp(), signal.receivedNanos());
                frames.add(frame);
                if (frame.ordered()) {
                    metrics.pipelineLatency(signal.wsTimestamp() - frame.deviceTimestamp());
                }
            }
            hub.publish(frames);
        } catch (RuntimeException e) {
            // a connection failure has been reported to RedisStatus by the store
            LOGGER.log(Level.DEBUG, () -> "updates of " + batch.keySet() + " skipped: " + e);
        }
    }
}

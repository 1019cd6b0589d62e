package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.bess.wsms.hub.BatteryState;
import io.bess.wsms.hub.Frame;
import io.bess.wsms.hub.FrameEncoder;
import io.bess.wsms.hub.Hub;

/**
 * Turns signals into frames: reads the signalled batteries' hashes in one pipeline, encodes each frame once and
 * hands the batch to the hub. A battery's signals are read by one {@link SignalBatcher} at a time, so its updates
 * stay in order. The batteries whose read failed are handed back to the batcher, which owes them: they are read
 * again until they are read, so no update is lost to a failed read.
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
     * @return the signals of the batteries that could not be read (empty when all were): they are owed
     */
    Map<Integer, Signal> relay(Map<Integer, Signal> batch) {
        BatchRead read = store.readBatch(batch.keySet());
        List<Frame> frames = new ArrayList<>(read.states().size());
        for (BatteryState state : read.states()) {
            Signal signal = batch.get(state.id());
            Frame frame = encoder.update(state, signal.wsTimestamp(), signal.receivedNanos());
            frames.add(frame);
            if (frame.ordered()) {
                metrics.pipelineLatency(signal.wsTimestamp() - frame.deviceTimestamp());
            }
        }
        if (!frames.isEmpty()) {
            hub.publish(frames);
        }
        if (read.failed().isEmpty()) {
            return Map.of();
        }
        LOGGER.log(Level.DEBUG, () -> read.failed().size() + " batteries owed: " + read.failure().describe());
        Map<Integer, Signal> owed = new HashMap<>();
        for (Integer battery : read.failed()) {
            owed.put(battery, batch.get(battery));
        }
        return owed;
    }
}

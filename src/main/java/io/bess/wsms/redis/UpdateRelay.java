package io.bess.wsms.redis;

import java.lang.System.Logger.Level;
import java.util.Optional;

import io.bess.wsms.hub.BatteryState;
import io.bess.wsms.hub.Frame;
import io.bess.wsms.hub.FrameEncoder;
import io.bess.wsms.hub.Hub;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Turns a channel's signal into a frame: re-reads the battery's hash, encodes the frame once and hands it to the
 * hub. Runs on the channel's subscriber thread, so one battery's updates stay in order. Never throws: odd Redis
 * contents or a failed read cost that one update, never the subscriber.
 */
public final class UpdateRelay implements SignalHandler {
    private static final System.Logger LOGGER = System.getLogger(UpdateRelay.class.getName());

    private final RedisStore store;
    private final RedisStatus status;
    private final FrameEncoder encoder;
    private final Hub hub;
    private final UpstreamMetrics metrics;

    /**
     * Creates the relay.
     *
     * @param store   where hashes are read
     * @param status  shared Redis status
     * @param encoder frame encoder
     * @param hub     fan-out
     * @param metrics upstream metrics
     */
    public UpdateRelay(RedisStore store, RedisStatus status, FrameEncoder encoder, Hub hub, UpstreamMetrics metrics) {
        this.store = store;
        this.status = status;
        this.encoder = encoder;
        this.hub = hub;
        this.metrics = metrics;
    }

    @Override
    public void onSignal(int battery, long wsTimestamp, long receivedNanos) {
        metrics.messageReceived();
        readAndPublish(battery, wsTimestamp, receivedNanos).ifPresent(frame -> {
            if (frame.ordered()) {
                metrics.pipelineLatency(wsTimestamp - frame.deviceTimestamp());
            }
        });
    }

    @Override
    public void onSubscribed(int battery) {
        // catch up on a publish that may have landed before the subscription was confirmed; clients that already
        // have this state drop it (per-battery ordering), new batteries reach clients of every battery this way
        readAndPublish(battery, System.currentTimeMillis(), System.nanoTime());
    }

    private Optional<Frame> readAndPublish(int battery, long wsTimestamp, long receivedNanos) {
        try {
            Optional<BatteryState> state = store.read(battery);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            Frame frame = encoder.update(state.get(), wsTimestamp, receivedNanos);
            hub.publish(frame);
            return Optional.of(frame);
        } catch (RuntimeException e) {
            if (e instanceof JedisConnectionException) {
                status.failed(e);
            } else {
                LOGGER.log(Level.DEBUG, () -> "update of " + BatteryState.key(battery) + " skipped: " + e);
            }
            return Optional.empty();
        }
    }
}

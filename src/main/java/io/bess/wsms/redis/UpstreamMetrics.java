package io.bess.wsms.redis;

/** What the Redis side reports; implemented by the metrics layer. */
public interface UpstreamMetrics {
    /** Reports nothing. */
    UpstreamMetrics NONE = new UpstreamMetrics() {
    };

    /** A publish arrived from Redis. */
    default void messageReceived() {
    }

    /**
     * The pipeline's latency of one update: server receipt minus device timestamp.
     *
     * @param millis {@code latency_ms}
     */
    default void pipelineLatency(long millis) {
    }
}

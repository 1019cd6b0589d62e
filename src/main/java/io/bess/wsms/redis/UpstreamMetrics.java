package io.bess.wsms.redis;

import java.util.List;

/** What the Redis side reports; implemented by the metrics layer. */
public interface UpstreamMetrics {
    /** Every reason a read can fail for ({@link ReadFailure}'s labels), so that metrics can show each at zero. */
    List<String> READ_FAILURE_REASONS = List.of("connection", "timeout", "cluster_unreachable", "loading", "busy",
                                                "tryagain", "clusterdown", "masterdown", "noperm", "noauth", "oom",
                                                "moved", "ask", "noreplicas", "readonly", "error_reply",
                                                "pool_exhausted", "other", "wrongtype");

    /** A publish arrived from Redis. */
    void messageReceived();

    /**
     * The pipeline's latency of one update: server receipt minus device timestamp.
     *
     * @param millis {@code latency_ms}
     */
    void pipelineLatency(long millis);

    /**
     * A read of battery data failed (it is retried, or its batteries are owed, or the key is skipped).
     *
     * @param reason a bounded label: {@code connection}, {@code timeout}, {@code busy}, {@code noperm}, ...
     */
    void readFailed(String reason);
}

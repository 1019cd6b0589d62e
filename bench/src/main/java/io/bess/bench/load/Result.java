package io.bess.bench.load;

import org.HdrHistogram.Histogram;

/** Everything measured for one (scenario, target, rate). */
public record Result(Scenario scenario, Target target, double rate,
                     long published, long expected, long delivered, long unparsed, long duplicates, long closedByServer,
                     Histogram latencyMicros,
                     int attempted, int connected, Histogram connectMicros, double connectWallSeconds,
                     Histogram firstRoundConnectMicros,
                     long rssBeforeKb, long rssConnectedKb, long rssMeasureStartKb, long rssMeasureEndKb,
                     long heapBeforeKb, long heapConnectedKb,
                     double serverCpuSeconds, double serverSystemCpuSeconds, double redisCpuSeconds, double benchCpuSeconds,
                     double clientLoopCpuSeconds, double otherCpuSeconds, double windowSeconds, double writerMaxLagMs,
                     long writerSuperseded, RedisSide redis, int serverThreads, String error) {

    /**
     * What Redis saw of the server under test. Connections: most seen in {@code CLIENT LIST} (after connecting and
     * at the end of the window); the server's are the service's by client name, else every connection not the
     * bench's own (raw subscribers, the peer's). Reads per connect: deltas over the connect phase, from Redis's
     * {@code INFO commandstats} (hash reads) and the service's {@code wsms_snapshot_states_total} counter (NaN when
     * the service does not export it). -1 / NaN: not measured.
     */
    public record RedisSide(int serverConnections, int serverPubSubConnections, long connectedClients,
                            long channelsSubscribed, double subscribedSeconds, double hashReadsPerConnect,
                            double snapshotRedisPerConnect, double snapshotCachePerConnect) {
        public static final RedisSide NONE = new RedisSide(-1, -1, -1, -1, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /** A target the scenario left out (its error says why). */
    public boolean notRun() {
        return error != null && error.startsWith("not run");
    }

    public double deliveryRatio() {
        return expected == 0 ? Double.NaN : (double) delivered / expected;
    }

    public double pMs(double percentile) {
        return latencyMicros == null || latencyMicros.getTotalCount() == 0 ? Double.NaN
                : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMs() {
        return latencyMicros == null || latencyMicros.getTotalCount() == 0 ? Double.NaN
                : latencyMicros.getMaxValue() / 1000.0;
    }

    /** Connect time of the first, throwaway round of connections, made on a freshly started (cold) server. */
    public double firstRoundConnectMs(double percentile) {
        return firstRoundConnectMicros == null || firstRoundConnectMicros.getTotalCount() == 0 ? Double.NaN
                : firstRoundConnectMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double connectMs(double percentile) {
        return connectMicros == null || connectMicros.getTotalCount() == 0 ? Double.NaN
                : connectMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double rssPerConnKb() {
        return rssBeforeKb < 0 || rssConnectedKb < 0 || connected == 0 ? Double.NaN
                : (double) (rssConnectedKb - rssBeforeKb) / connected;
    }

    public double heapPerConnKb() {
        return heapBeforeKb < 0 || heapConnectedKb < 0 || connected == 0 ? Double.NaN
                : (double) (heapConnectedKb - heapBeforeKb) / connected;
    }

    /** Server CPU seconds per million frames delivered in the window. */
    public double cpuPerMillionFrames() {
        return delivered == 0 ? Double.NaN : serverCpuSeconds / (delivered / 1e6);
    }

    public double serverCpuPercent() {
        return 100 * serverCpuSeconds / windowSeconds;
    }

    /** Share of the server's CPU spent in the kernel. */
    public double serverKernelShare() {
        return serverCpuSeconds <= 0 ? Double.NaN : 100 * serverSystemCpuSeconds / serverCpuSeconds;
    }

    public double redisCpuPercent() {
        return 100 * redisCpuSeconds / windowSeconds;
    }

    public double benchCpuPercent() {
        return 100 * benchCpuSeconds / windowSeconds;
    }

    /** CPU used during the window by processes other than the server, its Redis and the bench (noise). */
    public double otherCpuPercent() {
        return 100 * otherCpuSeconds / windowSeconds;
    }

    public double clientCpuPercent() {
        return 100 * clientLoopCpuSeconds / windowSeconds;
    }

    /** The saturate criterion: p99 at most 50 ms and at least 99.9% delivered. */
    public boolean held() {
        return error == null && deliveryRatio() >= 0.999 && pMs(99) <= 50;
    }
}

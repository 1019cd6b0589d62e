package io.bess.bench.load;

/**
 * The writer's constant-rate timetable: update {@code seq} is due at {@code t0 + seq * nanosPerUpdate}
 * and goes to battery {@code seq % batteries + 1}. Latency is measured from this due time, not from the
 * moment the writer got round to sending, so a stall anywhere (writer, Redis, server, client) shows up in
 * the figures instead of being hidden (no coordinated omission).
 */
public record Schedule(long t0, double nanosPerUpdate, int batteries, long epochMs0,
                       long measureFromSeq, long measureToSeq) {

    public static Schedule of(double ratePerSecond, int batteries, double warmupSeconds, double measureSeconds,
                              long startDelayNanos) {
        long t0 = System.nanoTime() + startDelayNanos;
        long epoch0 = System.currentTimeMillis() + startDelayNanos / 1_000_000L;
        long from = (long) Math.ceil(ratePerSecond * warmupSeconds);
        long to = from + (long) Math.floor(ratePerSecond * measureSeconds);
        return new Schedule(t0, 1e9 / ratePerSecond, batteries, epoch0, from, to);
    }

    /** Due time of an update, System.nanoTime() scale. */
    public long due(long seq) {
        return t0 + (long) (seq * nanosPerUpdate);
    }

    /** Due time in epoch ms: what the writer puts in the hash's timestamp field. */
    public long dueEpochMs(long seq) {
        return epochMs0 + (long) (seq * nanosPerUpdate / 1e6);
    }

    public int battery(long seq) {
        return (int) (seq % batteries) + 1;
    }

    /** The k-th update of a battery (0-based): used by raw subscribers, which get no sequence in the payload. */
    public long seqOf(int battery, long k) {
        return k * batteries + (battery - 1);
    }

    public boolean measured(long seq) {
        return seq >= measureFromSeq && seq < measureToSeq;
    }

    public long total() {
        return measureToSeq;
    }

    public long measuredCount() {
        return measureToSeq - measureFromSeq;
    }

    public long measureStartNanos() {
        return due(measureFromSeq);
    }

    public long measureEndNanos() {
        return due(measureToSeq);
    }
}

package io.bess.wsms.observe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Liveness: UP while the process works, whatever Redis does (a Redis outage is a readiness matter; restarting the
 * service would not bring Redis back). DOWN in the states that only a restart fixes: a housekeeping loop that has
 * not finished a pass in three of its periods (keepalive, the slow-client reaper, the fleet poll, ... are dead or
 * hung), a client writer stuck in a write past the slow-client timeout that the reaper could not end, or deadlocked
 * platform threads. Nearly all the work runs on virtual threads, which the JVM's deadlock detection does not see;
 * the first two are how a hang there shows. Answers from memory alone, so it stays fast.
 */
public final class LivenessCheck implements HealthCheck {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Supplier<List<String>> lateLoops;
    private final IntSupplier stuckWriters;

    /**
     * Creates the check.
     *
     * @param lateLoops    the housekeeping loops that stopped making passes
     * @param stuckWriters client writers stuck past the slow-client timeout without being reaped
     */
    public LivenessCheck(Supplier<List<String>> lateLoops, IntSupplier stuckWriters) {
        this.lateLoops = lateLoops;
        this.stuckWriters = stuckWriters;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.LIVENESS;
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                .detail("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        boolean up = true;
        List<String> late = lateLoops.get();
        if (!late.isEmpty()) {
            up = false;
            response.detail("stalledHousekeeping", String.join(", ", late));
        }
        int stuck = stuckWriters.getAsInt();
        if (stuck > 0) {
            up = false;
            response.detail("stuckWriters", stuck);
        }
        long[] deadlocked = threads.findDeadlockedThreads();
        if (deadlocked != null) {
            up = false;
            response.detail("deadlockedThreads", Arrays.stream(threads.getThreadInfo(deadlocked))
                    .filter(info -> info != null)
                    .map(ThreadInfo::getThreadName)
                    .collect(Collectors.joining(", ")));
        }
        return response.status(up).build();
    }
}

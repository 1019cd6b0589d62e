package io.bess.wsms.observe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.stream.Collectors;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Liveness: UP while the process works, whatever Redis does (a Redis outage is a readiness matter; restarting the
 * service would not bring Redis back). DOWN only when platform threads are deadlocked, which no restart-free
 * recovery can fix. Answers from the JVM alone, so it stays fast.
 */
public final class LivenessCheck implements HealthCheck {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

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
        long[] deadlocked = threads.findDeadlockedThreads();
        if (deadlocked == null) {
            return response.status(true).build();
        }
        String names = Arrays.stream(threads.getThreadInfo(deadlocked))
                .filter(info -> info != null)
                .map(ThreadInfo::getThreadName)
                .collect(Collectors.joining(", "));
        return response.status(false).detail("deadlockedThreads", names).build();
    }
}

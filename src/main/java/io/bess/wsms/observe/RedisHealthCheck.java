package io.bess.wsms.observe;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: UP while Redis answers. DOWN at once when the service's own Redis users have seen it fail (a refused
 * or reset connection is noticed by the next poll, within a second), and DOWN when Redis does not answer a PING
 * within {@link #ANSWER_DEADLINE}: a hung Redis or a black-holed network accepts connections and answers nothing,
 * and the service's pollers notice that only after their command timeouts (twice the Redis timeout).
 * At most one PING is in flight, whatever the rate of health requests, and a request waits at most
 * {@link #ANSWER_DEADLINE} counted from that PING's start.
 */
public final class RedisHealthCheck implements HealthCheck {
    /** How long Redis may take to answer the health PING before readiness reports DOWN. */
    static final Duration ANSWER_DEADLINE = Duration.ofSeconds(1);

    private final BooleanSupplier redisUp;
    private final Runnable ping;
    private final Supplier<String> where;
    private final Object lock = new Object();
    private Probe inFlight;

    /**
     * Creates the check.
     *
     * @param redisUp whether the service's Redis users have it as reachable
     * @param ping    sends Redis a PING and returns when it answers; throws when it cannot
     * @param where   where Redis is now (host:port, or the master and Sentinels), shown in the details
     */
    public RedisHealthCheck(BooleanSupplier redisUp, Runnable ping, Supplier<String> where) {
        this.redisUp = redisUp;
        this.ping = ping;
        this.where = where;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponse.Builder response = HealthCheckResponse.builder().detail("redis", where.get());
        if (!redisUp.getAsBoolean()) {
            return response.status(false).detail("error", "Redis is unreachable").build();
        }
        Probe probe = probe();
        long waitNanos = probe.startedNanos + ANSWER_DEADLINE.toNanos() - System.nanoTime();
        try {
            probe.answered.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
            return response.status(true).build();
        } catch (TimeoutException e) {
            return response.status(false)
                    .detail("error", "Redis did not answer PING within " + ANSWER_DEADLINE.toMillis() + " ms")
                    .build();
        } catch (ExecutionException e) {
            return response.status(false).detail("error", "Redis PING failed: " + e.getCause().getMessage()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.status(false).detail("error", "interrupted").build();
        }
    }

    /** The PING in flight, or a new one when the last has ended. */
    private Probe probe() {
        synchronized (lock) {
            if (inFlight == null || inFlight.answered.isDone()) {
                Probe probe = new Probe(System.nanoTime(), new CompletableFuture<>());
                Thread.ofVirtual().name("redis-health-ping").start(() -> {
                    try {
                        ping.run();
                        probe.answered.complete(null);
                    } catch (RuntimeException e) {
                        probe.answered.completeExceptionally(e);
                    }
                });
                inFlight = probe;
            }
            return inFlight;
        }
    }

    private record Probe(long startedNanos, CompletableFuture<Void> answered) {
    }
}

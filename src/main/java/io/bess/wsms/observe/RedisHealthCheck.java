package io.bess.wsms.observe;

import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Readiness: UP while Redis answers the service's probe (polled every second), DOWN within seconds of it going. */
public final class RedisHealthCheck implements HealthCheck {
    private final BooleanSupplier redisUp;
    private final String where;

    /**
     * Creates the check.
     *
     * @param redisUp whether Redis answered the last probe
     * @param where   host:port, shown in the details
     */
    public RedisHealthCheck(BooleanSupplier redisUp, String where) {
        this.redisUp = redisUp;
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
        return HealthCheckResponse.builder()
                .status(redisUp.getAsBoolean())
                .detail("redis", where)
                .build();
    }
}

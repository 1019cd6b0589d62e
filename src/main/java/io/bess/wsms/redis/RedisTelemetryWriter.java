package io.bess.wsms.redis;

import java.util.Map;

import io.bess.wsms.hub.BatteryState;
import io.bess.wsms.sim.TelemetryWriter;
import redis.clients.jedis.RedisClient;

/** Writes telemetry exactly as the pipeline's upstream writer does: SADD once, then HSET + PUBLISH "updates". */
public final class RedisTelemetryWriter implements TelemetryWriter {
    private final RedisClient client;

    /**
     * Creates the writer.
     *
     * @param client pooled client
     */
    public RedisTelemetryWriter(RedisClient client) {
        this.client = client;
    }

    @Override
    public void announce(int battery) {
        client.sadd(RedisStore.IDS_KEY, Integer.toString(battery));
    }

    @Override
    public void write(int battery, Map<String, String> fields) {
        String key = BatteryState.key(battery);
        client.hset(key, fields);
        client.publish(key, "updates");
    }
}

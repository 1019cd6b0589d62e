package io.bess.wsms.redis;

import java.util.Map;

import io.bess.wsms.hub.BatteryState;
import io.bess.wsms.sim.TelemetryWriter;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * Writes telemetry exactly as the pipeline's upstream writer does: SADD once, then HSET + PUBLISH "updates" (SPUBLISH
 * when the pipeline uses sharded pub/sub).
 */
public final class RedisTelemetryWriter implements TelemetryWriter {
    private final UnifiedJedis client;
    private final boolean sharded;

    /**
     * Creates the writer over the connector's pooled client.
     *
     * @param connector the service's Redis
     */
    public RedisTelemetryWriter(RedisConnector connector) {
        this.client = connector.backend().client();
        this.sharded = connector.sharded();
    }

    @Override
    public void announce(int battery) {
        client.sadd(RedisStore.IDS_KEY, Integer.toString(battery));
    }

    @Override
    public void write(int battery, Map<String, String> fields) {
        String key = BatteryState.key(battery);
        client.hset(key, fields);
        if (sharded) {
            // keyed by the channel, so that a Cluster client sends it to the node that owns the channel's slot
            client.sendCommand(key, Protocol.Command.SPUBLISH, key, "updates");
        } else {
            client.publish(key, "updates");
        }
    }
}

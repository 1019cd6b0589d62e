package io.bess.wsms.hub;

import java.util.Map;

/**
 * One battery's hash as read from Redis: its id and its fields, values as stored (strings).
 *
 * @param id     battery id
 * @param fields hash fields, in a stable order
 */
public record BatteryState(int id, Map<String, String> fields) {
    /** The hash key and channel name the pipeline uses for this battery. */
    public static String key(int id) {
        return "battery:" + id + ":data";
    }
}

package io.bess.wsms.redis;

import io.bess.wsms.hub.BatteryState;

/** The pipeline's channel names, {@code battery:{id}:data}, both ways. */
final class BatteryChannel {
    private static final String PREFIX = "battery:";
    private static final String SUFFIX = ":data";

    private BatteryChannel() {
    }

    /** The channel (and hash key) of a battery. */
    static String of(int battery) {
        return BatteryState.key(battery);
    }

    /**
     * The battery a channel belongs to.
     *
     * @param channel channel name
     * @return the id, or null when the name is not a battery channel
     */
    static Integer battery(String channel) {
        if (!channel.startsWith(PREFIX) || !channel.endsWith(SUFFIX)) {
            return null;
        }
        return RedisStore.parseId(channel.substring(PREFIX.length(), channel.length() - SUFFIX.length())).orElse(null);
    }
}

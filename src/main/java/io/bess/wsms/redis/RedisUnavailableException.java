package io.bess.wsms.redis;

/** Redis cannot be used at start-up; the message is one sentence that names the setting to check. */
public final class RedisUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.bess.wsms.redis;

/** A read of battery data failed: the message says which and why; the caller retries or owes it. */
public final class ReadFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.bess.wsms;

/** The service could not start; the message is one sentence that names what failed and why. */
public final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
        super(message);
    }
}

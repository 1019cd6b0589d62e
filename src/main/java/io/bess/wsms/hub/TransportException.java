package io.bess.wsms.hub;

/** The client's connection failed while its writer was using it. */
public final class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Wraps the cause.
     *
     * @param cause what the socket layer threw
     */
    public TransportException(Throwable cause) {
        super(cause);
    }
}

package io.bess.wsms.web;

/** A client's input is wrong; the message is one sentence that says how. */
final class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequestException(String message) {
        super(message);
    }
}

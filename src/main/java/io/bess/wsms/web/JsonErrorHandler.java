package io.bess.wsms.web;

import io.bess.wsms.hub.FrameEncoder;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Helidon's own refusals, made before any route runs (a request line that is not ASCII, one longer than the server
 * reads, broken headers), answered with the protocol's JSON error like every other refusal instead of a bare status.
 * The sentence is fixed per status: it never echoes the request or an exception.
 */
public final class JsonErrorHandler implements DirectHandler {
    private JsonErrorHandler() {
    }

    /** This handler for every kind of event Helidon answers directly. */
    public static DirectHandlers forAllEvents() {
        JsonErrorHandler handler = new JsonErrorHandler();
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        headers.set(HeaderValues.CONTENT_TYPE_JSON);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(false)
                .entity(FrameEncoder.error(code(status), sentence(status)))
                .build();
    }

    private static String code(Status status) {
        return switch (status.code()) {
            case 400 -> "bad_request";
            case 403 -> "forbidden";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 505 -> "http_version_not_supported";
            default -> status.code() >= 500 ? "internal_error" : "bad_request";
        };
    }

    private static String sentence(Status status) {
        return switch (status.code()) {
            case 400 -> "The request is malformed: the request line and headers must be ASCII, with other characters"
                    + " percent-encoded (e.g. /ws?batteries=1,2,7).";
            case 414 -> "The request line is too long: select at most the allowed number of batteries.";
            case 413 -> "The request is too large.";
            case 431 -> "The request headers are too large.";
            case 403 -> "The request is not allowed.";
            case 505 -> "Only HTTP/1.1 is supported.";
            default -> status.code() >= 500 ? "The server could not handle this request; try again."
                    : "The request was refused (" + status.code() + ").";
        };
    }
}

package io.bess.wsms.web;

import io.bess.wsms.hub.FrameEncoder;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * An HTTP error answer with the protocol's JSON body {@code {"error":{"code":"...","message":"..."}}}.
 *
 * @param status  HTTP status
 * @param code    machine-readable code
 * @param message one sentence for a person
 */
record ApiError(Status status, String code, String message) {
    static ApiError badRequest(String message) {
        return new ApiError(Status.BAD_REQUEST_400, "bad_request", message);
    }

    static ApiError unavailable(String code, String message) {
        return new ApiError(Status.SERVICE_UNAVAILABLE_503, code, message);
    }

    /** The body. */
    String json() {
        return FrameEncoder.error(code, message);
    }

    /** Sends this error as the response. */
    void send(ServerResponse response) {
        response.status(status)
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .send(json());
    }
}

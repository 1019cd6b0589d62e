package io.bess.wsms.web;

import java.util.Optional;

import io.bess.wsms.auth.Identity;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;

/**
 * The upgrade gate's answer: a refusal, or the identity the client connects with and how its token came.
 *
 * @param refusal  the error to answer with, empty when the upgrade may proceed
 * @param identity who the client is; {@code null} when refused before the token was found good
 * @param token    the presented token, if any
 */
record Admission(Optional<ApiError> refusal, Identity identity, Optional<PresentedToken> token) {
    /** Whether the upgrade is refused. */
    boolean refused() {
        return refusal.isPresent();
    }

    /** How the token came, for the audit trail: header, subprotocol, query, or none. */
    String via() {
        return token.map(t -> t.carrier().label()).orElse("none");
    }

    /**
     * Headers for the 101 answer: {@code Sec-WebSocket-Protocol: bearer} when the token came as a subprotocol
     * (a client that offers subprotocols must get one of them back, or it fails the handshake).
     */
    Optional<Headers> upgradeHeaders() {
        if (token.isEmpty() || token.get().carrier() != PresentedToken.Carrier.SUBPROTOCOL) {
            return Optional.empty();
        }
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.set(PresentedToken.SUBPROTOCOL, PresentedToken.BEARER_PROTOCOL);
        return Optional.of(headers);
    }
}

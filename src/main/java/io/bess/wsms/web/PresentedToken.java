package io.bess.wsms.web;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

/**
 * The token a client presented, and how: {@code Authorization: Bearer <token>}, the WebSocket subprotocol pair
 * {@code Sec-WebSocket-Protocol: bearer, <token>} (the way browsers can, since they cannot set headers on a
 * WebSocket), or {@code ?token=<token>} (kept for old clients: URLs end up in logs and browser history). The
 * first of these that is present wins.
 *
 * @param value   the token
 * @param carrier how it came
 */
record PresentedToken(String value, Carrier carrier) {
    /** The subprotocol header. */
    static final HeaderName SUBPROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");
    /** The subprotocol a client offers before its token, and the one the server answers with. */
    static final String BEARER_PROTOCOL = "bearer";

    /** How a token came. */
    enum Carrier {
        /** {@code Authorization: Bearer}. */
        HEADER,
        /** {@code Sec-WebSocket-Protocol: bearer, <token>}. */
        SUBPROTOCOL,
        /** {@code ?token=}. */
        QUERY;

        /** Lower-case name for the audit trail. */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Never the token itself: this record may end up in a log line by mistake. */
    @Override
    public String toString() {
        return "PresentedToken[" + carrier + "]";
    }

    /**
     * Finds the token of a request.
     *
     * @param headers request headers
     * @param query   request query
     * @return the token, if the client presented one
     */
    static Optional<PresentedToken> of(Headers headers, UriQuery query) {
        Optional<String> bearer = headers.first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim());
        if (bearer.isPresent()) {
            return Optional.of(new PresentedToken(bearer.get(), Carrier.HEADER));
        }
        Optional<String> offered = subprotocolToken(headers);
        if (offered.isPresent()) {
            return Optional.of(new PresentedToken(offered.get(), Carrier.SUBPROTOCOL));
        }
        return query.first("token").asOptional().map(t -> new PresentedToken(t, Carrier.QUERY));
    }

    /** The item after {@code bearer} in the offered subprotocols, which may span several header lines. */
    private static Optional<String> subprotocolToken(Headers headers) {
        if (!headers.contains(SUBPROTOCOL)) {
            return Optional.empty();
        }
        List<String> offered = headers.all(SUBPROTOCOL, List::of).stream()
                .flatMap(line -> Arrays.stream(line.split(",")))
                .map(String::trim)
                .toList();
        int at = offered.indexOf(BEARER_PROTOCOL);
        return at < 0 || at + 1 >= offered.size() ? Optional.empty() : Optional.of(offered.get(at + 1));
    }
}

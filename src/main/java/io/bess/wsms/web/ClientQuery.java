package io.bess.wsms.web;

import java.util.List;

import io.bess.wsms.hub.Selection;
import io.helidon.common.uri.UriQuery;

/**
 * What a client asks for in its URL, on {@code /ws} and {@code /sse} alike: {@code batteries=1,2} (none: every
 * battery) and {@code max_rate=N} (none or 0: no cap).
 *
 * @param selection the batteries it wants
 * @param maxRate   most states per second per battery, {@link MaxRate#NONE} for no cap
 */
record ClientQuery(Selection selection, double maxRate) {
    /**
     * Parses the query.
     *
     * @param query        the request's query
     * @param maxBatteries most ids a client may select
     * @return what the client asks for
     * @throws BadRequestException with a sentence the client can act on
     */
    static ClientQuery parse(UriQuery query, int maxBatteries) throws BadRequestException {
        List<String> batteries = query.all("batteries", List::of);
        Selection selection = batteries.isEmpty() ? Selection.EVERY_BATTERY
                : Selection.of(BatteryIds.fromQuery(batteries, maxBatteries));
        return new ClientQuery(selection, MaxRate.fromQuery(query.all("max_rate", List::of)));
    }
}

package io.bess.wsms.web;

import java.util.List;

import io.bess.wsms.auth.Identity;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/**
 * The frames identity adds to the protocol: the {@code forbidden} error (ids outside the token's permission, the
 * connection stays open) and the notice that a refreshed token's permissions are in force. Rare frames, built with
 * JSON-P rather than on the fan-out's encoder.
 */
final class AuthFrames {
    private AuthFrames() {
    }

    /**
     * {@code {"error":{"code":"forbidden","message":"...","batteries":[...]}}}.
     *
     * @param batteries   the forbidden ids, ascending
     * @param consequence a sentence on what happens now, may be empty
     * @return the frame
     */
    static String forbidden(List<Integer> batteries, String consequence) {
        String what = batteries.size() == 1 ? "battery " + batteries.getFirst()
                : batteries.size() + " of the batteries asked for";
        return Json.createObjectBuilder()
                .add("error", Json.createObjectBuilder()
                        .add("code", "forbidden")
                        .add("message", ("Your token does not permit " + what + ". " + consequence).strip())
                        .add("batteries", ids(batteries)))
                .build().toString();
    }

    /**
     * {@code {"notice":{"code":"token_refreshed","message":"...","batteries":"1-3,7","expires":...,"removed":[...]}}}:
     * the one frame a client gets when its new token is in force.
     *
     * @param next    the identity of the new token
     * @param removed ids that left the client's selection because the new token does not permit them, ascending
     * @return the frame
     */
    static String refreshed(Identity next, List<Integer> removed) {
        JsonObjectBuilder notice = Json.createObjectBuilder()
                .add("code", "token_refreshed")
                .add("message", removed.isEmpty() ? "The new token is in force."
                        : "The new token is in force; it does not permit " + removed.size() + " of the batteries"
                                + " you watched, which are no longer sent.")
                .add("batteries", next.permissions().toString());
        next.expiry().ifPresent(exp -> notice.add("expires", exp.getEpochSecond()));
        notice.add("removed", ids(removed));
        return Json.createObjectBuilder().add("notice", notice).build().toString();
    }

    private static JsonArrayBuilder ids(List<Integer> batteries) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        batteries.forEach(array::add);
        return array;
    }
}

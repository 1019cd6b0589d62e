package io.bess.wsms.web;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/** A text command from a client: subscribe, unsubscribe, snapshot, throttle or auth (a new token). */
sealed interface ClientCommand {
    /**
     * Adds batteries; answered with a snapshot of them.
     *
     * @param batteries ids
     */
    record Subscribe(Set<Integer> batteries) implements ClientCommand {
    }

    /**
     * Removes batteries.
     *
     * @param batteries ids
     */
    record Unsubscribe(Set<Integer> batteries) implements ClientCommand {
    }

    /** Asks for a snapshot of the whole selection. */
    record Snapshot() implements ClientCommand {
    }

    /**
     * Sets, changes or removes the client's rate cap.
     *
     * @param maxRate most states per second per battery, {@link MaxRate#NONE} for no cap
     */
    record Throttle(double maxRate) implements ClientCommand {
    }

    /**
     * Replaces the connection's token before it expires.
     *
     * @param token the new access token
     */
    record Auth(String token) implements ClientCommand {
        /** Never the token itself. */
        @Override
        public String toString() {
            return "Auth[token hidden]";
        }
    }

    /**
     * Parses one frame.
     *
     * @param text       the frame
     * @param maxBatteries most ids in one command
     * @return the command
     * @throws BadRequestException with a sentence the client can act on
     */
    static ClientCommand parse(String text, int maxBatteries) throws BadRequestException {
        JsonObject object;
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new BadRequestException(usage("a frame must be one JSON object"));
            }
            object = value.asJsonObject();
        } catch (JsonException | IllegalStateException e) {
            throw new BadRequestException(usage("the frame is not valid JSON"));
        } catch (RuntimeException e) {
            // Parsson refuses input nested deeper than 1000 levels with a plain RuntimeException
            throw new BadRequestException(usage("the frame is not a usable JSON object (" + BatteryIds.shorten(
                    String.valueOf(e.getMessage())) + ")"));
        }
        JsonValue action = object.get("action");
        if (action == null || action.getValueType() != JsonValue.ValueType.STRING) {
            throw new BadRequestException(usage("\"action\" is missing or not a string"));
        }
        String name = object.getString("action");
        return switch (name) {
            case "subscribe" -> new Subscribe(batteries(object, maxBatteries));
            case "unsubscribe" -> new Unsubscribe(batteries(object, maxBatteries));
            case "snapshot" -> new Snapshot();
            case "throttle" -> new Throttle(MaxRate.fromJson(object.get("max_rate")));
            case "auth" -> new Auth(token(object));
            default -> throw new BadRequestException(usage("unknown action '" + BatteryIds.shorten(name) + "'"));
        };
    }

    private static Set<Integer> batteries(JsonObject object, int max) throws BadRequestException {
        JsonValue value = object.get("batteries");
        if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new BadRequestException(usage("\"batteries\" must be an array of battery ids"));
        }
        List<Long> ids = new ArrayList<>();
        for (JsonValue item : value.asJsonArray()) {
            if (item.getValueType() != JsonValue.ValueType.NUMBER || !((JsonNumber) item).isIntegral()) {
                throw new BadRequestException(usage("\"batteries\" must hold integers only"));
            }
            JsonNumber number = (JsonNumber) item;
            if (number.bigIntegerValue().bitLength() > 62) {
                throw new BadRequestException("battery id " + BatteryIds.shorten(number.toString())
                                                      + " is too large.");
            }
            ids.add(number.longValue());
            if (ids.size() > max) {
                throw new BadRequestException("too many battery ids: at most " + max + " per client.");
            }
        }
        return BatteryIds.fromNumbers(ids, max);
    }

    private static String token(JsonObject object) throws BadRequestException {
        JsonValue value = object.get("token");
        if (value == null || value.getValueType() != JsonValue.ValueType.STRING || object.getString("token").isBlank()) {
            throw new BadRequestException("\"token\" must be the new access token, as a string;"
                                                  + " send {\"action\":\"auth\",\"token\":\"<token>\"}.");
        }
        return object.getString("token");
    }

    private static String usage(String problem) {
        return problem + "; send {\"action\":\"subscribe\",\"batteries\":[1,2]},"
                + " {\"action\":\"unsubscribe\",\"batteries\":[1]}, {\"action\":\"snapshot\"},"
                + " {\"action\":\"throttle\",\"max_rate\":0.5} or {\"action\":\"auth\",\"token\":\"<token>\"}.";
    }
}

package io.bess.wsms.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * What a WebSocket client has been told of each battery: the last state of every battery in the frames it read
 * (snapshots and updates alike), for checking that it converged on Redis's state.
 */
public final class ClientView {
    private static final Pattern KEY = Pattern.compile("battery:(\\d+):data");

    private final WsTestClient client;
    private final Map<Integer, JsonObject> latest = new HashMap<>();
    private int snapshots;

    /**
     * Watches a client from now on; frames it received before and nobody took count too.
     *
     * @param client the client
     */
    public ClientView(WsTestClient client) {
        this.client = client;
    }

    /**
     * Reads the frames received since the last call.
     *
     * @return this view
     */
    public synchronized ClientView update() {
        for (String text : client.drain()) {
            JsonObject frame = WsTestClient.parse(text);
            if (frame.containsKey("error")) {
                continue;
            }
            boolean snapshot = frame.isEmpty() || frame.values().stream()
                    .noneMatch(v -> v.asJsonObject().containsKey("ws_timestamp"));
            snapshots += snapshot ? 1 : 0;
            for (Map.Entry<String, JsonValue> member : frame.entrySet()) {
                Matcher m = KEY.matcher(member.getKey());
                if (m.matches()) {
                    latest.put(Integer.parseInt(m.group(1)), member.getValue().asJsonObject());
                }
            }
        }
        return this;
    }

    /** Snapshot frames read so far (the first one included). */
    public synchronized int snapshots() {
        return snapshots;
    }

    /**
     * Where the client's last states differ from Redis's hashes: every field of the hash must be in the client's
     * last state of the battery, with the same value.
     *
     * @param redis battery to its hash in Redis, for the batteries the client should have
     * @return one line per battery that differs, empty when the client holds exactly Redis's state
     */
    public synchronized List<String> differences(Map<Integer, Map<String, String>> redis) {
        update();
        List<String> differences = new ArrayList<>();
        redis.forEach((battery, fields) -> {
            JsonObject seen = latest.get(battery);
            if (seen == null) {
                differences.add("battery " + battery + ": never received");
                return;
            }
            fields.forEach((field, value) -> {
                JsonValue shown = seen.get(field);
                if (shown == null || !shown.toString().equals(value)) {
                    differences.add("battery " + battery + ": " + field + " is " + shown + ", Redis has " + value);
                }
            });
        });
        return differences;
    }
}

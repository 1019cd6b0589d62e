package io.bess.wsms.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * What one WebSocket client holds: the last state it received of each battery, from snapshot and update frames
 * alike, as the hash fields the pipeline wrote (the server's own members {@code ws_timestamp}, {@code latency_ms}
 * and {@code stale} left out), so that it can be compared with the hashes in Redis.
 */
public final class HeldStates {
    private static final Set<String> SERVER_MEMBERS = Set.of("ws_timestamp", "latency_ms", "stale");

    private final String name;
    private final WsTestClient client;
    private final Set<Integer> watched;
    private final Map<Integer, Map<String, String>> held = new HashMap<>();
    private int frames;

    /**
     * Tracks a connected client from its next frame on (normally its snapshot).
     *
     * @param name    for messages, e.g. its query
     * @param client  the client
     * @param watched the batteries it selected; empty for every battery
     */
    public HeldStates(String name, WsTestClient client, Set<Integer> watched) {
        this.name = name;
        this.client = client;
        this.watched = Set.copyOf(watched);
    }

    /** The client. */
    public WsTestClient client() {
        return client;
    }

    /** Frames taken in so far. */
    public synchronized int frames() {
        return frames;
    }

    /** Takes in every frame the client has received since the last call, without waiting. */
    public synchronized void absorb() {
        for (String text : client.drain()) {
            frames++;
            JsonObject frame = WsTestClient.parse(text);
            for (Map.Entry<String, JsonValue> member : frame.entrySet()) {
                String[] key = member.getKey().split(":");
                if (key.length == 3 && key[0].equals("battery") && key[2].equals("data")
                        && member.getValue().getValueType() == JsonValue.ValueType.OBJECT) {
                    held.put(Integer.parseInt(key[1]), fields(member.getValue().asJsonObject()));
                }
            }
        }
    }

    /**
     * Where this client differs from Redis, after taking in what it has received.
     *
     * @param redis the hashes in Redis, by battery id
     * @return one line per watched battery whose held state is not the one in Redis; empty when it has converged
     */
    public synchronized List<String> differences(Map<Integer, Map<String, String>> redis) {
        absorb();
        List<String> out = new ArrayList<>();
        redis.forEach((battery, fields) -> {
            if (!watched.isEmpty() && !watched.contains(battery)) {
                return;
            }
            Map<String, String> mine = held.get(battery);
            if (!fields.equals(mine)) {
                out.add(name + ": battery " + battery + " holds " + mine + ", Redis has " + fields);
            }
        });
        return out;
    }

    private static Map<String, String> fields(JsonObject data) {
        Map<String, String> fields = new HashMap<>();
        for (Map.Entry<String, JsonValue> field : data.entrySet()) {
            if (SERVER_MEMBERS.contains(field.getKey())) {
                continue;
            }
            JsonValue value = field.getValue();
            fields.put(field.getKey(), switch (value.getValueType()) {
                case NUMBER -> ((JsonNumber) value).toString();
                case STRING -> ((JsonString) value).getString();
                default -> value.toString();
            });
        }
        return fields;
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.bess.wsms.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * A WebSocket client (on a plain socket: {@link RawWsClient}, read by a virtual thread of its own that answers
 * pings) and what it holds: the last state it received of each battery, from snapshot and update frames alike, as
 * the hash fields the pipeline wrote (the server's own members {@code ws_timestamp}, {@code latency_ms} and
 * {@code stale} left out), so that it can be compared with the hashes in Redis. Not the JDK's client: under a steady
 * stream of frames it failed now and then with "Invalid UTF-8 in frame TEXT" on streams that plain-socket readers
 * of the same server found valid, which would make "no client was disconnected" flaky.
 */
public final class HeldStates implements AutoCloseable {
    private static final Set<String> SERVER_MEMBERS = Set.of("ws_timestamp", "latency_ms", "stale");

    private final String name;
    private final RawWsClient client;
    private final Set<Integer> watched;
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final Map<Integer, Map<String, String>> held = new HashMap<>();
    private volatile String ended;
    private volatile boolean closing;
    private int frames;

    private HeldStates(String name, RawWsClient client, Set<Integer> watched) {
        this.name = name;
        this.client = client;
        this.watched = Set.copyOf(watched);
        Thread.ofVirtual().name("held-states-reader").start(this::read);
    }

    /**
     * Connects a client and starts tracking it.
     *
     * @param port    the service's port
     * @param query   the upgrade's query, without '?' (empty for every battery)
     * @param name    for messages
     * @param watched the batteries the query selects; empty for every battery
     * @return the tracked client
     * @throws IOException when the connection fails or the upgrade is refused
     */
    public static HeldStates connect(int port, String query, String name, Set<Integer> watched) throws IOException {
        RawWsClient client = RawWsClient.connect(port, query.isEmpty() ? "/ws" : "/ws?" + query, 0);
        if (client.status() != 101) {
            client.close();
            throw new IOException(name + ": upgrade answered " + client.status());
        }
        // quiet spells (no publish for a while) are no reason to stop reading
        client.socket().setSoTimeout(0);
        return new HeldStates(name, client, watched);
    }

    /** How the connection ended, when the server (not the test) ended it; null while it is open. */
    public String ended() {
        return ended;
    }

    private void read() {
        try {
            while (true) {
                RawWsClient.RawFrame frame = client.read();
                switch (frame.opcode()) {
                    case 1 -> texts.add(frame.text());
                    case 9 -> client.sendFrame(10, frame.payload());
                    case 8 -> {
                        ended = "close frame " + frame.closeCode();
                        return;
                    }
                    default -> {
                        // pongs and anything else carry no state
                    }
                }
            }
        } catch (IOException e) {
            if (!closing) {
                ended = e.toString();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        client.close();
    }

    /** Frames taken in so far. */
    public synchronized int frames() {
        return frames;
    }

    /** Takes in every frame the client has received since the last call, without waiting. */
    public synchronized void absorb() {
        List<String> arrived = new ArrayList<>();
        texts.drainTo(arrived);
        for (String text : arrived) {
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
                out.add(name + ": battery " + battery + " holds " + brief(mine) + ", Redis has " + brief(fields));
            }
        });
        return out;
    }

    /** A state for a message: long values (a filler field) by their length only. */
    private static String brief(Map<String, String> fields) {
        if (fields == null) {
            return "nothing";
        }
        Map<String, String> shown = new java.util.TreeMap<>();
        fields.forEach((key, value) -> shown.put(key, value.length() > 40 ? "<" + value.length() + " chars>" : value));
        return shown.toString();
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

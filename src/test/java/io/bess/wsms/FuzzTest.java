package io.bess.wsms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.bess.wsms.RedisOutageTest.assertIsUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 3, point 3: a few thousand random frames (valid, malformed, protocol-breaking) and random query strings,
 * from a fixed seed so that a failure can be replayed, thrown at a live server; afterwards every fuzzing connection
 * is gone and a normal client still gets exactly the right updates.
 */
class FuzzTest {
    private static final long SEED = 20261128L;
    private static final int FRAMES = 3000;
    private static final int QUERIES = 1000;
    private static final String[] WORDS = {"{", "}", "[", "]", ",", ":", "\"", "\"action\"", "\"subscribe\"",
        "\"unsubscribe\"", "\"snapshot\"", "\"batteries\"", "1", "-1", "0", "2147483648", "1e9", "1.5", "null", "true",
        " ", "\\u0000", "\u00e9", "\ud83d\ude00", "\\", "9999999999999999999999"};

    @Test
    void randomFramesAndQueriesLeaveTheServerServingNormalClientsCorrectly() throws Exception {
        Random random = new Random(SEED);
        try (TestRedis redis = TestRedis.start()) {
            Map<String, String> config = new HashMap<>(redis.settings());
            // connections the fuzzer drops without a close frame are found by the next ping that fails
            config.put("ws.ping-interval", "500ms");
            try (ServiceFixture service = ServiceFixture.start(config)) {
                for (int b = 1; b <= 5; b++) {
                    redis.write(b, TestRedis.reading(1000 + b, b));
                }
                Map<String, Integer> outcomes = new TreeMap<>();
                int sent = 0;
                while (sent < FRAMES) {
                    sent += fuzzOneConnection(service.port(), random, outcomes);
                }
                Map<String, Integer> statuses = new TreeMap<>();
                for (int i = 0; i < QUERIES; i++) {
                    String query = randomQuery(random);
                    RawUpgrade answer = RawUpgrade.send(service.port(), "/ws?" + query, Map.of());
                    statuses.merge(answer.status() + (answer.head().toLowerCase().contains("application/json")
                            ? " json" : " other"), 1, Integer::sum);
                    String what = query.length() > 200 ? query.substring(0, 200) + "... (" + query.length()
                            + " chars)" : query;
                    if (query.length() > 32 * 1024 - 100) {
                        // beyond the longest request line the server reads (32 KiB): Helidon's own 414
                        assertThat(answer.status()).as(what).isIn(400, 414);
                        assertThat(answer.head().toLowerCase()).as(what).contains("application/json");
                        continue;
                    }
                    assertThat(answer.status()).as(what).isIn(101, 400);
                    assertThat(answer.body()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
                    if (answer.status() == 400) {
                        assertThat(answer.isJsonError("bad_request")).as(what + " -> " + answer.body()).isTrue();
                        assertThat(answer.message()).as(what).isNotBlank().hasSizeLessThan(300);
                    }
                }

                // every fuzzing connection has been let go of
                await().atMost(Duration.ofSeconds(10)).until(() -> service.service().hub().size() == 0);

                try (WsTestClient client = WsTestClient.connect(service.ws("batteries=2,4"))) {
                    JsonObject snapshot = client.nextJson();
                    assertThat(snapshot.keySet()).containsExactlyInAnyOrder("battery:2:data", "battery:4:data");
                    long ts = System.currentTimeMillis();
                    for (int i = 1; i <= 20; i++) {
                        redis.write(1 + (i % 5), TestRedis.reading(ts + i, 100 + i));
                    }
                    // per battery in order (conflation may skip a state, never reorder); only batteries 2 and 4;
                    // the channels are independent, so the two batteries interleave freely
                    Map<Integer, Integer> last = new HashMap<>(Map.of(2, 0, 4, 0));
                    while (last.get(2) != 116 || last.get(4) != 118) {
                        JsonObject frame = client.nextJson();
                        int battery = frame.containsKey("battery:2:data") ? 2 : 4;
                        int voltage = frame.getJsonObject("battery:" + battery + ":data").getInt("voltage");
                        assertIsUpdate(frame, battery, voltage);
                        assertThat(voltage).isGreaterThan(last.get(battery));
                        assertThat((voltage - 100) % 5).isEqualTo(battery - 1);
                        last.put(battery, voltage);
                    }
                    assertThat(client.drain()).isEmpty();
                }
                System.out.println("fuzz (seed " + SEED + "): " + sent + " frames, what the server did with each"
                        + " connection: " + outcomes + "; " + QUERIES + " random queries answered " + statuses);
            }
        }
    }

    /** One connection: a few random frames, then gone one way or another. Returns the number of frames sent. */
    private static int fuzzOneConnection(int port, Random random, Map<String, Integer> outcomes) throws IOException {
        String query = random.nextInt(4) == 0 ? "?batteries=" + (1 + random.nextInt(5)) : "";
        RawWsClient client = RawWsClient.connect(port, "/ws" + query, 0);
        assertThat(client.status()).isEqualTo(101);
        Socket socket = client.socket();
        // drain whatever the server sends, so that it never blocks on us; remember how it ended
        int[] closeCode = {0};
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                closeCode[0] = client.readUntilClose();
            } catch (IOException e) {
                closeCode[0] = -1;
            }
        });
        int count = 1 + random.nextInt(40);
        int sent = 0;
        OutputStream out = socket.getOutputStream();
        try {
            for (int i = 0; i < count; i++) {
                out.write(randomFrame(random));
                out.flush();
                sent++;
            }
            switch (random.nextInt(4)) {
            case 0 -> out.write(RawWsClient.frame(true, 8, new byte[] {0x03, (byte) 0xe8}));
            case 1 -> {
                // a frame cut short
                byte[] frame = RawWsClient.frame(true, 1, "{\"action\":\"snapshot\"}".getBytes(
                        StandardCharsets.UTF_8));
                out.write(frame, 0, 1 + random.nextInt(frame.length - 1));
            }
            default -> {
                // nothing more: just vanish
            }
            }
            out.flush();
        } catch (IOException e) {
            // the server closed this connection: a fine answer to garbage
        }
        if (random.nextBoolean()) {
            client.reset();
        } else {
            client.close();
        }
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outcomes.merge(closeCode[0] > 0 ? "closed " + closeCode[0] : "dropped", 1, Integer::sum);
        return Math.max(sent, 1);
    }

    private static byte[] randomFrame(Random random) throws IOException {
        int kind = random.nextInt(14);
        return switch (kind) {
            case 0, 1, 2 -> RawWsClient.frame(true, 1, randomCommand(random).getBytes(StandardCharsets.UTF_8));
            case 3, 4 -> RawWsClient.frame(true, 1, randomWords(random).getBytes(StandardCharsets.UTF_8));
            case 5 -> RawWsClient.frame(true, 1, randomBytes(random, 200));
            case 6 -> RawWsClient.frame(true, 2, randomBytes(random, 200));
            case 7 -> RawWsClient.frame(true, 9, randomBytes(random, 125));
            case 8 -> RawWsClient.frame(true, 10, randomBytes(random, 125));
            case 9 -> RawWsClient.frame(random.nextBoolean(), random.nextBoolean() ? 0 : 1,
                                             randomWords(random).getBytes(StandardCharsets.UTF_8));
            case 10 -> RawWsClient.frame(true, List.of(3, 4, 5, 6, 7, 11, 12, 13, 14, 15).get(random.nextInt(10)),
                                              randomBytes(random, 50));
            case 11 -> {
                // reserved bits set, or a control frame too long, or fragmented
                byte[] frame = RawWsClient.frame(random.nextBoolean(), 8 + random.nextInt(3),
                                                      randomBytes(random, 300));
                frame[0] |= (byte) (random.nextInt(8) << 4);
                yield frame;
            }
            case 12 -> unmasked(randomCommand(random).getBytes(StandardCharsets.UTF_8));
            default -> randomBytes(random, 64);
        };
    }

    private static String randomCommand(Random random) {
        String action = List.of("subscribe", "unsubscribe", "snapshot", "Subscribe", "").get(random.nextInt(5));
        StringBuilder ids = new StringBuilder();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            ids.append(i == 0 ? "" : ",").append(random.nextInt(10) == 0 ? -random.nextInt(5) : random.nextInt(8));
        }
        return "{\"action\":\"" + action + "\",\"batteries\":[" + ids + "]}";
    }

    private static String randomWords(Random random) {
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(60);
        for (int i = 0; i < n; i++) {
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random, int max) {
        byte[] bytes = new byte[random.nextInt(max + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] unmasked(byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(Math.min(payload.length, 125));
        frame.write(payload, 0, Math.min(payload.length, 125));
        return frame.toByteArray();
    }

    private static String randomQuery(Random random) {
        StringBuilder query = new StringBuilder();
        int params = 1 + random.nextInt(3);
        for (int p = 0; p < params; p++) {
            if (p > 0) {
                query.append('&');
            }
            query.append(List.of("batteries", "batteries", "batteries", "token", "x", "").get(random.nextInt(6)));
            query.append(random.nextInt(8) == 0 ? "" : "=");
            int items = random.nextInt(random.nextInt(10) == 0 ? 3000 : 6);
            for (int i = 0; i < items; i++) {
                if (i > 0) {
                    query.append(List.of(",", ",", ",", ",,", "%2C", ";", "%20").get(random.nextInt(7)));
                }
                query.append(switch (random.nextInt(12)) {
                    case 0 -> "-" + random.nextInt(100);
                    case 1 -> Long.toString(random.nextLong() & Long.MAX_VALUE);
                    case 2 -> "%" + String.format("%02X", random.nextInt(256));
                    case 3 -> "%C3%A9";
                    case 4 -> "%F0%9F%98%80";
                    case 5 -> "abc";
                    case 6 -> "%00";
                    case 7 -> "1" + "0".repeat(random.nextInt(20));
                    default -> Integer.toString(random.nextInt(50));
                });
            }
        }
        return query.toString();
    }
}

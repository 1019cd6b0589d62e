package io.bess.wsms;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static io.bess.wsms.RedisOutageTest.assertIsSnapshot;
import static io.bess.wsms.RedisOutageTest.assertIsUpdate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3, point 3: oversized and binary frames close only their sender (1009, 1003), garbage commands get error
 * frames without harming anyone, bad query strings get 400 with a clear message, and odd Redis contents never
 * kill a channel's subscriber.
 */
class HostileInputTest {
    private static final int MAX_FRAME = 64 * 1024;
    @RegisterExtension
    // the parser is the subject here, not the rate limit (CommandLimitsTest): garbage floods are all handled
    static final LiveService LIVE = new LiveService(Map.of("ws.max-commands-per-second", "100000"));

    @Test
    void textFrameOverMaxFrameBytesClosesThatClientWith1009AndNoOneElse() throws Exception {
        try (WsTestClient bystander = WsTestClient.connect(LIVE.service().ws("batteries=21"));
             RawWsClient raw = RawWsClient.connect(LIVE.service().port(), "/ws", 0)) {
            bystander.next();
            raw.readText();
            raw.sendText("x".repeat(MAX_FRAME + 1));
            assertThat(raw.readUntilClose()).isEqualTo(1009);
            assertBystanderStillServed(bystander, 21);
        }
    }

    @Test
    void fragmentedMessageOverMaxFrameBytesClosesWith1009() throws Exception {
        try (RawWsClient raw = RawWsClient.connect(LIVE.service().port(), "/ws", 0)) {
            raw.readText();
            byte[] part = "{\"action\":\"snapshot\"".concat(" ".repeat(40_000)).getBytes(StandardCharsets.UTF_8);
            OutputStream out = raw.socket().getOutputStream();
            out.write(RawWsClient.frame(false, 1, part));
            out.write(RawWsClient.frame(false, 0, part));
            out.write(RawWsClient.frame(true, 0, "}".getBytes(StandardCharsets.UTF_8)));
            out.flush();
            assertThat(raw.readUntilClose()).isEqualTo(1009);
        }
    }

    @Test
    void fragmentedMessageUnderTheLimitIsAssembledAndAnswered() throws Exception {
        try (RawWsClient raw = RawWsClient.connect(LIVE.service().port(), "/ws", 0)) {
            raw.readText();
            OutputStream out = raw.socket().getOutputStream();
            out.write(RawWsClient.frame(false, 1, "{\"action\":".getBytes(StandardCharsets.UTF_8)));
            out.write(RawWsClient.frame(true, 0, "\"snapshot\"}".getBytes(StandardCharsets.UTF_8)));
            out.flush();
            assertIsSnapshot(WsTestClient.parse(raw.readText()));
        }
    }

    @Test
    void frameHeaderClaimingAnEnormousLengthIsRefusedWithoutHarm() throws Exception {
        try (WsTestClient bystander = WsTestClient.connect(LIVE.service().ws("batteries=22"));
             RawWsClient raw = RawWsClient.connect(LIVE.service().port(), "/ws", 0)) {
            bystander.next();
            raw.readText();
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.write(0x81);
            header.write(0x80 | 127);
            long claimed = 1L << 62;
            for (int shift = 56; shift >= 0; shift -= 8) {
                header.write((int) (claimed >>> shift));
            }
            header.write(new byte[] {1, 2, 3, 4});
            raw.socket().getOutputStream().write(header.toByteArray());
            raw.socket().getOutputStream().flush();
            assertThat(raw.readUntilClose()).isIn(1009, -1);
            assertBystanderStillServed(bystander, 22);
        }
    }

    @Test
    void binaryFrameClosesThatClientWith1003() throws Exception {
        try (RawWsClient raw = RawWsClient.connect(LIVE.service().port(), "/ws", 0)) {
            raw.readText();
            raw.sendFrame(2, new byte[] {1, 2, 3, 4, 5});
            assertThat(raw.readUntilClose()).isEqualTo(1003);
        }
    }

    @Test
    void floodOfGarbageCommandsGetsErrorFramesAndLeavesOtherClientsUntouched() throws Exception {
        List<String> garbage = List.of("", "hello", "{", "[]", "null", "42", "{\"action\":1}",
                                       "{\"action\":\"subscribe\"}", "{\"action\":\"subscribe\",\"batteries\":\"1\"}",
                                       "{\"action\":\"subscribe\",\"batteries\":[-1]}",
                                       "{\"action\":\"subscribe\",\"batteries\":[1.5]}",
                                       "{\"action\":\"subscribe\",\"batteries\":[1e300]}",
                                       "{\"action\":\"subscribe\",\"batteries\":[99999999999999999999999999]}",
                                       "{\"action\":\"explode\"}", "{\"action\":\"\u00e9\u0000\u202e\"}",
                                       "{\"action\":\"subscribe\",\"batteries\":[" + IntStream.range(0, 2000)
                                               .mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}",
                                       "\"" + "\\u0000".repeat(500) + "\"", "[".repeat(5000));
        int sent = 5000;
        try (WsTestClient bystander = WsTestClient.connect(LIVE.service().ws("batteries=23"));
             WsTestClient flooder = WsTestClient.connect(LIVE.service().ws("batteries=24"))) {
            bystander.next();
            flooder.next();
            Thread writer = Thread.ofVirtual().start(() -> {
                long ts = System.currentTimeMillis();
                for (int i = 1; i <= 200; i++) {
                    LIVE.redis().write(23, TestRedis.reading(ts + i, i));
                }
            });
            for (int i = 0; i < sent; i++) {
                flooder.send(garbage.get(i % garbage.size()));
            }
            writer.join();
            // the bystander gets every state in order up to the last one
            int last = 0;
            while (last < 200) {
                JsonObject frame = bystander.nextJson();
                int voltage = frame.getJsonObject("battery:23:data").getInt("voltage");
                assertThat(voltage).isGreaterThan(last);
                last = voltage;
            }
            // the flooder is still connected and served; what it got were error frames only
            flooder.send("{\"action\":\"snapshot\"}");
            List<String> errors = new ArrayList<>();
            JsonObject answer;
            while (true) {
                answer = flooder.nextJson();
                if (!answer.containsKey("error")) {
                    break;
                }
                assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("bad_request");
                assertThat(answer.getJsonObject("error").getString("message")).isNotBlank().hasSizeLessThan(300);
                errors.add(answer.toString());
            }
            assertIsSnapshot(answer);
            assertThat(errors.size()).isBetween(1, sent);
            assertThat(flooder.isClosed()).isFalse();
            System.out.println("garbage flood: " + sent + " bad frames sent, " + errors.size()
                    + " error frames received, the bystander got all 200 updates in order");
        }
    }

    @Test
    void floodFromAClientThatNeverReadsCostsOnlyThatClient() throws Exception {
        try (WsTestClient bystander = WsTestClient.connect(LIVE.service().ws("batteries=25"));
             RawWsClient raw = RawWsClient.connect(LIVE.service().port(), "/ws?batteries=25", 1024)) {
            bystander.next();
            byte[] bad = "{\"action\":\"nope\"}".getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                burst.write(RawWsClient.frame(true, 1, bad));
            }
            byte[] bytes = burst.toByteArray();
            for (int i = 0; i < 20; i++) {
                raw.socket().getOutputStream().write(bytes);
            }
            raw.socket().getOutputStream().flush();
            assertBystanderStillServed(bystander, 25);
        }
    }

    @Test
    void queryStringsWithBadIdsAreRefusedWith400AndAClearMessage() throws Exception {
        String thousands = IntStream.range(0, 2000).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("batteries=" + thousands, "too many battery ids");
        cases.put("batteries=5000&batteries=" + thousands, "too many battery ids");
        cases.put("batteries=99999999999", "too large");
        cases.put("batteries=2147483648", "too large");
        cases.put("batteries=" + "9".repeat(500), "too large");
        cases.put("batteries=-1", "negative");
        cases.put("batteries=1,-7,3", "negative");
        cases.put("batteries=1,2,1", "listed twice");
        cases.put("batteries=4&batteries=4", "listed twice");
        cases.put("batteries=%C3%A9", "not a number");
        cases.put("batteries=%D9%A1", "not a number");
        cases.put("batteries=1,%E2%80%AE2", "not a number");
        cases.put("batteries=%00", "not a number");
        cases.put("batteries=0x10", "not a number");
        cases.put("batteries=1e3", "not a number");
        cases.put("batteries=1.0", "not a number");
        cases.put("batteries=", "empty");
        cases.put("batteries=1,,2", "empty item");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            RawUpgrade answer = RawUpgrade.send(LIVE.service().port(), "/ws?" + c.getKey(), Map.of());
            String what = c.getKey().length() > 60 ? c.getKey().substring(0, 60) + "..." : c.getKey();
            assertThat(answer.status()).as(what).isEqualTo(400);
            assertThat(answer.isJsonError("bad_request")).as(what + " -> " + answer.body()).isTrue();
            assertThat(answer.message()).as(what).contains(c.getValue()).hasSizeLessThan(300);
        }
    }

    @Test
    void requestLineWithRawNonAsciiBytesIsRefusedWith400() throws Exception {
        byte[] target = "/ws?batteries=\u00e9\u4e2d".getBytes(StandardCharsets.UTF_8);
        RawUpgrade answer = RawUpgrade.send(LIVE.service().port(), target, Map.of());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isJsonError("bad_request")).as(answer.head() + answer.body()).isTrue();
        assertThat(answer.message()).contains("percent-encoded");
        System.out.println("raw non-ASCII request line: " + answer.status() + " " + answer.body());
    }

    @Test
    void requestLineLongerThanTheServerReadsIsRefusedWithJson() throws Exception {
        String query = "batteries=" + IntStream.range(0, 10_000).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
        RawUpgrade answer = RawUpgrade.send(LIVE.service().port(), "/ws?" + query, Map.of());
        assertThat(answer.status()).isIn(400, 414);
        assertThat(answer.head().toLowerCase()).contains("application/json");
        assertThat(answer.message()).isNotBlank().hasSizeLessThan(300);
        System.out.println("request line of " + query.length() + " chars: " + answer.status() + " " + answer.body());
    }

    @Test
    void oddRedisContentsNeverKillTheSubscriber() throws Exception {
        int battery = 9;
        String key = "battery:" + battery + ":data";
        try (WsTestClient one = WsTestClient.connect(LIVE.service().ws("batteries=" + battery));
             WsTestClient all = WsTestClient.connect(LIVE.service().ws(""));
             Jedis jedis = LIVE.redis().jedis()) {
            one.next();
            all.next();
            long ts = System.currentTimeMillis();
            int voltage = 300;
            List<Runnable> oddities = List.of(
                    () -> jedis.del(key),
                    () -> jedis.hset(key, Map.of("timestamp", "soon", "voltage", "high", "current", "")),
                    () -> jedis.hset(key, Map.of("timestamp", "99999999999999999999999999")),
                    () -> jedis.hset(key, Map.of("huge", "x".repeat(1024 * 1024))),
                    () -> jedis.hset(key, Map.of("we\"ird\\ key\n\u0000", "\u202e\ud83d\ude00\u0001")),
                    () -> jedis.hset(key.getBytes(StandardCharsets.UTF_8), "raw".getBytes(StandardCharsets.UTF_8),
                                     new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3}),
                    () -> {
                        jedis.del(key);
                        jedis.set(key, "not a hash");
                    },
                    () -> {
                        jedis.del(key);
                        jedis.rpush(key, "a", "list");
                    },
                    () -> jedis.sadd("info:batteries:ids", "abc", "-5", "99999999999", "", " 7"));
            for (Runnable oddity : oddities) {
                oddity.run();
                jedis.publish(key, "updates");
                jedis.publish(key, "not the usual payload");
                // the very next normal write still arrives
                if (!"hash".equals(jedis.type(key)) && !"none".equals(jedis.type(key))) {
                    jedis.del(key);
                }
                voltage++;
                Map<String, String> fields = new HashMap<>(TestRedis.reading(ts + voltage, voltage));
                LIVE.redis().write(battery, fields);
                int expected = voltage;
                JsonObject update = one.awaitJson(j -> j.containsKey(key)
                        && j.getJsonObject(key).containsKey("ws_timestamp")
                        && j.getJsonObject(key).get("voltage").toString().equals(Integer.toString(expected)));
                assertIsUpdate(update, battery, expected);
                all.awaitJson(j -> j.containsKey(key)
                        && j.getJsonObject(key).get("voltage").toString().equals(Integer.toString(expected)));
            }
            assertThat(LIVE.redis().subscribers(battery)).isEqualTo(1);
            // a new client's snapshot is fine with a key of the wrong type in the fleet
            jedis.sadd("info:batteries:ids", "10");
            jedis.set("battery:10:data", "not a hash");
            try (WsTestClient late = WsTestClient.connect(LIVE.service().ws(""))) {
                JsonObject snapshot = late.nextJson();
                assertThat(snapshot.keySet()).contains(key).doesNotContain("battery:10:data");
            }
            jedis.del("battery:10:data");
        }
    }

    private static void assertBystanderStillServed(WsTestClient bystander, int battery) throws Exception {
        int voltage = ThreadLocalRandom.current().nextInt(1, 600);
        LIVE.redis().write(battery, TestRedis.reading(System.currentTimeMillis(), voltage));
        assertIsUpdate(bystander.awaitJson(j -> j.containsKey("battery:" + battery + ":data")), battery, voltage);
        assertThat(bystander.isClosed()).isFalse();
    }
}

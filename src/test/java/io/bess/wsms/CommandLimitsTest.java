package io.bess.wsms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.bess.wsms.observe.PrometheusText;
import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 3: whatever a client sends, what it costs the server is bounded. Commands are rate-limited per
 * connection; selections (included or excluded ids) and pending snapshots are bounded; ids that are not in the fleet
 * cost no Redis subscription; and through a storm of commands another client keeps getting its updates.
 */
class CommandLimitsTest {
    @RegisterExtension
    static final LiveService LIVE = new LiveService();
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final int FLEET = 8;

    @BeforeAll
    static void fleet() {
        for (int id = 1; id <= FLEET; id++) {
            LIVE.redis().write(id, TestRedis.reading(1_000 + id, 100 + id));
        }
    }

    @Test
    void aBurstPastTheLimitGetsRateLimitedErrorsAndTheConnectionStaysUsable() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws("batteries=1"))) {
            client.next();
            for (int i = 0; i < 100; i++) {
                client.send("{\"action\":\"snapshot\"}");
            }
            List<String> codes = new ArrayList<>();
            int snapshots = 0;
            long quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < quietUntil) {
                for (String text : client.drain()) {
                    JsonObject frame = WsTestClient.parse(text);
                    if (frame.containsKey("error")) {
                        codes.add(frame.getJsonObject("error").getString("code"));
                    } else {
                        snapshots++;
                    }
                }
                Thread.sleep(50);
            }
            assertThat(codes).isNotEmpty().containsOnly("rate_limited");
            assertThat(snapshots).as("at most the burst is served (merged snapshots count once)").isBetween(1, 41);
            // the bucket refills: the next command is served
            client.send("{\"action\":\"snapshot\"}");
            assertThat(client.nextJson()).containsKey("battery:1:data");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void tenSecondsOfCommandsPastTheLimitCloseTheConnectionWith1008() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws("batteries=1"))) {
            client.next();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!client.isClosed() && System.nanoTime() < deadline) {
                try {
                    client.send("{\"action\":\"snapshot\"}");
                } catch (Exception e) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(client.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void aClientOfEveryBatteryMayExcludeAtMostTheSelectionBound() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(null))) {
            client.next();
            client.send(unsubscribe(IntStream.range(1_000_000, 1_001_024)));
            client.send(unsubscribe(IntStream.of(2_000_000)));
            JsonObject error = client.awaitJson(j -> j.containsKey("error"));
            assertThat(error.getJsonObject("error").getString("code")).isEqualTo("bad_request");
            assertThat(error.getJsonObject("error").getString("message")).contains("at most 1024");
        }
    }

    @Test
    void idsNotInTheFleetCostNoRedisSubscriptionUntilTheyAppear() throws Exception {
        int unknown = 700_001;
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(null));
             WsTestClient selective = WsTestClient.connect(LIVE.service().ws("batteries=1"))) {
            client.next();
            selective.next();
            selective.send("{\"action\":\"subscribe\",\"batteries\":[" + unknown + "]}");
            assertThat(selective.nextJson()).as("the subscribe's snapshot: no data yet").isEmpty();
            await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> LIVE.redis().subscribers(unknown) == 0);
            // it appears: SADD, HSET, PUBLISH; the fleet poll subscribes it and its catch-up read delivers the state
            LIVE.redis().write(unknown, TestRedis.reading(5_000, 321));
            JsonObject update = selective.awaitJson(j -> j.containsKey("battery:" + unknown + ":data"));
            assertThat(update.getJsonObject("battery:" + unknown + ":data").getInt("voltage")).isEqualTo(321);
            assertThat(LIVE.redis().subscribers(unknown)).isEqualTo(1);
        } finally {
            try (Jedis jedis = LIVE.redis().jedis()) {
                jedis.srem("info:batteries:ids", Integer.toString(unknown));
            }
        }
    }

    @Test
    void aStormOfCommandsFromOneClientLeavesAnotherClientsUpdatesAndRedisSubscriptionsAlone() throws Exception {
        try (WsTestClient bystander = WsTestClient.connect(LIVE.service().ws("batteries=1"));
             WsTestClient storm = WsTestClient.connect(LIVE.service().ws(null))) {
            bystander.next();
            storm.next();
            Thread writer = Thread.ofVirtual().start(() -> {
                for (int i = 1; i <= 100; i++) {
                    LIVE.redis().write(1, TestRedis.reading(10_000 + i, i));
                }
            });
            // 300 unsubscribes of 1,024 made-up ids each, then 20 subscribe/unsubscribe pairs: about 2 MB of text
            for (int i = 0; i < 300; i++) {
                storm.send(unsubscribe(IntStream.range(100_000 + i * 1024, 100_000 + (i + 1) * 1024)));
            }
            for (int i = 0; i < 20; i++) {
                String ids = IntStream.range(500_000 + i * 1024, 500_000 + (i + 1) * 1024).mapToObj(Integer::toString)
                        .collect(Collectors.joining(","));
                storm.send("{\"action\":\"subscribe\",\"batteries\":[" + ids + "]}");
                storm.send("{\"action\":\"unsubscribe\",\"batteries\":[" + ids + "]}");
            }
            writer.join();
            int last = 0;
            while (last < 100) {
                int voltage = bystander.awaitJson(j -> j.containsKey("battery:1:data"))
                        .getJsonObject("battery:1:data").getInt("voltage");
                assertThat(voltage).as("in order").isGreaterThan(last);
                last = voltage;
            }
            try (Jedis jedis = LIVE.redis().jedis()) {
                assertThat(jedis.pubsubChannels("battery:*")).as("no made-up id got a Redis subscription")
                        .hasSizeLessThanOrEqualTo(FLEET);
            }
            List<String> codes = storm.drain().stream().map(WsTestClient::parse).filter(j -> j.containsKey("error"))
                    .map(j -> j.getJsonObject("error").getString("code")).distinct().toList();
            // error frames queue at most 16 deep, so which of them reached the client depends on its reading
            assertThat(codes).isNotEmpty().isSubsetOf("bad_request", "rate_limited");
            // the server reads the storm's 340 frames at its own pace: most of them are refused
            await().atMost(PATIENCE).until(
                    () -> PrometheusText.scrape(LIVE.service()).value("wsms_commands_rate_limited_total") > 200);
            assertThat(storm.isClosed()).as("a storm of a moment is refused, not punished").isFalse();
            assertThat(LIVE.service().service().hub().sessions()).allSatisfy(
                    s -> assertThat(s.selection().ids()).hasSizeLessThanOrEqualTo(1024));
        }
    }

    private static String unsubscribe(IntStream ids) {
        return "{\"action\":\"unsubscribe\",\"batteries\":["
                + ids.mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}";
    }
}

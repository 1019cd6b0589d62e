package io.bess.wsms;

import java.util.LinkedHashMap;
import java.util.Map;

import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;

/** PROTOCOL.md part 1: what the existing pipeline's clients rely on. */
class ProtocolCompatibilityTest {
    /** The pipeline's example timestamps are from 2024: stale flags (an extension) are off to check part 1 exactly. */
    @RegisterExtension
    static final LiveService LIVE = new LiveService(Map.of("battery.stale-after", "0"));

    @BeforeEach
    void emptyRedis() {
        try (Jedis jedis = LIVE.redis().jedis()) {
            jedis.flushAll();
        }
    }

    @Test
    void snapshotOfNoBatteryIsAnEmptyObject() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            assertThat(client.next()).isEqualTo("{}");
        }
    }

    @Test
    void snapshotHasOneMemberPerBatteryWithIntegersAsJsonNumbers() throws Exception {
        LIVE.redis().write(1, TestRedis.reading(1731801715542L, 136));
        LIVE.redis().write(2, TestRedis.reading(1731801715600L, 140));
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            JsonObject snapshot = client.nextJson();
            assertThat(snapshot.keySet()).containsExactlyInAnyOrder("battery:1:data", "battery:2:data");
            JsonObject one = snapshot.getJsonObject("battery:1:data");
            assertThat(one.keySet()).containsExactlyInAnyOrder("timestamp", "voltage", "current", "temperature",
                                                               "state_of_charge", "state_of_health");
            for (String field : one.keySet()) {
                assertThat(one.get(field).getValueType()).as(field).isEqualTo(JsonValue.ValueType.NUMBER);
            }
            assertThat(one.getJsonNumber("timestamp").longValueExact()).isEqualTo(1731801715542L);
            assertThat(one.getInt("voltage")).isEqualTo(136);
        }
    }

    @Test
    void updateFrameCarriesEveryFieldPlusServerTimestampAndLatency() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            client.next();
            long deviceTime = System.currentTimeMillis() - 5;
            long before = System.currentTimeMillis();
            LIVE.redis().write(3, TestRedis.reading(deviceTime, 130));
            JsonObject frame = client.awaitJson(j -> j.containsKey("battery:3:data"));
            long after = System.currentTimeMillis();

            assertThat(frame.keySet()).containsExactly("battery:3:data");
            JsonObject data = frame.getJsonObject("battery:3:data");
            assertThat(data.keySet()).contains("timestamp", "voltage", "current", "temperature", "state_of_charge",
                                               "state_of_health", "ws_timestamp", "latency_ms");
            long wsTimestamp = data.getJsonNumber("ws_timestamp").longValueExact();
            assertThat(wsTimestamp).isBetween(before, after);
            assertThat(data.getJsonNumber("latency_ms").longValueExact()).isEqualTo(wsTimestamp - deviceTime);
            assertThat(data.getInt("voltage")).isEqualTo(130);
        }
    }

    @Test
    void extraHashFieldsPassThrough() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            client.next();
            Map<String, String> fields = new LinkedHashMap<>(TestRedis.reading(System.currentTimeMillis(), 120));
            fields.put("cell_count", "192");
            fields.put("site", "north-yard");
            LIVE.redis().write(4, fields);
            JsonObject data = client.awaitJson(j -> j.containsKey("battery:4:data")).getJsonObject("battery:4:data");
            assertThat(data.getInt("cell_count")).isEqualTo(192);
            assertThat(data.getString("site")).isEqualTo("north-yard");
        }
    }

    @Test
    void nonIntegerValuesStayNumbersOrBecomeStringsWithoutBreakingAnything() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            client.next();
            Map<String, String> fields = new LinkedHashMap<>(TestRedis.reading(System.currentTimeMillis(), 120));
            fields.put("voltage", "131.5");
            fields.put("current", "n/a");
            fields.put("temperature", "\"quoted\" \\ and\nnewline");
            fields.put("state_of_charge", "007");
            LIVE.redis().write(5, fields);
            JsonObject data = client.awaitJson(j -> j.containsKey("battery:5:data")).getJsonObject("battery:5:data");
            assertThat(((JsonNumber) data.get("voltage")).doubleValue()).isEqualTo(131.5);
            assertThat(data.getString("current")).isEqualTo("n/a");
            assertThat(data.getString("temperature")).isEqualTo("\"quoted\" \\ and\nnewline");
            assertThat(data.getString("state_of_charge")).isEqualTo("007");
            assertThat(data.getInt("state_of_health")).isEqualTo(49);
        }
    }

    @Test
    void updateWithoutUsableTimestampHasNullLatency() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            client.next();
            Map<String, String> fields = new LinkedHashMap<>(TestRedis.reading(0, 120));
            fields.put("timestamp", "yesterday");
            LIVE.redis().write(6, fields);
            JsonObject data = client.awaitJson(j -> j.containsKey("battery:6:data")).getJsonObject("battery:6:data");
            assertThat(data.getString("timestamp")).isEqualTo("yesterday");
            assertThat(data.isNull("latency_ms")).isTrue();
            assertThat(data.getJsonNumber("ws_timestamp").longValueExact()).isPositive();
        }
    }

    @Test
    void clientWithNoParametersGetsBatteriesThatAppearAfterItConnected() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws(""))) {
            assertThat(client.next()).isEqualTo("{}");
            long published = System.nanoTime();
            LIVE.redis().write(77, TestRedis.reading(System.currentTimeMillis(), 99));
            JsonObject data = client.awaitJson(j -> j.containsKey("battery:77:data")).getJsonObject("battery:77:data");
            long millis = (System.nanoTime() - published) / 1_000_000;
            assertThat(data.getInt("voltage")).isEqualTo(99);
            System.out.println("new battery reached an all-batteries client " + millis + " ms after its first publish");
        }
    }
}

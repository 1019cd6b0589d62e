package io.bess.wsms;

import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;

import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PROTOCOL.md part 2: choosing batteries with ?batteries= and with commands. */
class SelectionAndCommandsTest {
    private static TestRedis redis;
    private static ServiceFixture service;

    @BeforeAll
    static void start() {
        redis = TestRedis.start();
        for (int id = 1; id <= 9; id++) {
            redis.write(id, TestRedis.reading(1_000 + id, 100 + id));
        }
        service = ServiceFixture.start(redis.settings());
    }

    @AfterAll
    static void stop() {
        service.close();
        redis.close();
    }

    @Test
    void batteriesParameterLimitsSnapshotAndUpdates() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("batteries=1,2&batteries=7"))) {
            assertThat(client.nextJson().keySet())
                    .containsExactlyInAnyOrder("battery:1:data", "battery:2:data", "battery:7:data");
            redis.write(3, TestRedis.reading(System.currentTimeMillis(), 3));
            redis.write(2, TestRedis.reading(System.currentTimeMillis(), 222));
            JsonObject frame = client.nextJson();
            // battery 3's update, published first, was not sent: the next frame is battery 2's
            assertThat(frame.keySet()).containsExactly("battery:2:data");
            assertThat(frame.getJsonObject("battery:2:data").getInt("voltage")).isEqualTo(222);
        }
    }

    @Test
    void selectedBatteryWithoutDataArrivesOnceItExists() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("batteries=500"))) {
            assertThat(client.next()).isEqualTo("{}");
            redis.write(500, TestRedis.reading(System.currentTimeMillis(), 50));
            assertThat(client.nextJson().getJsonObject("battery:500:data").getInt("voltage")).isEqualTo(50);
        }
    }

    @Test
    void subscribeIsAnsweredWithSnapshotOfJustThoseBatteriesThenTheirUpdates() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("batteries=1"))) {
            client.next();
            client.send("{\"action\":\"subscribe\",\"batteries\":[3,4]}");
            assertThat(client.nextJson().keySet()).containsExactlyInAnyOrder("battery:3:data", "battery:4:data");
            redis.write(4, TestRedis.reading(System.currentTimeMillis(), 44));
            assertThat(client.awaitJson(j -> j.containsKey("battery:4:data"))
                               .getJsonObject("battery:4:data").getInt("voltage")).isEqualTo(44);
        }
    }

    @Test
    void unsubscribeStopsThatBatteryOnly() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("batteries=5,6"))) {
            client.next();
            client.send("{\"action\":\"unsubscribe\",\"batteries\":[5]}");
            client.send("{\"action\":\"snapshot\"}");
            assertThat(client.awaitJson(j -> j.size() == 1 && j.containsKey("battery:6:data")
                    && !j.getJsonObject("battery:6:data").containsKey("ws_timestamp"))).isNotNull();
            redis.write(5, TestRedis.reading(System.currentTimeMillis(), 55));
            redis.write(6, TestRedis.reading(System.currentTimeMillis(), 66));
            assertThat(client.nextJson().keySet()).containsExactly("battery:6:data");
        }
    }

    @Test
    void unsubscribeFromEveryBatteryKeepsTheRest() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws(""))) {
            client.next();
            client.send("{\"action\":\"unsubscribe\",\"batteries\":[8]}");
            client.send("{\"action\":\"snapshot\"}");
            JsonObject snapshot = client.awaitJson(j -> j.size() > 1);
            assertThat(snapshot.keySet()).contains("battery:1:data").doesNotContain("battery:8:data");
        }
    }

    @Test
    void snapshotCommandAnswersWithTheWholeSelection() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("batteries=1,9"))) {
            client.next();
            client.send("{\"action\":\"snapshot\"}");
            assertThat(client.nextJson().keySet()).containsExactlyInAnyOrder("battery:1:data", "battery:9:data");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "[]", "{}", "{\"action\":\"dance\"}", "{\"action\":7}",
            "{\"action\":\"subscribe\"}", "{\"action\":\"subscribe\",\"batteries\":[-1]}",
            "{\"action\":\"subscribe\",\"batteries\":[\"1\"]}", "{\"action\":\"subscribe\",\"batteries\":[1.5]}",
            "{\"action\":\"subscribe\",\"batteries\":[99999999999999999999999]}"})
    void anyOtherFrameGetsAnErrorFrameAndTheConnectionStaysOpen(String bad) throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.ws("batteries=1"))) {
            client.next();
            client.send(bad);
            JsonObject error = client.nextJson().getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("bad_request");
            assertThat(error.getString("message")).isNotBlank();
            client.send("{\"action\":\"snapshot\"}");
            assertThat(client.nextJson().keySet()).containsExactly("battery:1:data");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batteries=", "batteries=a", "batteries=1,,2", "batteries=-3", "batteries=1,1",
            "batteries=99999999999", "batteries=%E2%91%A0", "batteries=1;2"})
    void malformedSelectionIsRefusedAtTheUpgradeWith400AndJsonBody(String query) throws Exception {
        assertThatThrownBy(() -> WsTestClient.connect(service.ws(query)))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(400));
        try (RawWsClient raw = RawWsClient.connect(service.port(), "/ws?" + query, 0)) {
            assertThat(raw.status()).isEqualTo(400);
            String body = raw.body();
            JsonObject error = WsTestClient.parse(body.substring(body.indexOf('{'))).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("bad_request");
            assertThat(error.getString("message")).isNotBlank();
        }
    }
}

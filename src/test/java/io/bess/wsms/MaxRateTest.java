package io.bess.wsms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17, point 1: a per-client rate cap on {@code /ws}, by {@code ?max_rate=N} or the {@code throttle} command.
 * Under the cap a client gets at most N states per second per battery, always the newest, none held back longer
 * than 1/N s after it arrived; stale flags and snapshots are never held; bad values are refused. A real service on
 * its own Redis, real WebSocket clients; every battery here is its own, so the tests do not see each other's states.
 */
class MaxRateTest {
    /**
     * Allowance on top of 1/N for "never held back longer than 1/N s after it arrived", measured from the server's
     * receipt of the publish ({@code ws_timestamp}) to the test reading the frame: the wheel is exact to 10 ms, the
     * rest is this busy machine's scheduling. Seen here: at most 0.53 s against 0.5 s.
     */
    private static final long WITHHELD_MARGIN_MS = 1_500;
    private static final String STALE_AFTER = "2s";

    @RegisterExtension
    static final LiveService LIVE = new LiveService(Map.of("battery.stale-after", STALE_AFTER));

    @Test
    void maxRateOnTheQueryCapsEachBatteryKeepsTheNewestAndHoldsNoStateLongerThanTheInterval() throws Exception {
        int battery = 21;
        double maxRate = 2;
        WsTestClient client = connected(battery, "&max_rate=" + maxRate);
        List<Update> got = new ArrayList<>();
        long started = System.currentTimeMillis();
        int states = publish(battery, 80, Duration.ofMillis(40), client, got);
        // the last state was held back at most one interval: it arrives
        while (got.isEmpty() || got.getLast().voltage() != states) {
            got.add(Update.of(client.nextJson(), battery));
        }
        long seconds = Math.max(1, (System.currentTimeMillis() - started + 999) / 1000);
        client.close();

        assertThat(got).extracting(Update::voltage).as("newer states only").isSorted();
        assertThat(got.size()).as("states received in %d s of %d published at 25/s, at most %.0f/s", seconds, states,
                                  maxRate)
                .isLessThanOrEqualTo((int) (seconds * maxRate) + 2);
        long interval = (long) (1000 / maxRate);
        for (Update update : got) {
            assertThat(update.withheldMillis()).as("ms from the server receiving state %d to the client reading it",
                                                   update.voltage())
                    .isLessThanOrEqualTo(interval + WITHHELD_MARGIN_MS);
        }
        System.out.printf("max_rate=%.0f: %d of %d states in %d s, longest held %d ms%n", maxRate, got.size(), states,
                          seconds, got.stream().mapToLong(Update::withheldMillis).max().orElse(0));
    }

    @Test
    void throttleCommandSetsChangesAndRemovesTheCapOnALiveConnection() throws Exception {
        int battery = 22;
        WsTestClient client = connected(battery, "");
        assertThat(phase(client, battery, 100)).as("no cap: most of 30 states at 25/s").isGreaterThanOrEqualTo(15);

        client.send("{\"action\":\"throttle\",\"max_rate\":1}");
        int capped = phase(client, battery, 200);
        assertThat(capped).as("max_rate 1: about one state a second of 30 published in 1.2 s").isLessThanOrEqualTo(4);

        client.send("{\"action\":\"throttle\",\"max_rate\":0}");
        assertThat(phase(client, battery, 300)).as("cap removed: most states again").isGreaterThanOrEqualTo(15);
        client.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1e3", "101", "0.0001", "NaN", "Infinity", "", "0x10", "2,3", "%20"})
    void badMaxRateOnTheQueryIsRefusedWith400AndTheJsonError(String value) throws Exception {
        RawUpgrade refused = RawUpgrade.send(LIVE.service().port(), "/ws?max_rate=" + value, Map.of());
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.isJsonError("bad_request")).as(refused.body()).isTrue();
        assertThat(refused.message()).contains("max_rate");
    }

    @Test
    void maxRateGivenTwiceIsRefusedAndGoodValuesAreAccepted() throws Exception {
        assertThat(RawUpgrade.send(LIVE.service().port(), "/ws?max_rate=1&max_rate=2", Map.of()).status())
                .isEqualTo(400);
        for (String good : List.of("0", "0.2", "100", "0.001", "2")) {
            assertThat(RawUpgrade.send(LIVE.service().port(), "/ws?max_rate=" + good, Map.of()).status()).as(good)
                    .isEqualTo(101);
        }
    }

    @Test
    void badThrottleCommandsGetABadRequestFrameAndTheConnectionStays() throws Exception {
        try (WsTestClient client = WsTestClient.connect(LIVE.service().ws("batteries=24"))) {
            client.next();
            for (String bad : List.of("{\"action\":\"throttle\"}", "{\"action\":\"throttle\",\"max_rate\":\"2\"}",
                                      "{\"action\":\"throttle\",\"max_rate\":-1}",
                                      "{\"action\":\"throttle\",\"max_rate\":101}",
                                      "{\"action\":\"throttle\",\"max_rate\":null}",
                                      "{\"action\":\"throttle\",\"max_rate\":1e999999999}")) {
                client.send(bad);
                JsonObject error = client.nextJson().getJsonObject("error");
                assertThat(error.getString("code")).as(bad).isEqualTo("bad_request");
                assertThat(error.getString("message")).as(bad).contains("max_rate");
            }
            client.send("{\"action\":\"snapshot\"}");
            assertThat(client.nextJson().containsKey("error")).as("still served").isFalse();
        }
    }

    @Test
    void staleFlagsAndSnapshotsAreNotHeldBackByTheCap() throws Exception {
        int battery = 23;
        // one state per 100 s: anything held would not come within the test's patience
        WsTestClient client = connected(battery, "&max_rate=0.01");
        // two fresh states: whichever started the battery's interval (this one, or the catch-up read of the seeded
        // one when the channel was subscribed), the newer is held back now
        LIVE.redis().write(battery, TestRedis.reading(System.currentTimeMillis(), 2));
        LIVE.redis().write(battery, TestRedis.reading(System.currentTimeMillis() + 1, 3));
        await().atMost(WsTestClient.PATIENCE).until(() -> latestVoltage(battery) == 3);

        client.send("{\"action\":\"snapshot\"}");
        JsonObject snapshot = client.awaitJson(json -> json.containsKey("battery:" + battery + ":data")
                && !json.getJsonObject("battery:" + battery + ":data").containsKey("ws_timestamp"))
                .getJsonObject("battery:" + battery + ":data");
        assertThat(snapshot.getInt("voltage")).as("the snapshot shows the held state at once").isEqualTo(3);
        assertThat(snapshot.containsKey("stale")).as("before the stale time").isFalse();

        // the battery says nothing more: after the stale time its watchers get the stale flag, cap or not
        JsonObject stale = client.awaitJson(json -> json.getJsonObject("battery:" + battery + ":data")
                .getBoolean("stale", false)).getJsonObject("battery:" + battery + ":data");
        assertThat(stale.getInt("voltage")).isEqualTo(3);
        assertThat(stale.containsKey("ws_timestamp")).as("an update frame").isTrue();
        client.close();
    }

    /** A client of one battery (seeded, and its channel subscribed), past its snapshot. */
    private static WsTestClient connected(int battery, String query) throws Exception {
        LIVE.redis().write(battery, TestRedis.reading(System.currentTimeMillis(), 1));
        WsTestClient client = WsTestClient.connect(LIVE.service().ws("batteries=" + battery + query));
        client.next();
        await().atMost(WsTestClient.PATIENCE).until(() -> LIVE.redis().subscribers(battery) == 1);
        return client;
    }

    /**
     * Publishes states 1..count of a battery (voltage = number) at a steady pace, collecting what arrives meanwhile.
     *
     * @return count
     */
    private static int publish(int battery, int count, Duration pace, WsTestClient client, List<Update> got)
            throws InterruptedException {
        long ts = 0;
        for (int i = 1; i <= count; i++) {
            // the device's clock is now (a state older than the stale time would be a stale flag, which no cap holds)
            ts = Math.max(ts + 1, System.currentTimeMillis());
            LIVE.redis().write(battery, TestRedis.reading(ts, i));
            Thread.sleep(pace);
            for (String message : client.drain()) {
                got.add(Update.of(WsTestClient.parse(message), battery));
            }
        }
        return count;
    }

    /**
     * Publishes 30 states at 25/s with voltages base+1..base+30 and counts the updates until the last one arrived.
     * Starts with a snapshot command, answered after the commands sent before it (one reader per connection).
     */
    private static int phase(WsTestClient client, int battery, int base) throws Exception {
        client.send("{\"action\":\"snapshot\"}");
        client.awaitJson(json -> json.containsKey("battery:" + battery + ":data")
                && !json.getJsonObject("battery:" + battery + ":data").containsKey("ws_timestamp"));
        List<Update> got = new ArrayList<>();
        long ts = 0;
        for (int i = 1; i <= 30; i++) {
            ts = Math.max(ts + 1, System.currentTimeMillis());
            LIVE.redis().write(battery, TestRedis.reading(ts, base + i));
            Thread.sleep(40);
        }
        while (got.isEmpty() || got.getLast().voltage() != base + 30) {
            JsonObject json = client.nextJson();
            JsonObject data = json.getJsonObject("battery:" + battery + ":data");
            if (data != null && data.containsKey("ws_timestamp") && !data.getBoolean("stale", false)) {
                got.add(Update.of(json, battery));
            }
        }
        return got.size();
    }

    private static int latestVoltage(int battery) {
        return Integer.parseInt(LIVE.redis().states(List.of(battery)).get(battery).get("voltage"));
    }

    /** An update as the test read it. */
    private record Update(int voltage, long withheldMillis) {
        static Update of(JsonObject frame, int battery) {
            JsonObject data = frame.getJsonObject("battery:" + battery + ":data");
            assertThat(data).as(frame.toString()).isNotNull();
            assertThat(data.containsKey("ws_timestamp")).as("an update: " + frame).isTrue();
            return new Update(data.getInt("voltage"),
                              System.currentTimeMillis() - data.getJsonNumber("ws_timestamp").longValue());
        }
    }
}

package io.bess.wsms.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.bess.wsms.config.SimulatorSettings;
import io.bess.wsms.redis.RedisConnector;
import io.bess.wsms.redis.RedisTelemetryWriter;
import io.bess.wsms.sim.BatterySimulator;
import io.bess.wsms.sim.TelemetryWriter;
import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.Tool;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The dashboard at fleet scale: the real service on its own Redis, fed by the battery simulator with 2,000
 * batteries, and a real headless Chromium reading the page as a user does (table, sort, filter, toggles, URL).
 * The test runs the simulator itself (the service's is off) so that it can silence one battery, as a controller
 * that stops reporting does.
 */
@RequiresTool(Tool.CHROMIUM)
class FleetDashboardBrowserTest {
    private static final int BATTERIES = 2_000;
    private static final double RATE = 0.4;
    /** Longer than a battery's reporting period (2.5 s at 0.4/s), so only a silenced battery becomes stale. */
    private static final Duration STALE_AFTER = Duration.ofSeconds(6);
    private static final int SILENCED = 1_234;
    private static final Duration LOAD = Duration.ofSeconds(90);

    @RegisterExtension
    static final LiveService LIVE = new LiveService(Map.of(
            "simulator.enabled", "off",
            "battery.stale-after", STALE_AFTER.toSeconds() + "s"));

    private static final SilenceableWriter WRITER = new SilenceableWriter();
    private static RedisConnector redisConnector;
    private static BatterySimulator simulator;
    private static Chromium browser;

    @BeforeAll
    static void startSimulatorAndBrowser() throws Exception {
        redisConnector = new RedisConnector(LIVE.service().service().settings().redis());
        WRITER.target = new RedisTelemetryWriter(redisConnector);
        simulator = new BatterySimulator(new SimulatorSettings(SimulatorSettings.Mode.ON, BATTERIES, RATE), WRITER);
        simulator.start();
        try (Jedis jedis = LIVE.redis().jedis()) {
            await("the simulator has announced every battery")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jedis.scard("info:batteries:ids") == BATTERIES);
        }
        browser = Chromium.launch(Chromium.binary());
    }

    @AfterAll
    static void stopSimulatorAndBrowser() throws Exception {
        try (Chromium b = browser; BatterySimulator s = simulator; RedisConnector c = redisConnector) {
            browser = null;
            simulator = null;
            redisConnector = null;
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aFleetAboveSixtyFourBatteriesIsShownAsAVirtualizedTable() {
        try (Dashboard dashboard = openFleet("/")) {
            assertThat(dashboard.view()).isEqualTo("table");
            assertThat(dashboard.viewButtonPressed("table")).as("the view switch says so (aria-pressed)").isTrue();
            assertThat(dashboard.tableRows()).isEqualTo(BATTERIES);
            List<JsonObject> rendered = dashboard.renderedRows();
            assertThat(rendered).as("only the rows in the scroll window exist")
                    .hasSizeGreaterThan(10).hasSizeLessThan(100);
            assertThat(rendered).extracting(r -> r.getInt("id")).as("sorted by id by default")
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, rendered.size()).boxed().toList());
            assertThat(rendered.getFirst().getInt("rowIndex")).as("aria-rowindex counts the header as row 1").isEqualTo(2);
            assertThat(dashboard.eval("String(document.querySelectorAll('.card').length)"))
                    .as("the card view builds nothing while it is not shown").isEqualTo("0");
            assertThat(dashboard.search()).as("the automatic choice is not written into the URL").isEmpty();

            // Scrolling far down renders the rows there, and only those.
            dashboard.eval("document.getElementById('table-scroll').scrollTop = 34 * 1500, ''");
            await("rows around the 1,500th are rendered")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> dashboard.renderedRows().stream().anyMatch(r -> r.getInt("id") == 1_505));
            assertThat(dashboard.renderedRows()).hasSizeLessThan(100);
            assertThat(dashboard.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sortingByTemperatureDescendingPutsTheHottestFirst() {
        try (Dashboard dashboard = openFleet("/")) {
            dashboard.clickHeader("temperature");
            assertThat(dashboard.sortedColumn()).isEqualTo("temperature ascending");
            dashboard.clickHeader("temperature");
            assertThat(dashboard.sortedColumn()).as("a second click toggles the direction")
                    .isEqualTo("temperature descending");
            dashboard.settle();

            // Rows and overview are computed in the same pass over the page's data: read both in one go.
            JsonObject seen = dashboard.rowsAndOverview();
            List<Double> temps = seen.getJsonArray("rows").getValuesAs(JsonObject.class).stream().limit(15)
                    .map(r -> Double.parseDouble(r.getString("temperature"))).toList();
            String max = seen.getJsonObject("overview").getString("tempMax");
            assertThat(temps).hasSize(15);
            assertThat(temps).as("the first rows are in descending temperature")
                    .isSortedAccordingTo((a, b) -> Double.compare(b, a));
            assertThat(temps.getFirst()).as("the first row is the hottest battery the page holds")
                    .isEqualTo(Double.parseDouble(max));
            assertThat(temps.getFirst()).as("and close to the hottest in Redis (°C, the pipeline stores tenths)")
                    .isCloseTo(hottestInRedis(), offset(3.0));
            assertThat(dashboard.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theIdFilterNarrowsTheRows() {
        try (Dashboard dashboard = openFleet("/")) {
            dashboard.type("q", "10-19, 1500");
            await("only the batteries named are rows")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> dashboard.tableRows() == 11);
            assertThat(dashboard.renderedRows()).extracting(r -> r.getInt("id"))
                    .containsExactly(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1_500);
            assertThat(dashboard.eval("document.getElementById('shown').textContent")).isEqualTo("11 of 2,000 shown");

            dashboard.type("q", "no such id");
            await("text that names no id matches nothing, and the box says it is invalid")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> dashboard.tableRows() == 0);
            assertThat(dashboard.eval("document.getElementById('q').getAttribute('aria-invalid')")).isEqualTo("true");
            assertThat(dashboard.eval("document.getElementById('empty').textContent"))
                    .isEqualTo("No battery matches the filter.");

            dashboard.type("q", "");
            await("an empty filter shows the whole fleet again")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> dashboard.tableRows() == BATTERIES);
            assertThat(dashboard.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void onlyAlarmsShowsTheBatteriesPastAThresholdTheUserSet() {
        try (Dashboard dashboard = openFleet("/")) {
            // Only "state of charge below 50 %" can fire: about half of the simulated fleet.
            dashboard.type("th-temp", "1000");
            dashboard.type("th-soh", "0");
            dashboard.type("th-soc", "50");
            dashboard.click("#only-alarms");
            assertThat(dashboard.checked("only-alarms")).isTrue();

            await("the rows are exactly the alarmed batteries the overview counts")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        // one evaluation, so rows and overview come from the same moment
                        JsonObject seen = dashboard.evalJson("JSON.stringify({"
                                + " rows: Number(document.getElementById('table').getAttribute('aria-rowcount')) - 1,"
                                + " alarms: document.getElementById('ov-alarms').textContent })").asJsonObject();
                        return seen.getInt("rows") == Integer.parseInt(seen.getString("alarms").replace(",", ""));
                    });
            int alarmed = dashboard.tableRows();
            assertThat(alarmed).as("a subset of the fleet").isBetween(1, BATTERIES - 1);
            List<JsonObject> rows = dashboard.renderedRows();
            assertThat(rows).isNotEmpty().allSatisfy(row -> {
                assertThat(row.getBoolean("alarm") || row.getBoolean("stale")).as("row %s is marked", row.getInt("id")).isTrue();
                if (!row.getBoolean("stale")) {
                    assertThat(Integer.parseInt(row.getString("soc"))).as("state of charge of %s", row.getInt("id"))
                            .isLessThan(50);
                    assertThat(row.getString("status")).as("the badge names the metric in words").contains("ALARM: SoC");
                }
            });
            assertThat(dashboard.search()).contains("alarms=1").contains("soc_below=50");

            dashboard.click("#only-alarms");
            await("the toggle off shows the whole fleet again")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> dashboard.tableRows() == BATTERIES);
            assertThat(dashboard.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theUrlKeepsViewSortAndFilterAndAReloadRestoresThem() {
        try (Dashboard dashboard = openFleet("/")) {
            dashboard.click("#view-cards");
            assertThat(dashboard.view()).isEqualTo("cards");
            assertThat(dashboard.search()).isEqualTo("?view=cards");
            dashboard.click("#view-table");
            dashboard.clickHeader("soc");
            dashboard.clickHeader("soc");
            dashboard.type("q", "100-199");
            dashboard.click("#only-stale");
            dashboard.click("#only-stale");
            dashboard.click("#only-alarms");
            assertThat(dashboard.search()).isEqualTo("?view=table&sort=soc&dir=desc&q=100-199&alarms=1");

            dashboard.reload();
            dashboard.awaitLive(LOAD);
            await("the reloaded page has the fleet again")
                    .atMost(LOAD).pollInterval(Duration.ofMillis(250))
                    .until(() -> dashboard.batteries() == BATTERIES);
            assertThat(dashboard.view()).isEqualTo("table");
            assertThat(dashboard.sortedColumn()).isEqualTo("soc descending");
            assertThat(dashboard.inputValue("q")).isEqualTo("100-199");
            assertThat(dashboard.checked("only-alarms")).isTrue();
            assertThat(dashboard.checked("only-stale")).isFalse();
            await("the restored filter narrows the rows")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> dashboard.tableRows() <= 100);
            assertThat(dashboard.renderedRows()).allSatisfy(row -> {
                assertThat(row.getInt("id")).isBetween(100, 199);
                assertThat(row.getBoolean("alarm") || row.getBoolean("stale")).isTrue();
            });
            List<Integer> soc = dashboard.renderedRows().stream().map(r -> Integer.parseInt(r.getString("soc"))).toList();
            assertThat(soc).as("restored sort: state of charge descending").isSortedAccordingTo((a, b) -> b - a);

            // A shared link that names the card view wins over the automatic table, and keeps its filter.
            dashboard.navigate(url("/?view=cards&q=5-8"));
            dashboard.awaitLive(LOAD);
            await("four cards are shown")
                    .atMost(LOAD).pollInterval(Duration.ofMillis(250))
                    .until(() -> dashboard.visibleCards().equals(List.of("5", "6", "7", "8")));
            assertThat(dashboard.view()).isEqualTo("cards");
            assertThat(dashboard.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aBatteryThatStopsReportingShowsAsStaleUntilItReportsAgain() {
        try (Dashboard dashboard = openFleet("/?stale=1")) {
            assertThat(dashboard.tableRows()).as("no battery is stale while all report").isZero();
            WRITER.silence(SILENCED);
            try {
                await("the silenced battery is listed as stale, with the word STALE")
                        .atMost(STALE_AFTER.plusSeconds(15)).pollInterval(Duration.ofMillis(250))
                        .until(() -> dashboard.renderedRows().stream().anyMatch(r -> r.getInt("id") == SILENCED
                                && r.getBoolean("stale") && r.getString("status").contains("STALE")));
                assertThat(Integer.parseInt(dashboard.overview().getString("stale"))).isPositive();
            } finally {
                WRITER.resume(SILENCED);
            }
            await("its next report clears the mark")
                    .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> dashboard.renderedRows().stream().noneMatch(r -> r.getInt("id") == SILENCED));
            assertThat(dashboard.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    /** Writes docs/dashboard-table.png when run with -Ddashboard.screenshots=docs. */
    @Test
    @EnabledIfSystemProperty(named = "dashboard.screenshots", matches = ".+",
            disabledReason = "opt-in: writes the docs' screenshots with -Ddashboard.screenshots=docs")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void screenshotOfTheTableView() throws IOException {
        try (Dashboard dashboard = openFleet("/")) {
            // A picture of the steady stream: the page's update rate near the simulator's, every row updated live.
            await("the stream is steady")
                    .atMost(LOAD).pollInterval(Duration.ofMillis(250))
                    .until(() -> Double.parseDouble(dashboard.eval("document.getElementById('stat-rate').textContent"))
                            > BATTERIES * RATE / 2
                            && dashboard.renderedRows().stream().noneMatch(r -> r.getString("latency").equals("–")));
            dashboard.screenshot(Path.of(System.getProperty("dashboard.screenshots"), "dashboard-table.png"));
        }
    }

    /** Opens the page and waits until it holds the whole fleet. */
    private static Dashboard openFleet(String path) {
        Dashboard dashboard = Dashboard.openLive(browser, url(path), LOAD);
        await("the page holds every battery")
                .atMost(LOAD).pollInterval(Duration.ofMillis(250))
                .until(() -> dashboard.batteries() == BATTERIES);
        return dashboard;
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + LIVE.service().port() + path;
    }

    /** The highest temperature stored in Redis now, in °C. */
    private static double hottestInRedis() {
        try (Jedis jedis = LIVE.redis().jedis()) {
            return IntStream.rangeClosed(1, BATTERIES)
                    .mapToObj(id -> jedis.hget("battery:" + id + ":data", "temperature"))
                    .filter(Objects::nonNull)
                    .mapToDouble(t -> Integer.parseInt(t) / 10.0)
                    .max().orElseThrow();
        }
    }

    /** The simulator's writes, except for batteries the test silenced (a controller that stops reporting). */
    private static final class SilenceableWriter implements TelemetryWriter {
        private final Set<Integer> silenced = ConcurrentHashMap.newKeySet();
        private volatile TelemetryWriter target;

        void silence(int battery) {
            silenced.add(battery);
        }

        void resume(int battery) {
            silenced.remove(battery);
        }

        @Override
        public void announce(int battery) {
            target.announce(battery);
        }

        @Override
        public void write(int battery, Map<String, String> fields) {
            if (!silenced.contains(battery)) {
                target.write(battery, fields);
            }
        }
    }
}

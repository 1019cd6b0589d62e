package io.bess.wsms.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.bess.wsms.ServiceFixture;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.Tool;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * End-to-end: the real service (embedded Redis + simulator, 16 batteries) serves the dashboard, and a real headless
 * Chromium, driven over the DevTools protocol, shows them as cards whose values change.
 */
@RequiresTool(Tool.CHROMIUM)
class DashboardBrowserTest {
    private static final int BATTERIES = 16;
    private static final Duration LOAD = Duration.ofSeconds(60);

    /** Per card: id, the four metric texts, the device timestamp, its classes and badges, as one JSON object. */
    private static final String CARDS_JS = """
            JSON.stringify(Array.from(document.querySelectorAll('.card')).map(c => ({
              id: c.dataset.batteryId,
              voltage: c.querySelector('[data-f=voltage]').textContent,
              current: c.querySelector('[data-f=current]').textContent,
              temperature: c.querySelector('[data-f=temperature]').textContent,
              soc: c.querySelector('[data-f=soc]').textContent,
              ts: c.dataset.timestamp || '',
              alarm: c.classList.contains('alarm'),
              badges: c.querySelector('[data-f=badges]').textContent
            })))""";

    /** Pixels of the first card's sparkline that carry the voltage line's blue: proves it is drawn. */
    private static final String SPARK_PIXELS_JS = """
            (() => {
              const c = document.querySelector('.card canvas');
              if (!c || !c.width || !c.height) return 0;
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 170 && d[i] < 110 && d[i + 3] > 200) n++;
              return n;
            })()""";

    private static ServiceFixture service;
    private static Chromium browser;

    @BeforeAll
    static void startServiceAndBrowser() throws Exception {
        service = ServiceFixture.start(Map.of("simulator.enabled", "true", "simulator.batteries", String.valueOf(BATTERIES)));
        browser = Chromium.launch(Chromium.binary());
    }

    @AfterAll
    static void stopServiceAndBrowser() throws Exception {
        try (ServiceFixture s = service; Chromium b = browser) {
            service = null;
            browser = null;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void dashboardShowsLiveBatteriesAndTheirValuesChange() {
        try (Dashboard dashboard = Dashboard.openLive(browser, url("/"), LOAD)) {
            Chromium.Page page = dashboard.page();
            await("every simulated battery has a card")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> cards(page).size() == BATTERIES);
            List<JsonObject> before = cards(page);
            assertThat(before).allSatisfy(card -> {
                assertThat(card.getString("voltage")).as("voltage of battery %s", card.getString("id")).matches("\\d+");
                assertThat(card.getString("current")).as("current").matches("\\d+");
                assertThat(card.getString("temperature")).as("temperature in °C").matches("-?\\d+\\.\\d");
                assertThat(card.getString("soc")).as("state of charge").matches("\\d+");
            });
            assertThat(before).extracting(c -> Integer.parseInt(c.getString("id")))
                    .as("cards sorted by battery id").isSortedAccordingTo(Comparator.naturalOrder());

            await("a battery's shown values change")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> changedMetrics(before, cards(page)) > 0);

            await("the summary counts updates and the sparkline is drawn")
                    .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> Double.parseDouble(page.evalString("document.getElementById('stat-rate').textContent")) > 0
                            && page.evalInt(SPARK_PIXELS_JS) > 10);
            assertThat(page.evalString("document.getElementById('stat-count').textContent"))
                    .isEqualTo(String.valueOf(page.evalInt("document.querySelectorAll('.card').length")));
            assertThat(dashboard.view()).as("a small fleet is shown as cards").isEqualTo("cards");
            assertThat(dashboard.viewButtonPressed("cards")).isTrue();
            assertThat(page.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void batteriesParameterOfThePageSelectsTheCards() {
        try (Dashboard dashboard = Dashboard.openLive(browser, url("/?batteries=2,5"), LOAD)) {
            Chromium.Page page = dashboard.page();
            await("the snapshot of the selection is shown")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> cards(page).size() == 2);
            assertThat(cards(page)).extracting(c -> c.getString("id")).containsExactly("2", "5");
            assertThat(page.evalString("document.getElementById('filter').textContent")).contains("2, 5");
            assertThat(page.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void overviewSummarizesTheCards() {
        try (Dashboard dashboard = Dashboard.openLive(browser, url("/"), LOAD)) {
            Chromium.Page page = dashboard.page();
            await("every simulated battery has a card")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> cards(page).size() == BATTERIES);
            // The overview is recomputed at most 10 times a second, the cards every frame: poll until both
            // describe the same moment for the hottest battery and the extremes of charge.
            await("the overview's max temperature and state of charge range match the cards")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        JsonObject overview = dashboard.overview();
                        List<JsonObject> cards = cards(page);
                        double maxTemp = cards.stream().mapToDouble(c -> Double.parseDouble(c.getString("temperature")))
                                .max().orElseThrow();
                        int minSoc = cards.stream().mapToInt(c -> Integer.parseInt(c.getString("soc"))).min().orElseThrow();
                        int maxSoc = cards.stream().mapToInt(c -> Integer.parseInt(c.getString("soc"))).max().orElseThrow();
                        return overview.getString("count").equals(String.valueOf(BATTERIES))
                                && overview.getString("tempMax").equals(String.format(Locale.ROOT, "%.1f", maxTemp))
                                && overview.getString("socMin").equals(String.valueOf(minSoc))
                                && overview.getString("socMax").equals(String.valueOf(maxSoc));
                    });
            JsonObject overview = dashboard.overview();
            assertThat(overview.getString("power")).as("total power in kW").matches("[\\d,]+(\\.\\d)?");
            assertThat(Double.parseDouble(overview.getString("power").replace(",", "")))
                    .as("16 batteries of a few hundred volts and tens of amperes: tens to hundreds of kW, not W or MW")
                    .isBetween(10.0, 2_000.0);
            assertThat(overview.getString("stale")).isEqualTo("0");
            assertThat(page.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void alarmThresholdsSetInThePageMarkCardsWithWordsNotOnlyColour() {
        try (Dashboard dashboard = Dashboard.openLive(browser, url("/"), LOAD)) {
            Chromium.Page page = dashboard.page();
            await("every simulated battery has a card")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> cards(page).size() == BATTERIES);
            assertThat(dashboard.inputValue("th-temp")).as("default temperature threshold, °C").isEqualTo("45");
            assertThat(dashboard.inputValue("th-soc")).as("default state of charge threshold, %").isEqualTo("10");
            assertThat(dashboard.inputValue("th-soh")).as("default state of health threshold, %").isEqualTo("80");

            // No battery reaches these: no card is marked.
            dashboard.type("th-temp", "1000");
            dashboard.type("th-soc", "-1");
            dashboard.type("th-soh", "-1");
            await("no card is alarmed")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> cards(page).stream().noneMatch(c -> c.getBoolean("alarm"))
                            && dashboard.overview().getString("alarms").equals("0"));

            // Every state of health is at most 100 %: every card is marked, with the metric named in words.
            dashboard.type("th-soh", "101");
            await("every card says ALARM: SoH")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> cards(page).stream().allMatch(c -> c.getBoolean("alarm")
                            && c.getString("badges").equals("ALARM: SoH"))
                            && dashboard.overview().getString("alarms").equals(String.valueOf(BATTERIES)));
            assertThat(dashboard.search()).as("the thresholds are kept in the URL")
                    .contains("temp_above=1000").contains("soc_below=-1").contains("soh_below=101");
            assertThat(page.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    /**
     * Writes docs/dashboard.png (the card view) when run with -Ddashboard.screenshots=docs, after the sparklines
     * have filled (-Ddashboard.screenshots.wait=90s by default).
     */
    @Test
    @EnabledIfSystemProperty(named = "dashboard.screenshots", matches = ".+",
            disabledReason = "opt-in: writes the docs' screenshots with -Ddashboard.screenshots=docs")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void screenshotOfTheCardView() throws IOException, InterruptedException {
        try (Dashboard dashboard = Dashboard.openLive(browser, url("/"), LOAD)) {
            Thread.sleep(Duration.parse("PT" + System.getProperty("dashboard.screenshots.wait", "90s")).toMillis());
            dashboard.screenshot(Path.of(System.getProperty("dashboard.screenshots"), "dashboard.png"));
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + service.port() + path;
    }

    private static List<JsonObject> cards(Chromium.Page page) {
        return page.evalJson(CARDS_JS).asJsonArray().getValuesAs(JsonObject.class);
    }

    /** Counts batteries whose voltage, current, temperature or state of charge text differs. */
    private static long changedMetrics(List<JsonObject> before, List<JsonObject> now) {
        Map<String, JsonObject> old = new HashMap<>();
        before.forEach(c -> old.put(c.getString("id"), c));
        return now.stream()
                .filter(c -> old.containsKey(c.getString("id")))
                .filter(c -> Stream.of("voltage", "current", "temperature", "soc")
                        .anyMatch(f -> !c.getString(f).equals(old.get(c.getString("id")).getString(f))))
                .count();
    }
}

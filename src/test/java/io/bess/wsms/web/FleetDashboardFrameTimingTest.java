package io.bess.wsms.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.Tool;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records how the dashboard's frames go with 5,000 batteries at 0.4 updates/s each (2,000 frames/s into the page):
 * the real service and simulator, a real headless Chromium, and the page's own frame timing (requestAnimationFrame
 * deltas, Long Animation Frames, long tasks, main-thread time) over 10 s windows. It prints the figures and asserts
 * only that the page held the whole fleet in its table and stayed free of errors: timing thresholds belong to bench/,
 * not here.
 */
@RequiresTool(Tool.CHROMIUM)
class FleetDashboardFrameTimingTest {
    private static final int BATTERIES = 5_000;
    private static final Duration LOAD = Duration.ofSeconds(120);

    /**
     * Measures for ms milliseconds, then answers the figures as JSON text. While it measures, scroll (when asked)
     * moves the table down 200 px every 50 ms, as a user dragging the scroll bar.
     */
    private static final String MEASURE_JS = """
            ((ms, scroll) => new Promise(resolve => {
              const deltas = [], loaf = [], longtasks = [];
              const observe = (type, into) => {
                try {
                  const o = new PerformanceObserver(l => { for (const e of l.getEntries()) into.push(e.duration); });
                  o.observe({ type });
                  return o;
                } catch (e) {
                  return null;
                }
              };
              const loafObserver = observe('long-animation-frame', loaf);
              const taskObserver = observe('longtask', longtasks);
              const box = document.getElementById('table-scroll');
              const scroller = scroll ? setInterval(() => {
                box.scrollTop = box.scrollTop + 200 >= box.scrollHeight - box.clientHeight ? 0 : box.scrollTop + 200;
              }, 50) : 0;
              let last = 0, done = false;
              const tick = t => { if (last) deltas.push(t - last); last = t; if (!done) requestAnimationFrame(tick); };
              requestAnimationFrame(tick);
              setTimeout(() => {
                done = true;
                clearInterval(scroller);
                if (loafObserver) loafObserver.disconnect();
                if (taskObserver) taskObserver.disconnect();
                const sorted = deltas.slice().sort((a, b) => a - b);
                const at = p => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
                resolve(JSON.stringify({
                  frames: sorted.length,
                  longestFrameMs: Math.round(at(1)),
                  p50FrameMs: Math.round(at(0.5) * 10) / 10,
                  p99FrameMs: Math.round(at(0.99)),
                  framesOver50Ms: sorted.filter(d => d > 50).length,
                  longAnimationFrames: loafObserver ? loaf.length : -1,
                  longestAnimationFrameMs: Math.round(Math.max(0, ...loaf)),
                  longTasks: taskObserver ? longtasks.length : -1,
                  longestTaskMs: Math.round(Math.max(0, ...longtasks)),
                  updatesPerSecond: document.getElementById('stat-rate').textContent,
                  renderedRows: document.querySelectorAll('#table-body .row:not([hidden])').length
                }));
              }, ms);
            }))""";

    @RegisterExtension
    static final LiveService LIVE = new LiveService(Map.of(
            "simulator.enabled", "on",
            "simulator.batteries", String.valueOf(BATTERIES),
            "simulator.rate", "0.4"));

    private static Chromium browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Chromium.launch(Chromium.binary());
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        try (Chromium b = browser) {
            browser = null;
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void frameTimingWithFiveThousandBatteriesAtPointFourUpdatesPerSecond() {
        try (Dashboard dashboard = Dashboard.openLive(browser, "http://127.0.0.1:" + LIVE.service().port() + "/", LOAD)) {
            await("the page holds every battery")
                    .atMost(LOAD).pollInterval(Duration.ofMillis(500))
                    .until(() -> dashboard.batteries() == BATTERIES);
            assertThat(dashboard.view()).isEqualTo("table");
            // Let the rate counter and the stream settle after the 5,000-battery snapshot.
            await("updates flow into the page")
                    .atMost(LOAD).pollInterval(Duration.ofMillis(500))
                    .until(() -> Double.parseDouble(dashboard.eval("document.getElementById('stat-rate').textContent")) > 0);

            dashboard.page().send("Performance.enable", Json.createObjectBuilder());
            JsonObject watching = measure(dashboard, false);
            dashboard.clickHeader("temperature");
            dashboard.clickHeader("temperature");
            JsonObject scrolling = measure(dashboard, true);
            System.out.printf("Dashboard frame timing, %d batteries x 0.4 updates/s, 10 s each (load average %s):%n"
                                      + "  table by id, watching:                  %s%n"
                                      + "  table by temperature desc, scrolling:   %s%n",
                              BATTERIES, loadAverage(), watching, scrolling);

            assertThat(watching.getInt("frames")).as("animation frames ran while measuring").isPositive();
            assertThat(scrolling.getInt("frames")).isPositive();
            assertThat(dashboard.tableRows()).isEqualTo(BATTERIES);
            assertThat(scrolling.getInt("renderedRows")).as("still only the scroll window is rendered").isLessThan(100);
            assertThat(dashboard.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
        }
    }

    /** The page's frame figures over 10 s, plus how busy its main thread was (DevTools' task, script, layout time). */
    private static JsonObject measure(Dashboard dashboard, boolean scroll) {
        Map<String, Double> before = metrics(dashboard);
        JsonObject frames = dashboard.evalJson("(" + MEASURE_JS + ")(10000, " + scroll + ")").asJsonObject();
        Map<String, Double> after = metrics(dashboard);
        double seconds = after.get("Timestamp") - before.get("Timestamp");
        JsonObjectBuilder result = Json.createObjectBuilder(frames);
        for (String metric : List.of("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")) {
            double share = (after.get(metric) - before.get(metric)) / seconds;
            result.add("mainThread" + metric.replace("Duration", "") + "Percent", Math.round(share * 1000) / 10.0);
        }
        return result.build();
    }

    private static Map<String, Double> metrics(Dashboard dashboard) {
        Map<String, Double> metrics = new HashMap<>();
        for (JsonObject m : dashboard.page().send("Performance.getMetrics", Json.createObjectBuilder())
                .getJsonArray("metrics").getValuesAs(JsonObject.class)) {
            metrics.put(m.getString("name"), m.getJsonNumber("value").doubleValue());
        }
        return metrics;
    }

    /** The machine's 1-minute load average (Linux), so a reader can tell a busy machine from a slow page. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}

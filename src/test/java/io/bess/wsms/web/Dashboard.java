package io.bess.wsms.web;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The dashboard page in one Chromium tab, driven and read through its DOM as a user (and a screen reader) sees it:
 * the overview's texts, the controls, the table's rows and aria attributes, the page's URL.
 */
final class Dashboard implements AutoCloseable {
    /** The rows the table renders (its scroll window), in row order: id, status text and every cell's text. */
    private static final String ROWS = """
            Array.from(document.querySelectorAll('#table-body .row:not([hidden])')).map(r => {
              const o = {};
              for (const cell of r.children) o[cell.dataset.col] = cell.textContent;
              return Object.assign(o, { id: Number(r.dataset.batteryId), rowIndex: Number(r.getAttribute('aria-rowindex')),
                                        alarm: r.classList.contains('alarm'), stale: r.classList.contains('stale') });
            }).sort((a, b) => a.rowIndex - b.rowIndex)""";

    /** The overview's figures as texts, read in one evaluation, so they describe the same moment. */
    private static final String OVERVIEW = """
            ({
              count: document.getElementById('stat-count').textContent,
              stale: document.getElementById('ov-stale').textContent,
              alarms: document.getElementById('ov-alarms').textContent,
              power: document.getElementById('ov-power').textContent,
              socMin: document.getElementById('ov-soc-min').textContent,
              socMean: document.getElementById('ov-soc-mean').textContent,
              socMax: document.getElementById('ov-soc-max').textContent,
              tempMax: document.getElementById('ov-temp').textContent
            })""";

    private final Chromium.Page page;

    private Dashboard(Chromium.Page page) {
        this.page = page;
    }

    /** Opens url in a new tab and waits until its WebSocket is live and the overview counts batteries. */
    static Dashboard openLive(Chromium browser, String url, Duration timeout) {
        Dashboard dashboard = new Dashboard(browser.open(url));
        dashboard.awaitLive(timeout);
        return dashboard;
    }

    /** Waits until the page is live and shows at least one battery (after a load or a reload). */
    void awaitLive(Duration timeout) {
        await("the page connects and shows batteries")
                .atMost(timeout).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()   // the page may still be loading: no element, no context yet
                .until(() -> "live".equals(page.evalString("document.getElementById('conn').dataset.state"))
                        && batteries() > 0);
    }

    Chromium.Page page() {
        return page;
    }

    /** The overview's battery count. */
    int batteries() {
        return Integer.parseInt(page.evalString("document.getElementById('stat-count').textContent").replace(",", ""));
    }

    JsonObject overview() {
        return page.evalJson("JSON.stringify(" + OVERVIEW + ")").asJsonObject();
    }

    /** "cards" or "table": the view shown. */
    String view() {
        return page.evalString("document.body.dataset.view");
    }

    /** The aria-pressed state of the view switch's button for a view. */
    boolean viewButtonPressed(String view) {
        return "true".equals(page.evalString("document.getElementById('view-" + view + "').getAttribute('aria-pressed')"));
    }

    /** Rows the table holds after filtering (its aria-rowcount, less the header row). */
    int tableRows() {
        return Integer.parseInt(page.evalString("document.getElementById('table').getAttribute('aria-rowcount')")) - 1;
    }

    /** The rendered rows (the scroll window), in order. */
    List<JsonObject> renderedRows() {
        return page.evalJson("JSON.stringify(" + ROWS + ")").asJsonArray().getValuesAs(JsonObject.class);
    }

    /**
     * The rendered rows and the overview, read in one evaluation: the page computes both in the same pass, so
     * they describe the same moment ({"rows": [...], "overview": {...}}).
     */
    JsonObject rowsAndOverview() {
        return page.evalJson("JSON.stringify({ rows: " + ROWS + ", overview: " + OVERVIEW + " })").asJsonObject();
    }

    /** Cards not hidden by the filter, by id. */
    List<String> visibleCards() {
        return page.evalJson("JSON.stringify(Array.from(document.querySelectorAll('.card:not([hidden])'), "
                                     + "c => c.dataset.batteryId))")
                .asJsonArray().getValuesAs(v -> ((JsonString) v).getString());
    }

    /** The column header carrying aria-sort and its value, e.g. "temperature descending"; "" when none. */
    String sortedColumn() {
        return page.evalString("(() => { const th = document.querySelectorAll('#table-head [aria-sort]');"
                                       + " return th.length === 1 ? th[0].dataset.key + ' ' + th[0].getAttribute('aria-sort')"
                                       + " : th.length ? 'several' : ''; })()");
    }

    /**
     * Waits until the page has rendered what the last click or keystroke asked for: the page applies user input
     * in its next animation frame, so two frames later the DOM shows it.
     */
    void settle() {
        page.evalString("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(''))))");
    }

    /** Clicks a column header of the table, as a user does to sort. */
    void clickHeader(String key) {
        click("#table-head [data-key=" + key + "] button");
    }

    void click(String selector) {
        page.evalString("document.querySelector(" + jsString(selector) + ").click(), ''");
    }

    /** Types text into an input (replacing its value) and fires the input event a keyboard would. */
    void type(String inputId, String text) {
        page.evalString("(() => { const i = document.getElementById(" + jsString(inputId) + "); i.value = "
                                + jsString(text) + "; i.dispatchEvent(new Event('input', { bubbles: true })); return ''; })()");
    }

    String inputValue(String inputId) {
        return page.evalString("document.getElementById(" + jsString(inputId) + ").value");
    }

    boolean checked(String inputId) {
        return page.evalBoolean("document.getElementById(" + jsString(inputId) + ").checked");
    }

    /** The page's query string, as the address bar shows it. */
    String search() {
        return page.evalString("location.search");
    }

    void reload() {
        page.reload();
    }

    void navigate(String url) {
        page.navigate(url);
    }

    String eval(String expression) {
        return page.evalString(expression);
    }

    JsonValue evalJson(String expression) {
        return page.evalJson(expression);
    }

    void screenshot(Path file) throws IOException {
        page.screenshot(file);
    }

    List<String> exceptions() {
        return page.exceptions();
    }

    @Override
    public void close() {
        page.close();
    }

    /** A JavaScript string literal of text. */
    static String jsString(String text) {
        return Json.createValue(text).toString();
    }
}

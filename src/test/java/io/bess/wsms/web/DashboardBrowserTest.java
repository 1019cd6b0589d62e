package io.bess.wsms.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.bess.wsms.ServiceFixture;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End-to-end: the real service (embedded Redis + simulator) serves the dashboard, and a real headless
 * Chromium, driven over the DevTools protocol, shows batteries whose values change.
 */
class DashboardBrowserTest {
    private static final int BATTERIES = 16;

    /** Per card: id, the four metric texts and the device timestamp, as one JSON object. */
    private static final String CARDS_JS = """
            JSON.stringify(Array.from(document.querySelectorAll('.card')).map(c => ({
              id: c.dataset.batteryId,
              voltage: c.querySelector('[data-f=voltage]').textContent,
              current: c.querySelector('[data-f=current]').textContent,
              temperature: c.querySelector('[data-f=temperature]').textContent,
              soc: c.querySelector('[data-f=soc]').textContent,
              ts: c.dataset.timestamp || ''
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
        Optional<Path> chromium = Chromium.find();
        assumeTrue(chromium.isPresent(), "Skipped: no Chromium found (install Debian's 'chromium' package, "
                + "or set CHROME_BIN to a Chromium/Chrome binary) - the dashboard browser test needs one.");
        service = ServiceFixture.start(Map.of("simulator.enabled", "true", "simulator.batteries", String.valueOf(BATTERIES)));
        browser = Chromium.launch(chromium.get());
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
        Chromium.Page page = openLive("/");

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
        assertThat(page.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void batteriesParameterOfThePageSelectsTheCards() {
        Chromium.Page page = openLive("/?batteries=2,5");

        await("the snapshot of the selection is shown")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> cards(page).size() == 2);
        assertThat(cards(page)).extracting(c -> c.getString("id")).containsExactly("2", "5");
        assertThat(page.evalString("document.getElementById('filter').textContent")).contains("2, 5");
        assertThat(page.exceptions()).as("uncaught JavaScript exceptions").isEmpty();
    }

    /** Opens a tab on the service and waits until its WebSocket is live and at least one card shows. */
    private static Chromium.Page openLive(String path) {
        Chromium.Page page = browser.open("http://127.0.0.1:" + service.port() + path);
        await("the page connects and shows battery cards")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()   // the page may still be loading: no element, no context yet
                .until(() -> "live".equals(page.evalString("document.getElementById('conn').dataset.state"))
                        && page.evalInt("document.querySelectorAll('.card').length") > 0);
        return page;
    }

    private static List<JsonObject> cards(Chromium.Page page) {
        return Json.createReader(new StringReader(page.evalString(CARDS_JS))).readArray()
                .getValuesAs(JsonObject.class);
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

    /** A headless Chromium process and one DevTools connection to it (flattened sessions). */
    static final class Chromium implements AutoCloseable {
        private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

        private final Process process;
        private final Path profile;
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
        private final List<String> exceptions = new CopyOnWriteArrayList<>();

        private Chromium(Process process, Path profile, URI devtools) {
            this.process = process;
            this.profile = profile;
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(CALL_TIMEOUT)
                    .buildAsync(devtools, new Listener())
                    .join();
        }

        /** CHROME_BIN, then the usual names on PATH, then Debian's locations. */
        static Optional<Path> find() {
            List<Path> candidates = new ArrayList<>();
            String env = System.getenv("CHROME_BIN");
            if (env != null && !env.isBlank()) {
                candidates.add(Path.of(env));
            }
            String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
            for (String dir : path.split(java.io.File.pathSeparator)) {
                for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
                    if (!dir.isEmpty()) {
                        candidates.add(Path.of(dir, name));
                    }
                }
            }
            candidates.add(Path.of("/usr/bin/chromium"));
            candidates.add(Path.of("/usr/lib/chromium/chromium"));
            return candidates.stream().filter(Files::isExecutable).findFirst();
        }

        static Chromium launch(Path binary) throws IOException, InterruptedException {
            Path profile = Files.createTempDirectory("wsms-chromium-");
            Path log = profile.resolve("chromium.log");
            ProcessBuilder builder = new ProcessBuilder(binary.toString(),
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                    "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1400,900",
                    "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // Chromium keeps scratch directories under TMPDIR: inside the profile, they go when the profile goes
            builder.environment().put("TMPDIR", profile.toString());
            Process process = builder.start();
            // Chromium writes its chosen port and browser endpoint path here once DevTools listens.
            Path activePort = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                if (Files.exists(activePort)) {
                    List<String> lines = Files.readAllLines(activePort);
                    if (lines.size() >= 2) {
                        URI devtools = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                        return new Chromium(process, profile, devtools);
                    }
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String output = Files.exists(log) ? Files.readString(log) : "";
                    destroy(process);
                    deleteTree(profile);
                    throw new IllegalStateException("Chromium " + binary + " did not open DevTools; its output:\n" + output);
                }
                Thread.sleep(50);
            }
        }

        /** Opens a tab at 1400x900 on url, with JavaScript exceptions recorded. */
        Page open(String url) {
            String targetId = call("Target.createTarget", Json.createObjectBuilder().add("url", "about:blank"), null)
                    .getString("targetId");
            String session = call("Target.attachToTarget",
                    Json.createObjectBuilder().add("targetId", targetId).add("flatten", true), null)
                    .getString("sessionId");
            call("Runtime.enable", Json.createObjectBuilder(), session);
            call("Emulation.setDeviceMetricsOverride", Json.createObjectBuilder()
                    .add("width", 1400).add("height", 900).add("deviceScaleFactor", 1).add("mobile", false), session);
            call("Page.navigate", Json.createObjectBuilder().add("url", url), session);
            return new Page(session);
        }

        private JsonObject call(String method, JsonObjectBuilder params, String session) {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonObject> answer = new CompletableFuture<>();
            pending.put(id, answer);
            JsonObjectBuilder message = Json.createObjectBuilder().add("id", id).add("method", method).add("params", params);
            if (session != null) {
                message.add("sessionId", session);
            }
            socket.sendText(message.build().toString(), true).join();
            JsonObject reply = answer.orTimeout(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
            if (reply.containsKey("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.getJsonObject("result");
        }

        @Override
        public void close() throws IOException {
            socket.abort();
            destroy(process);
            deleteTree(profile);
        }

        private static void destroy(Process process) {
            // The Debian launcher is a shell script: end its children (the browser and helpers) too.
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void deleteTree(Path root) throws IOException {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // best effort: it is a temporary profile
                    }
                });
            }
        }

        /** Reassembles DevTools messages and routes replies to callers and exceptions to the record. */
        private final class Listener implements WebSocket.Listener {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    JsonObject message = Json.createReader(new StringReader(partial.toString())).readObject();
                    partial.setLength(0);
                    if (message.containsKey("id")) {
                        CompletableFuture<JsonObject> answer = pending.remove(message.getInt("id"));
                        if (answer != null) {
                            answer.complete(message);
                        }
                    } else if ("Runtime.exceptionThrown".equals(message.getString("method", ""))) {
                        exceptions.add(message.getJsonObject("params").getJsonObject("exceptionDetails").toString());
                    }
                }
                webSocket.request(1);
                return null;
            }
        }

        /** One tab, addressed by its DevTools session. */
        final class Page {
            private final String session;

            private Page(String session) {
                this.session = session;
            }

            String evalString(String expression) {
                JsonValue value = eval(expression);
                return value.getValueType() == JsonValue.ValueType.STRING
                        ? ((jakarta.json.JsonString) value).getString() : value.toString();
            }

            int evalInt(String expression) {
                JsonValue value = eval(expression);
                return value instanceof jakarta.json.JsonNumber n ? n.intValue() : -1;
            }

            List<String> exceptions() {
                return List.copyOf(exceptions);
            }

            private JsonValue eval(String expression) {
                JsonObject result = call("Runtime.evaluate", Json.createObjectBuilder()
                        .add("expression", expression).add("returnByValue", true), session);
                if (result.containsKey("exceptionDetails")) {
                    throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
                }
                JsonObject remote = result.getJsonObject("result");
                return remote.containsKey("value") ? remote.get("value") : JsonValue.NULL;
            }
        }
    }
}

package io.bess.wsms.web;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.bess.wsms.support.Tool;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** A headless Chromium process and one DevTools connection to it (flattened sessions), for the dashboard's tests. */
final class Chromium implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final Map<String, List<String>> exceptions = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, URI devtools) {
        this.process = process;
        this.profile = profile;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(CALL_TIMEOUT)
                .buildAsync(devtools, new Listener())
                .join();
    }

    /** The Chromium a browser test uses: declare it on the class with {@code @RequiresTool(Tool.CHROMIUM)}. */
    static Path binary() {
        return Tool.CHROMIUM.path();
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
        exceptions.put(session, new CopyOnWriteArrayList<>());
        call("Runtime.enable", Json.createObjectBuilder(), session);
        call("Emulation.setDeviceMetricsOverride", Json.createObjectBuilder()
                .add("width", 1400).add("height", 900).add("deviceScaleFactor", 1).add("mobile", false), session);
        Page page = new Page(targetId, session);
        page.navigate(url);
        return page;
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

    /** Reassembles DevTools messages and routes replies to callers and exceptions to their tab's record. */
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
                    List<String> record = exceptions.get(message.getString("sessionId", ""));
                    if (record != null) {
                        record.add(message.getJsonObject("params").getJsonObject("exceptionDetails").toString());
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    /** One tab, addressed by its DevTools session. */
    final class Page implements AutoCloseable {
        private final String targetId;
        private final String session;

        private Page(String targetId, String session) {
            this.targetId = targetId;
            this.session = session;
        }

        /** Loads url in this tab. */
        void navigate(String url) {
            call("Page.navigate", Json.createObjectBuilder().add("url", url), session);
        }

        /** Loads the tab's current URL again, as the browser's reload button does. */
        void reload() {
            call("Page.reload", Json.createObjectBuilder().add("ignoreCache", true), session);
        }

        /** The value of a JavaScript expression (a promise is awaited), as text. */
        String evalString(String expression) {
            JsonValue value = eval(expression);
            return value instanceof JsonString s ? s.getString() : value.toString();
        }

        int evalInt(String expression) {
            JsonValue value = eval(expression);
            return value instanceof JsonNumber n ? n.intValue() : -1;
        }

        boolean evalBoolean(String expression) {
            return eval(expression) == JsonValue.TRUE;
        }

        /** Evaluates an expression that yields JSON text (JSON.stringify(...)) and parses it. */
        JsonValue evalJson(String expression) {
            return Json.createReader(new StringReader(evalString(expression))).readValue();
        }

        /** Any DevTools command on this tab, e.g. Performance.getMetrics; answers its result. */
        JsonObject send(String method, JsonObjectBuilder params) {
            return call(method, params, session);
        }

        /** A PNG of what the tab shows. */
        void screenshot(Path file) throws IOException {
            String data = call("Page.captureScreenshot", Json.createObjectBuilder().add("format", "png"), session)
                    .getString("data");
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(data));
        }

        List<String> exceptions() {
            return List.copyOf(exceptions.getOrDefault(session, List.of()));
        }

        private JsonValue eval(String expression) {
            JsonObject result = call("Runtime.evaluate", Json.createObjectBuilder()
                    .add("expression", expression).add("returnByValue", true).add("awaitPromise", true), session);
            if (result.containsKey("exceptionDetails")) {
                throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
            }
            JsonObject remote = result.getJsonObject("result");
            return remote.containsKey("value") ? remote.get("value") : JsonValue.NULL;
        }

        /** Closes the tab, so a finished test's page stops taking frames and CPU. */
        @Override
        public void close() {
            call("Target.closeTarget", Json.createObjectBuilder().add("targetId", targetId), null);
            exceptions.remove(session);
        }
    }
}

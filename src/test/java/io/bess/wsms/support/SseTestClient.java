package io.bess.wsms.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import jakarta.json.JsonObject;

/**
 * A real HTTP client (the JDK's, with a streaming body) reading a Server-Sent Events stream as a browser's
 * {@code EventSource} does: {@code data:} lines gathered into an event at each blank line, comment lines
 * (starting with a colon) kept apart, and every raw line kept too, so that tests can check the wire format itself.
 * Waits are bounded by generous deadlines, never by sleeps.
 */
public final class SseTestClient implements AutoCloseable {
    /** Longest a test waits for something that should happen. */
    public static final Duration PATIENCE = WsTestClient.PATIENCE;

    /**
     * One event.
     *
     * @param data           its data, lines joined with {@code \n}
     * @param receivedMillis the client's clock when the event was complete
     */
    public record Event(String data, long receivedMillis) {
        /** The data as JSON. */
        public JsonObject json() {
            return WsTestClient.parse(data);
        }
    }

    private final HttpResponse<InputStream> response;
    private final String errorBody;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private final List<String> lines = new ArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private SseTestClient(HttpResponse<InputStream> response) throws IOException {
        this.response = response;
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                this.errorBody = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
            ended.complete(null);
            return;
        }
        this.errorBody = null;
        Thread.ofVirtual().name("sse-test-client").start(this::read);
    }

    /**
     * Opens a stream.
     *
     * @param uri     http:// URI of {@code /sse}
     * @param headers request headers
     * @return the client, whatever the status (see {@link #status()})
     * @throws Exception when the request cannot be sent
     */
    public static SseTestClient connect(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(PATIENCE)
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        return new SseTestClient(response);
    }

    /** Opens a stream with no extra headers. */
    public static SseTestClient connect(URI uri) throws Exception {
        return connect(uri, Map.of());
    }

    /** The response's status. */
    public int status() {
        return response.statusCode();
    }

    /** A response header's first value, empty string when missing. */
    public String header(String name) {
        return response.headers().firstValue(name).orElse("");
    }

    /** The body of a refusal (status other than 200). */
    public String errorBody() {
        return errorBody;
    }

    /** The next event, failing the test if none arrives in time. */
    public Event next() throws InterruptedException {
        Event event = events.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + PATIENCE.toSeconds() + " s");
        }
        return event;
    }

    /** The next event's data as JSON. */
    public JsonObject nextJson() throws InterruptedException {
        return next().json();
    }

    /** The next event within a time, or null. */
    public Event poll(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Skips events until one matches, failing the test if none does in time.
     *
     * @param condition what to wait for
     * @return the matching event's JSON
     */
    public JsonObject awaitJson(Predicate<JsonObject> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && condition.test(event.json())) {
                return event.json();
            }
        }
        throw new AssertionError("no matching event within " + PATIENCE.toSeconds() + " s");
    }

    /** The next comment line's text (after the colon), failing the test if none arrives in time. */
    public String nextComment(Duration wait) throws InterruptedException {
        String comment = comments.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (comment == null) {
            throw new AssertionError("no comment line within " + wait.toMillis() + " ms");
        }
        return comment;
    }

    /** Events received and not yet taken, without waiting. */
    public List<Event> drain() {
        List<Event> out = new ArrayList<>();
        events.drainTo(out);
        return out;
    }

    /** Every line received so far, as it came. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for the server to end the stream; false when it did not in time. */
    public boolean awaitEnd(Duration wait) throws InterruptedException {
        try {
            ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /** Whether the stream has ended. */
    public boolean isEnded() {
        return ended.isDone();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(data.toString(), System.currentTimeMillis()));
                        data = null;
                    }
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else if (line.startsWith("data:")) {
                    String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            ended.complete(null);
        } catch (IOException | RuntimeException e) {
            ended.completeExceptionally(e);
        }
    }

    /** Hangs up: the connection is closed. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // closing is all that is wanted
        }
    }
}

package io.bess.wsms.support;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * A real WebSocket client (the JDK's) that collects every text message, for tests. Waits are bounded by generous
 * deadlines, never by sleeps.
 */
public final class WsTestClient implements AutoCloseable {
    /** Longest a test waits for something that should happen. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile String closeReason = "";
    private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    private WsTestClient(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
        this(http, uri, headers, List.of());
    }

    private WsTestClient(HttpClient http, URI uri, Map<String, String> headers, List<String> subprotocols)
            throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder()
                .connectTimeout(PATIENCE);
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.getFirst(), subprotocols.subList(1, subprotocols.size())
                    .toArray(new String[0]));
        }
        this.socket = builder.buildAsync(uri, new Collector()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Connects.
     *
     * @param uri ws:// URI
     * @return the connected client
     * @throws Exception when the upgrade fails (a refused upgrade: {@link ExecutionException} with a
     *                   {@link java.net.http.WebSocketHandshakeException} cause)
     */
    public static WsTestClient connect(URI uri) throws Exception {
        return new WsTestClient(HttpClient.newHttpClient(), uri, Map.of());
    }

    /**
     * Connects with extra headers.
     *
     * @param uri     ws:// URI
     * @param headers request headers
     * @return the connected client
     * @throws Exception when the upgrade fails
     */
    public static WsTestClient connect(URI uri, Map<String, String> headers) throws Exception {
        return new WsTestClient(HttpClient.newHttpClient(), uri, headers);
    }

    /**
     * Connects through a given HTTP client, e.g. one whose TLS context trusts a test certificate (wss://).
     *
     * @param http the client
     * @param uri  ws:// or wss:// URI
     * @return the connected client
     * @throws Exception when the connection or the upgrade fails
     */
    public static WsTestClient connect(HttpClient http, URI uri) throws Exception {
        return new WsTestClient(http, uri, Map.of());
    }

    /**
     * Connects offering subprotocols, as a browser does with {@code new WebSocket(url, protocols)}; the JDK client
     * fails the handshake unless the server answers with one of them.
     *
     * @param uri          ws:// URI
     * @param subprotocols offered, most preferred first
     * @return the connected client
     * @throws Exception when the upgrade fails
     */
    public static WsTestClient connectOffering(URI uri, List<String> subprotocols) throws Exception {
        return new WsTestClient(HttpClient.newHttpClient(), uri, Map.of(), subprotocols);
    }

    /** The subprotocol the server answered with, empty for none. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** The reason of the server's close frame, once closed. */
    public String closeReason() {
        return closeReason;
    }

    /** The next text message, failing the test if none arrives in time. */
    public String next() throws InterruptedException {
        String message = messages.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + PATIENCE.toSeconds() + " s");
        }
        return message;
    }

    /** The next message as JSON. */
    public JsonObject nextJson() throws InterruptedException {
        return parse(next());
    }

    /**
     * Skips messages until one matches, failing the test if none does in time.
     *
     * @param condition what to wait for
     * @return the matching message
     */
    public JsonObject awaitJson(Predicate<JsonObject> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            String message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (message != null) {
                JsonObject json = parse(message);
                if (condition.test(json)) {
                    return json;
                }
            }
        }
        throw new AssertionError("no matching message within " + PATIENCE.toSeconds() + " s");
    }

    /** Messages received and not yet taken, without waiting. */
    public List<String> drain() {
        List<String> out = new ArrayList<>();
        messages.drainTo(out);
        return out;
    }

    /** Sends a text frame. */
    public void send(String text) throws Exception {
        socket.sendText(text, true).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends a ping and waits for the pong. */
    public void pingAndAwaitPong() throws Exception {
        socket.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        if (pongs.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS) == null) {
            throw new AssertionError("no pong within " + PATIENCE.toSeconds() + " s");
        }
    }

    /** Waits for the server to close the connection and returns the close code. */
    public int awaitClose() throws Exception {
        try {
            return closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not closed within " + PATIENCE.toSeconds() + " s");
        }
    }

    /** Whether the server has closed the connection (or it failed). */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the connection without a close handshake. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(t -> null).join();
        }
        socket.abort();
    }

    /**
     * Parses JSON text.
     *
     * @param text JSON object text
     * @return the object
     */
    public static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            pongs.add("pong");
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}

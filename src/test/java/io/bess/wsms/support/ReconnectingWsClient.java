package io.bess.wsms.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import jakarta.json.JsonObject;

import static org.awaitility.Awaitility.await;

/**
 * A WebSocket client that reconnects by itself, the way the dashboard does: after a close or a refused or failed
 * upgrade it waits an exponential backoff with "equal jitter" (half the ceiling plus a random half; the ceiling
 * starts at 500 ms and doubles per failed try) and connects again; a connection that opened resets the backoff. The
 * dashboard caps the ceiling at 30 s; this client at 4 s, so a test's deadlines stay meaningful. Each connection
 * keeps its own frames and close code.
 */
public final class ReconnectingWsClient implements AutoCloseable {
    private static final long BACKOFF_BASE_MS = 500;
    private static final long BACKOFF_MAX_MS = 4000;

    private final URI uri;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger failedTries = new AtomicInteger();
    private final AtomicInteger failedInARow = new AtomicInteger();
    private volatile boolean stopped;

    private ReconnectingWsClient(URI uri) {
        this.uri = uri;
    }

    /**
     * Starts connecting (and reconnecting until {@link #close()}).
     *
     * @param uri ws:// URI
     * @return the client; its first connection may still be under way
     */
    public static ReconnectingWsClient start(URI uri) {
        ReconnectingWsClient client = new ReconnectingWsClient(uri);
        client.scheduler.execute(client::connect);
        return client;
    }

    /**
     * The connection with this index (0 is the first that opened), waiting for it to open.
     *
     * @param index which one
     * @param patience how long to wait for it
     * @return the connection
     */
    public Connection connection(int index, Duration patience) {
        await("connection #" + index + " opened").atMost(patience).until(() -> connections.size() > index);
        return connections.get(index);
    }

    /** Connections opened so far. */
    public int opened() {
        return connections.size();
    }

    /** Upgrades that failed (refused, or no connection) so far. */
    public int failedTries() {
        return failedTries.get();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        Connection connection = new Connection();
        http.newWebSocketBuilder().connectTimeout(WsTestClient.PATIENCE).buildAsync(uri, connection)
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        failedTries.incrementAndGet();
                        retryLater();
                    }
                });
    }

    private void retryLater() {
        if (stopped) {
            return;
        }
        long ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS << Math.min(failedInARow.getAndIncrement(), 10));
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        try {
            scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException ignored) {
            // closed meanwhile
        }
    }

    /** Stops reconnecting and closes the open connection. */
    @Override
    public void close() {
        stopped = true;
        scheduler.shutdownNow();
        for (Connection connection : connections) {
            connection.abort();
        }
        http.shutdownNow();
    }

    /** One connection: its frames in order and how it ended. */
    public final class Connection implements WebSocket.Listener {
        private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;

        private Connection() {
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            failedInARow.set(0);
            connections.add(this);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended(-1);
        }

        private void ended(int code) {
            if (closed.complete(code)) {
                retryLater();
            }
        }

        /** The next frame of this connection as JSON, failing the test if none arrives in time. */
        public JsonObject nextJson() throws InterruptedException {
            String frame = frames.poll(WsTestClient.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + WsTestClient.PATIENCE.toSeconds() + " s");
            }
            return WsTestClient.parse(frame);
        }

        /**
         * Skips frames until one matches, failing the test if none does in time.
         *
         * @param condition what to wait for
         * @return the matching frame
         */
        public JsonObject awaitJson(Predicate<JsonObject> condition) throws InterruptedException {
            long deadline = System.nanoTime() + WsTestClient.PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                String frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (frame != null) {
                    JsonObject json = WsTestClient.parse(frame);
                    if (condition.test(json)) {
                        return json;
                    }
                }
            }
            throw new AssertionError("no matching frame within " + WsTestClient.PATIENCE.toSeconds() + " s");
        }

        /** Frames received and not yet taken, without waiting. */
        public List<JsonObject> drain() {
            List<String> out = new ArrayList<>();
            frames.drainTo(out);
            return out.stream().map(WsTestClient::parse).toList();
        }

        /** Waits for the server to close this connection and returns the close code (-1: dropped). */
        public int awaitClose() throws Exception {
            try {
                return closed.get(WsTestClient.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("not closed within " + WsTestClient.PATIENCE.toSeconds() + " s");
            }
        }

        private void abort() {
            WebSocket open = socket;
            if (open != null) {
                open.abort();
            }
        }
    }
}

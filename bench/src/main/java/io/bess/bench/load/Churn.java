package io.bess.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Clients that come and go (the chaos scenario's churn): a new JDK WebSocket client at a steady rate, each of every
 * battery or of a few, each staying a random while and then leaving with a close frame. Every client keeps the
 * {@code seq} of the last state it received of each battery, from snapshot and update frames alike, so that it
 * can be compared with Redis. Connect outcomes are counted by the phase (fault) they happened in.
 */
final class Churn implements AutoCloseable {
    private static final Pattern BATTERY = Pattern.compile("\"battery:(\\d+):data\":\\{([^}]*)}");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(-?\\d+)");

    /** The churn's shape. */
    record Shape(double perSecond, Duration minStay, Duration maxStay, double everyBatteryShare, int batteries,
                 int mostBatteries) { }

    /** Connect outcomes in one phase. */
    static final class Outcomes {
        final AtomicLong attempts = new AtomicLong();
        final AtomicLong connected = new AtomicLong();
        final AtomicLong refused503 = new AtomicLong();
        final AtomicLong refusedOther = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
    }

    private final URI uri;
    private final Shape shape;
    private final Supplier<String> phase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Set<Client> live = ConcurrentHashMap.newKeySet();
    private final Map<String, Outcomes> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong closedByServer = new AtomicLong();
    private final AtomicLong left = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ids = new AtomicLong();
    private Thread pacer;

    /**
     * @param uri   ws:// of the balancer
     * @param shape the churn
     * @param phase names the phase now, to attribute connect outcomes
     */
    Churn(URI uri, Shape shape, Supplier<String> phase) {
        this.uri = uri;
        this.shape = shape;
        this.phase = phase;
    }

    void start() {
        pacer = Thread.ofPlatform().name("churn").start(() -> {
            long period = (long) (1e9 / shape.perSecond());
            long next = System.nanoTime();
            while (running.get()) {
                Thread.ofVirtual().name("churn-client").start(this::oneClient);
                next += period;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        });
    }

    /** The clients connected now. */
    List<Client> clients() {
        return List.copyOf(live);
    }

    Map<String, Outcomes> outcomes() {
        return outcomes;
    }

    /** Clients whose connection the server (or the balancer) ended while they meant to stay. */
    long closedByServer() {
        return closedByServer.get();
    }

    /** Clients that left when they meant to. */
    long left() {
        return left.get();
    }

    private void oneClient() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Set<Integer> watched = new TreeSet<>();
        if (random.nextDouble() >= shape.everyBatteryShare()) {
            int n = 1 + random.nextInt(shape.mostBatteries());
            while (watched.size() < n) {
                watched.add(1 + random.nextInt(shape.batteries()));
            }
        }
        long stay = shape.minStay().toNanos()
                + (long) (random.nextDouble() * (shape.maxStay().toNanos() - shape.minStay().toNanos()));
        Client client = new Client(ids.incrementAndGet(), watched, System.nanoTime() + stay);
        URI target = watched.isEmpty() ? uri : URI.create(uri + "?batteries="
                + watched.stream().map(String::valueOf).collect(Collectors.joining(",")));
        Outcomes counts = outcomes.computeIfAbsent(phase.get(), p -> new Outcomes());
        counts.attempts.incrementAndGet();
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(target, client)
                    .get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause();
            // attributed to the phase when the answer came: a refusal is judged by when it was given
            Outcomes now = outcomes.computeIfAbsent(phase.get(), p -> new Outcomes());
            if (cause instanceof WebSocketHandshakeException refusal) {
                (refusal.getResponse().statusCode() == 503 ? now.refused503 : now.refusedOther).incrementAndGet();
            } else {
                now.failed.incrementAndGet();
            }
            return;
        }
        counts.connected.incrementAndGet();
        client.connectedNanos = System.nanoTime();
        live.add(client);
        long wait;
        while ((wait = client.departNanos - System.nanoTime()) > 0 && !client.closed.get()) {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
        }
        client.leaving = true;
        live.remove(client);
        if (!client.closed.get()) {
            left.incrementAndGet();
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                .exceptionally(t -> null).join();
        socket.abort();
    }

    /** Stops connecting, and closes every client that is still there. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (pacer != null) {
            pacer.join();
        }
        for (Client client : live) {
            client.departNanos = System.nanoTime();
        }
    }

    /** Waits (at most the given time) until every client has left. */
    void awaitEmpty(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!live.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** One client: what it watches, when it leaves, and the last {@code seq} it received of each battery. */
    final class Client implements WebSocket.Listener {
        final long id;
        final Set<Integer> watched;
        volatile long departNanos;
        /** When its upgrade was answered. */
        volatile long connectedNanos;
        /** When its first frame (the snapshot) arrived; 0 before. */
        volatile long snapshotNanos;
        volatile boolean leaving;
        final AtomicBoolean closed = new AtomicBoolean();
        private final Map<Integer, Long> seqs = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();

        Client(long id, Set<Integer> watched, long departNanos) {
            this.id = id;
            this.watched = watched;
            this.departNanos = departNanos;
        }

        /** The last seq received of a battery, null when none. */
        Long seq(int battery) {
            return seqs.get(battery);
        }

        /** Whether it watches every battery. */
        boolean everyBattery() {
            return watched.isEmpty();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Matcher battery = BATTERY.matcher(partial);
                while (battery.find()) {
                    Matcher seq = SEQ.matcher(battery.group(2));
                    if (seq.find()) {
                        seqs.put(Integer.parseInt(battery.group(1)), Long.parseLong(seq.group(1)));
                    }
                }
                partial.setLength(0);
                if (snapshotNanos == 0) {
                    snapshotNanos = System.nanoTime();
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended();
        }

        private void ended() {
            if (closed.compareAndSet(false, true) && !leaving) {
                closedByServer.incrementAndGet();
                live.remove(this);
            }
        }

        @Override
        public String toString() {
            return "client " + id + (watched.isEmpty() ? " (every battery)" : " (batteries " + watched + ")");
        }
    }
}

package io.bess.bench.load;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Clients that come and go (the chaos scenario's churn): a new {@link ChurnClient} at a steady rate, each of every
 * battery or of a few, each staying a random while and then leaving with a close frame. Connect outcomes are counted
 * by the phase (fault) they happened in, and connections that ended before their client left by how they ended.
 */
final class Churn implements AutoCloseable {

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

    private final int port;
    private final Shape shape;
    private final Supplier<String> phase;
    private final Set<ChurnClient> live = ConcurrentHashMap.newKeySet();
    private final Map<String, Outcomes> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong closedByServer = new AtomicLong();
    /** How the connections that ended early ended (close code and reason, or the error), with the phase. */
    private final Map<String, AtomicLong> endings = new ConcurrentHashMap<>();
    private final AtomicLong left = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ids = new AtomicLong();
    private Thread pacer;

    /**
     * @param port  the balancer's loopback port
     * @param shape the churn
     * @param phase names the phase now, to attribute connect outcomes
     */
    Churn(int port, Shape shape, Supplier<String> phase) {
        this.port = port;
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
    List<ChurnClient> clients() {
        return List.copyOf(live);
    }

    Map<String, Outcomes> outcomes() {
        return outcomes;
    }

    /** Clients whose connection the server (or the balancer) ended while they meant to stay. */
    long closedByServer() {
        return closedByServer.get();
    }

    /** How the connections that ended before their client meant to leave ended, with counts. */
    Map<String, Long> endings() {
        Map<String, Long> out = new java.util.TreeMap<>();
        endings.forEach((how, n) -> out.put(how, n.get()));
        return out;
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
        ChurnClient client = new ChurnClient(ids.incrementAndGet(), watched, System.nanoTime() + stay);
        String target = watched.isEmpty() ? "/ws" : "/ws?batteries="
                + watched.stream().map(String::valueOf).collect(Collectors.joining(","));
        outcomes.computeIfAbsent(phase.get(), p -> new Outcomes()).attempts.incrementAndGet();
        int status;
        try {
            status = client.open(port, target);
        } catch (IOException | RuntimeException e) {
            status = -1;
        }
        // attributed to the phase when the answer came: a refusal is judged by when it was given
        Outcomes now = outcomes.computeIfAbsent(phase.get(), p -> new Outcomes());
        if (status != 101) {
            (status == 503 ? now.refused503 : status > 0 ? now.refusedOther : now.failed).incrementAndGet();
            return;
        }
        now.connected.incrementAndGet();
        client.connectedNanos = System.nanoTime();
        live.add(client);
        AtomicBoolean ended = new AtomicBoolean();
        Thread reader = Thread.ofVirtual().name("churn-read").start(() -> {
            String how = client.read();
            ended.set(true);
            if (how != null && !client.leaving) {
                closedByServer.incrementAndGet();
                endings.computeIfAbsent(how + " (" + phase.get() + ")", h -> new AtomicLong()).incrementAndGet();
                live.remove(client);
            }
        });
        long wait;
        while ((wait = client.departNanos - System.nanoTime()) > 0 && !ended.get()) {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
        }
        if (!ended.get()) {
            live.remove(client);
            left.incrementAndGet();
        }
        client.leave();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops connecting, and closes every client that is still there. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (pacer != null) {
            pacer.join();
        }
        for (ChurnClient client : live) {
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
}

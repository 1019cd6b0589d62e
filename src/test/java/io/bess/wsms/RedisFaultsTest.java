package io.bess.wsms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.bess.wsms.support.FaultProxy;
import io.bess.wsms.support.HeldStates;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.UpgradeProbe;
import io.bess.wsms.support.UpstreamWriter;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, part 8: network faults between the service and a real Redis, injected by a {@link FaultProxy} that both
 * the pooled read connections and the pub/sub subscriber connections go through. For each fault, with clients of
 * every battery and of a few connected and the upstream writer publishing (straight to Redis) during the fault:
 * no client is disconnected; a new upgrade is refused with 503 only while the service's reads really fail (never
 * under latency, a bandwidth limit or a reset, which reads survive); and once the fault clears and the writer has
 * stopped, every client holds Redis's state of every battery it watches within 5 s, with no further publish.
 * The service runs with its default Redis settings (2 s timeout, subscriber pings every 5 s).
 */
class RedisFaultsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** The bound: every client holds Redis's state this long after the fault clears. */
    private static final Duration CONVERGE = Duration.ofSeconds(5);
    /**
     * After a fault that makes reads fail clears, the service may refuse upgrades until its next read succeeds: a
     * read sent on a dead connection during the fault times out (redis.timeout, 2 s) before its one retry, and the
     * battery poll that notices Redis is back runs every second. Two timeouts and a poll, plus a margin.
     */
    private static final Duration REFUSAL_GRACE = Duration.ofSeconds(6);
    private static final int BATTERIES = 30;
    private static final int WRITES_PER_SECOND = 60;
    /**
     * An extra field in every hash (passed through to the clients), so that a state is about 1 KB: the service then
     * reads up to 60 KB/s, close to the bandwidth fault's 64 KB/s, which therefore bites.
     */
    private static final int FILLER_BYTES = 900;
    /** Three clients of every battery, three of a few. */
    private static final List<String> QUERIES = List.of("", "", "", "batteries=1,2,3", "batteries=4,29",
                                                        "batteries=7");

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<HeldStates> clients = new ArrayList<>();
    private TestRedis redis;
    private FaultProxy proxy;
    private ServiceFixture service;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void latencyOf200msDisconnectsNoClientRefusesNoUpgradeAndEveryClientConverges() throws Exception {
        survives(new Fault("200 ms latency", p -> p.latency(Duration.ofMillis(200)), Duration.ofSeconds(4), false,
                           true));
    }

    @Test
    void bandwidthOf64KBPerSecondDisconnectsNoClientRefusesNoUpgradeAndEveryClientConverges() throws Exception {
        survives(new Fault("64 KB/s bandwidth", p -> p.bandwidth(64 * 1024), Duration.ofSeconds(4), false, true));
    }

    @Test
    void stallOf3sDisconnectsNoClientRefusesOnlyWhileReadsFailAndEveryClientConverges() throws Exception {
        survives(new Fault("3 s stall", FaultProxy::stall, Duration.ofSeconds(3), true, false));
    }

    @Test
    void resetOfEveryConnectionDisconnectsNoClientRefusesNoUpgradeAndEveryClientConverges() throws Exception {
        // an instant fault: the writer goes on for a second while the service reconnects
        survives(new Fault("connection reset", FaultProxy::reset, Duration.ofSeconds(1), false, true));
    }

    @Test
    void halfOpenPathDisconnectsNoClientRefusesOnlyWhileReadsFailAndEveryClientConverges() throws Exception {
        // long enough for reads to fail: a read's first try on a dead connection and the new connection of its
        // retry each wait for the 2 s timeout, so a shorter fault only makes reads slow
        survives(new Fault("half-open path", FaultProxy::halfOpen, Duration.ofSeconds(8), true, false));
        // the black-holed connections stay dead after the fault: the service must have replaced them by itself
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(proxy.blackHoledConnections())
                .as("black-holed connections the service still holds").isZero());
    }

    /**
     * One fault.
     *
     * @param name          for messages
     * @param apply         switches it on
     * @param hold          how long it lasts, the writer publishing throughout
     * @param readsFail     whether the service's reads fail during it (then a 503 is allowed until it clears and
     *                      the service has read Redis again)
     * @param clientsJoin   whether new clients must connect and get their snapshot during it
     */
    private record Fault(String name, Consumer<FaultProxy> apply, Duration hold, boolean readsFail,
                         boolean clientsJoin) {
    }

    private void survives(Fault fault) throws Exception {
        start();
        for (int b = 1; b <= BATTERIES; b++) {
            redis.write(b, TestRedis.reading(System.currentTimeMillis(), 100 + b));
        }
        for (String query : QUERIES) {
            connect(query);
        }
        await().atMost(PATIENCE).until(() -> IntStream.rangeClosed(1, BATTERIES)
                .allMatch(b -> redis.subscribers(b) == 1));
        assertConverged(PATIENCE);
        UpgradeProbe probe = UpgradeProbe.start(service.port(), "/ws?batteries=1", Duration.ofMillis(250));
        open.add(probe);
        UpstreamWriter writer = UpstreamWriter.start(redis, BATTERIES, WRITES_PER_SECOND, FILLER_BYTES);
        open.add(writer);
        await().atMost(PATIENCE).until(() -> writer.written() >= WRITES_PER_SECOND);

        long writesBefore = writer.written();
        long bytesBefore = proxy.forwarded(FaultProxy.Direction.TO_SERVICE);
        long faultStart = System.nanoTime();
        fault.apply().accept(proxy);
        if (fault.clientsJoin()) {
            // new clients are served while the fault lasts: upgrade and snapshot
            connect("");
            connect("batteries=2,5");
        }
        long left = fault.hold().toNanos() - (System.nanoTime() - faultStart);
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
        long writes = writer.stop();
        proxy.clear();
        long cleared = System.nanoTime();
        double kbPerSecond = (proxy.forwarded(FaultProxy.Direction.TO_SERVICE) - bytesBefore) / 1024.0
                / ((cleared - faultStart) / 1e9);

        Convergence convergence = awaitConverged(CONVERGE);
        probe.close();

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(convergence.lagging()).as("%s: clients not holding Redis's state %d ms after the fault cleared"
                                                          + " (all converged after: %s)", fault.name(),
                                                  CONVERGE.toMillis(), convergence.describe()).isEmpty();
        List<UpgradeProbe.Attempt> refused = probe.attempts().stream().filter(a -> a.status() != 101).toList();
        long allowedUntil = cleared + REFUSAL_GRACE.toNanos();
        for (UpgradeProbe.Attempt attempt : refused) {
            soft.assertThat(fault.readsFail() && attempt.status() == 503
                                    && attempt.nanos() >= faultStart && attempt.nanos() <= allowedUntil)
                    .as("%s: upgrade answered %d %d ms after the fault started (cleared after %d ms)", fault.name(),
                        attempt.status(), (attempt.nanos() - faultStart) / 1_000_000,
                        (cleared - faultStart) / 1_000_000)
                    .isTrue();
        }
        for (HeldStates client : clients) {
            soft.assertThat(client.ended()).as(client + " was disconnected by the " + fault.name()).isNull();
        }
        System.out.println(fault.name() + ": " + writes + " writes (the fault began after "
                + writesBefore + "), Redis to service " + Math.round(kbPerSecond) + " KB/s during it, " + refused.size() + " of "
                + probe.attempts().size() + " probe upgrades refused, every client converged "
                + convergence.describe() + " after the fault cleared");
        soft.assertAll();
        // and the service takes new clients with their snapshot once more
        connect("");
    }

    /**
     * How long the clients took to hold Redis's state.
     *
     * @param millis  after this many ms, or -1 when not even within {@link #PATIENCE}
     * @param lagging what still differed at the bound, empty when they converged within it
     */
    private record Convergence(long millis, List<String> lagging) {
        String describe() {
            return millis < 0 ? "never within " + (CONVERGE.plus(PATIENCE).toSeconds()) + " s" : millis + " ms";
        }
    }

    /**
     * Waits until every client holds Redis's state; when that takes longer than the bound, goes on waiting (up to
     * {@link #PATIENCE} more) to tell the lead how far off it is.
     */
    private Convergence awaitConverged(Duration bound) {
        long from = System.nanoTime();
        List<String> lagging = List.of();
        try {
            assertConverged(bound);
            return new Convergence((System.nanoTime() - from) / 1_000_000, lagging);
        } catch (ConditionTimeoutException | AssertionError e) {
            lagging = summary(differences());
        }
        try {
            assertConverged(PATIENCE);
            return new Convergence((System.nanoTime() - from) / 1_000_000, lagging);
        } catch (ConditionTimeoutException | AssertionError e) {
            return new Convergence(-1, lagging);
        }
    }

    /** How many batteries each lagging client has wrong, and the first difference of each. */
    private static List<String> summary(List<String> differences) {
        Map<String, List<String>> byClient = differences.stream()
                .collect(Collectors.groupingBy(d -> d.substring(0, d.indexOf(':')), java.util.LinkedHashMap::new,
                                               Collectors.toList()));
        List<String> out = new ArrayList<>();
        byClient.forEach((client, lines) -> out.add(lines.size() + " batteries wrong at " + lines.getFirst()));
        return out;
    }

    private void start() {
        redis = TestRedis.start();
        open.add(redis);
        proxy = FaultProxy.start("127.0.0.1", redis.port());
        open.add(proxy);
        service = ServiceFixture.start(Map.of("redis.host", "127.0.0.1", "redis.port",
                                              Integer.toString(proxy.port())));
        open.add(service);
    }

    /** Connects a client and waits for its first frame, the snapshot. */
    private void connect(String query) throws Exception {
        Set<Integer> watched = query.isEmpty() ? Set.of() : Arrays.stream(query.substring("batteries=".length())
                .split(",")).map(Integer::parseInt).collect(Collectors.toSet());
        String name = "client " + (clients.size() + 1) + " of " + (query.isEmpty() ? "every battery" : query);
        HeldStates held = HeldStates.connect(service.port(), query, name, watched);
        open.add(held);
        clients.add(held);
        await().atMost(PATIENCE).until(() -> {
            held.absorb();
            return held.frames() > 0;
        });
    }

    /** Waits until every client holds Redis's state of every battery it watches. */
    private void assertConverged(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(summary(differences())).as("clients not holding Redis's state")
                        .isEmpty());
    }

    /** Every battery some client holds differently from Redis. */
    private List<String> differences() {
        Map<Integer, Map<String, String>> inRedis = redisState();
        List<String> differences = new ArrayList<>();
        for (HeldStates client : clients) {
            differences.addAll(client.differences(inRedis));
        }
        return differences;
    }

    /** Every battery's hash, read straight from Redis. */
    private Map<Integer, Map<String, String>> redisState() {
        Map<Integer, Map<String, String>> state = new HashMap<>();
        try (Jedis jedis = redis.jedis()) {
            for (int b = 1; b <= BATTERIES; b++) {
                state.put(b, jedis.hgetAll("battery:" + b + ":data"));
            }
        }
        return state;
    }
}

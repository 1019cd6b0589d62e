package io.bess.wsms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.IntStream;

import io.bess.wsms.observe.PrometheusText;
import io.bess.wsms.support.ClientView;
import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 1: a read of signalled batteries that fails for any reason is retried and its batteries owed,
 * never dropped. While Redis answers errors (NOPERM after an ACL change, BUSY during a long script) or answers
 * nothing (CLIENT PAUSE; a pool of one connection held by a blocked read), 200 batteries publish once each. After
 * the fault, every client holds Redis's final state of every battery it watches within 5 s, with no further publish.
 */
class RedisErrorRepliesTest {
    private static final int BATTERIES = 200;
    private static final Duration CONVERGED_WITHIN = Duration.ofSeconds(5);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<Integer> ALL = IntStream.rangeClosed(1, BATTERIES).boxed().toList();
    private static final List<Integer> SOME = IntStream.rangeClosed(1, 50).boxed().toList();

    private final List<AutoCloseable> open = new ArrayList<>();
    private TestRedis redis;
    private ServiceFixture service;
    private ClientView everyBattery;
    private ClientView someBatteries;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void readsRefusedWithNopermAreOwedAndDeliveredOnceTheAclAllowsThemAgain() throws Exception {
        start(Map.of());
        try (LogCapture status = LogCapture.of("io.bess.wsms.redis.RedisStatus", Level.INFO);
             Jedis admin = redis.jedis()) {
            // batteries with data that nobody watched yet: a snapshot of them must read Redis
            List<Integer> unwatched = IntStream.rangeClosed(201, 220).boxed().toList();
            unwatched.forEach(id -> admin.hset("battery:" + id + ":data", TestRedis.reading(3_000, id)));
            admin.aclSetUser("default", "-hgetall");
            publishNewStates(admin);
            String ids = String.join(",", unwatched.stream().map(String::valueOf).toList());
            WsTestClient late = track(WsTestClient.connect(service.ws("batteries=" + ids)));
            Thread.sleep(1_500);
            assertThat(late.drain()).as("no snapshot while it cannot be read whole").isEmpty();
            admin.aclSetUser("default", "+@all");
            awaitConvergence();
            assertThat(late.nextJson()).as("the whole snapshot once Redis answers, never a partial one")
                    .hasSize(unwatched.size());
            assertThat(failedReads("noperm")).as("the reads were refused").isPositive();
            assertThat(status.count(Level.WARNING, "cannot be read")).as("1.5 s of refusals is no outage: %s",
                                                                          status.text()).isZero();
            assertThat(status.count(Level.WARNING, "Redis refused")).as(status.text()).isEqualTo(1);
        }
    }

    @Test
    void readsAnsweredBusyDuringALongScriptAreOwedAndDeliveredWhenItEnds() throws Exception {
        start(Map.of());
        try (Jedis admin = new Jedis("127.0.0.1", redis.port(), 30_000)) {
            // Redis 6.2's name of busy-reply-threshold: a script running longer makes Redis answer BUSY to others
            admin.configSet("lua-time-limit", "100");
            storeNewStates(admin);
            Pipeline pipeline = admin.pipelined();
            pipeline.sendCommand(Protocol.Command.MULTI, new String[0]);
            publishAll(pipeline);
            // in the same transaction: the service's reads of these publishes arrive while the script runs
            pipeline.eval("local s = redis.call('TIME') local t0 = s[1] * 1000000 + s[2]"
                                  + " repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] - t0 > 2000000"
                                  + " return 1");
            pipeline.sendCommand(Protocol.Command.EXEC, new String[0]);
            pipeline.sync();
            awaitConvergence();
            assertThat(failedReads("busy")).as("the reads were answered BUSY").isPositive();
        }
    }

    @Test
    void readsWaitingForAPoolOfOneConnectionHeldByABlockedReadAreOwed() throws Exception {
        start(Map.of("redis.pool-size", "1", "redis.timeout", "1s"));
        try (Jedis admin = redis.jedis()) {
            // the first read takes the one pooled connection and blocks; the other readers wait for it and give up
            publishThenPause(admin, 1_500);
            awaitConvergence();
            assertThat(failedReads("pool_exhausted")).as("readers gave up waiting for the pool").isPositive();
        }
    }

    @Test
    void readsBlockedByClientPauseAreOwedAndDeliveredAfterThePause() throws Exception {
        start(Map.of());
        try (Jedis admin = redis.jedis()) {
            // longer than a read and its retry (2 s each): the reads fail, which is an outage, and resync after it
            publishThenPause(admin, 4_500);
            awaitConvergence();
            PrometheusText metrics = PrometheusText.scrape(service);
            assertThat(metrics.samples("wsms_update_reads_failed_total", Map.of()).stream()
                               .mapToDouble(PrometheusText.Sample::value).sum())
                    .as("the reads failed: %s", metrics.samples("wsms_update_reads_failed_total", Map.of()).stream()
                            .filter(sample -> sample.value() > 0).toList())
                    .isPositive();
        }
    }

    /** Redis with 200 batteries, the service, and two clients (every battery; batteries 1-50) holding them all. */
    private void start(Map<String, String> overrides) throws Exception {
        redis = track(TestRedis.start());
        try (Jedis jedis = redis.jedis(); Pipeline pipeline = jedis.pipelined()) {
            for (int id : ALL) {
                pipeline.sadd("info:batteries:ids", Integer.toString(id));
                pipeline.hset("battery:" + id + ":data", TestRedis.reading(1_000, 100));
            }
            pipeline.sync();
        }
        Map<String, String> settings = new HashMap<>(redis.settings());
        settings.putAll(overrides);
        service = track(ServiceFixture.start(settings));
        everyBattery = new ClientView(track(WsTestClient.connect(service.ws(null))));
        String some = String.join(",", SOME.stream().map(String::valueOf).toList());
        someBatteries = new ClientView(track(WsTestClient.connect(service.ws("batteries=" + some))));
        Map<Integer, Map<String, String>> seeded = redis.states(ALL);
        await().atMost(PATIENCE).until(() -> everyBattery.differences(seeded).isEmpty()
                && someBatteries.differences(subset(seeded, SOME)).isEmpty());
        String[] channels = ALL.stream().map(id -> "battery:" + id + ":data").toArray(String[]::new);
        await().atMost(PATIENCE).until(() -> {
            try (Jedis jedis = redis.jedis()) {
                return jedis.pubsubNumSub(channels).values().stream().allMatch(n -> n >= 1);
            }
        });
    }

    private void publishNewStates(Jedis jedis) {
        storeNewStates(jedis);
        Pipeline pipeline = jedis.pipelined();
        publishAll(pipeline);
        pipeline.sync();
    }

    /** Stores and publishes every battery's next state, then pauses Redis for every client until the pause ends. */
    private static void publishThenPause(Jedis admin, int millis) throws InterruptedException {
        storeNewStates(admin);
        Pipeline pipeline = admin.pipelined();
        pipeline.sendCommand(Protocol.Command.MULTI, new String[0]);
        publishAll(pipeline);
        pipeline.sendCommand(Protocol.Command.CLIENT, "PAUSE", Integer.toString(millis), "ALL");
        pipeline.sendCommand(Protocol.Command.EXEC, new String[0]);
        pipeline.sync();
        Thread.sleep(millis);
    }

    /** Every battery's next state (timestamp 2,000, a voltage of its own), as upstream writes it before publishing. */
    private static void storeNewStates(Jedis jedis) {
        Pipeline pipeline = jedis.pipelined();
        for (int id : ALL) {
            pipeline.hset("battery:" + id + ":data", TestRedis.reading(2_000, 200 + id % 100));
        }
        pipeline.sync();
    }

    /**
     * The publishes of every battery, queued on a pipeline. The tests wrap them in MULTI/EXEC with the fault's command
     * last: Redis runs them all at once, so the fault holds before the service's reads of the publishes arrive
     * (without it, the 10 KB pipeline may reach Redis in two reads, and reads slip in before the fault).
     */
    private static void publishAll(Pipeline pipeline) {
        for (int id : ALL) {
            pipeline.publish("battery:" + id + ":data", "updates");
        }
    }

    private void awaitConvergence() {
        Map<Integer, Map<String, String>> wanted = redis.states(ALL);
        assertThat(wanted.get(BATTERIES)).containsEntry("timestamp", "2000");
        await().atMost(CONVERGED_WITHIN).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(everyBattery.differences(wanted)).as("client of every battery").isEmpty();
            assertThat(someBatteries.differences(subset(wanted, SOME))).as("client of batteries 1-50").isEmpty();
        });
    }

    private double failedReads(String reason) {
        return PrometheusText.scrape(service).value("wsms_update_reads_failed_total", Map.of("reason", reason));
    }

    private static Map<Integer, Map<String, String>> subset(Map<Integer, Map<String, String>> states,
                                                            List<Integer> ids) {
        Map<Integer, Map<String, String>> subset = new HashMap<>();
        ids.forEach(id -> subset.put(id, states.get(id)));
        return subset;
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }
}

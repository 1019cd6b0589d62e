package io.bess.wsms;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.bess.wsms.observe.Http;
import io.bess.wsms.observe.PrometheusText;
import io.bess.wsms.support.Haproxy;
import io.bess.wsms.support.ReconnectingWsClient;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.ServiceProcess;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.Tool;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, point 6: instances share nothing but Redis, so a WebSocket-aware balancer can spread clients over them.
 * Debian's haproxy runs the shipped {@code deploy/haproxy.cfg} in front of two real service processes on one Redis.
 * A client of an instance stopped with SIGTERM gets 1001, reconnects through the balancer to the other instance and
 * resumes from its snapshot; haproxy marks the stopped instance DOWN, sends new clients to the live one, and takes
 * the restarted one back (leastconn sends it the next client). An upgrade that one instance refuses with 503 is
 * retried on the other, unseen by the client.
 */
@RequiresTool(Tool.HAPROXY)
class LoadBalancerFailoverTest {
    /** Generous: process starts, health-check transitions and reconnects on a loaded 2-core machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** SIGTERM to the client's 1001: the graceful stop's first act. Seen here: 6-20 ms. Past 5 s is broken. */
    private static final Duration CLOSED = Duration.ofSeconds(5);
    /**
     * SIGTERM to the client's snapshot from the other instance, through haproxy: its reconnect backoff starts at
     * 500 ms. Seen here: 311-594 ms, no failed try. Past 10 s is broken.
     */
    private static final Duration RESUMED = Duration.ofSeconds(10);
    /**
     * SIGTERM to the stopped instance marked DOWN in haproxy: by deploy/haproxy.cfg (check every 2 s, 500 ms while
     * changing, fall 2) about 2.5 s at most. Seen here: 1,651-1,797 ms. Past 10 s the shipped config is not doing its
     * job.
     */
    private static final Duration MARKED_DOWN = Duration.ofSeconds(10);
    private static final String BATTERY = "battery:1:data";

    @TempDir
    Path dir;

    @Test
    void aClientOfAnInstanceStoppedWithSigtermGets1001AndResumesOnTheOtherFromItsSnapshotThroughHaproxy()
            throws Exception {
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        List<WsTestClient> others = new ArrayList<>();
        try (TestRedis redis = TestRedis.start();
             ServiceProcess ws1 = instance(redis, "ws1", Map.of());
             ServiceProcess ws2 = instance(redis, "ws2", Map.of())) {
            ws1.awaitAccepting();
            ws2.awaitAccepting();
            // the pipeline's writer, for the whole test: battery 1 ten times a second, "seq" counting its writes
            AtomicLong seq = new AtomicLong();
            write(redis, seq);
            writer.scheduleAtFixedRate(() -> write(redis, seq), 100, 100, TimeUnit.MILLISECONDS);

            try (Haproxy haproxy = Haproxy.start(Tool.HAPROXY.path(), dir, ws1.port(), ws2.port());
                 ReconnectingWsClient client = ReconnectingWsClient.start(haproxy.ws())) {
                awaitStatus(haproxy, "ws1", "UP");
                awaitStatus(haproxy, "ws2", "UP");
                ReconnectingWsClient.Connection first = client.connection(0, PATIENCE);
                JsonObject snapshot = first.nextJson();
                assertThat(snapshot).containsOnlyKeys(BATTERY);
                long lastSeen = seq(first.awaitJson(frame -> seq(frame) > seq(snapshot)));

                // which instance holds the client: each one's own count, and haproxy's
                await().atMost(PATIENCE).until(() -> clients(ws1) + clients(ws2) == 1);
                boolean onFirst = clients(ws1) == 1;
                ServiceProcess stopped = onFirst ? ws1 : ws2;
                ServiceProcess live = onFirst ? ws2 : ws1;
                String stoppedName = onFirst ? "ws1" : "ws2";
                String liveName = onFirst ? "ws2" : "ws1";
                assertThat(haproxy.servers().get(stoppedName).current()).isEqualTo(1);

                long signalled = System.nanoTime();
                stopped.sigterm();
                assertThat(first.awaitClose()).isEqualTo(1001);
                long closedMillis = millisSince(signalled);
                for (JsonObject frame : first.drain()) {
                    lastSeen = Math.max(lastSeen, seq(frame));
                }

                ReconnectingWsClient.Connection second = client.connection(1, PATIENCE);
                JsonObject resync = second.nextJson();
                long resyncMillis = millisSince(signalled);
                assertThat(resync).containsOnlyKeys(BATTERY);
                assertThat(seq(resync)).as("the new snapshot is never older than what the client already had")
                        .isGreaterThanOrEqualTo(lastSeen);
                await().atMost(PATIENCE).until(() -> clients(live) == 1);
                assertThat(stopped.waitFor(PATIENCE)).as("the stopped instance exited").isTrue();
                assertThat(stopped.exitValue()).as(stopped.logText()).isZero();
                second.awaitJson(frame -> seq(frame) > seq(resync));

                awaitStatus(haproxy, stoppedName, "DOWN");
                long downMillis = millisSince(signalled);
                assertThat(haproxy.logText()).contains("Server wsms/" + stoppedName + " is DOWN");

                // new clients go to the live instance only: haproxy no longer even tries the stopped one
                long triedStopped = haproxy.servers().get(stoppedName).total();
                for (int i = 0; i < 3; i++) {
                    WsTestClient more = WsTestClient.connect(haproxy.ws());
                    others.add(more);
                    assertThat(more.nextJson()).containsOnlyKeys(BATTERY);
                }
                await().atMost(PATIENCE).until(() -> clients(live) == 4);
                assertThat(haproxy.servers().get(stoppedName).total()).isEqualTo(triedStopped);
                assertThat(haproxy.servers().get(liveName).current()).isEqualTo(4);
                assertThat(client.opened()).as("the reconnecting client stayed on its second connection").isEqualTo(2);

                // a rolling restart brings it back: UP after its checks pass, and leastconn gives it the next client
                try (ServiceProcess restarted = ServiceProcess.start(dir.resolve(stoppedName), stopped.port(),
                                                                     redisEnv(redis, Map.of()))) {
                    restarted.awaitAccepting();
                    awaitStatus(haproxy, stoppedName, "UP");
                    WsTestClient next = WsTestClient.connect(haproxy.ws());
                    others.add(next);
                    assertThat(next.nextJson()).containsOnlyKeys(BATTERY);
                    await().atMost(PATIENCE).until(() -> clients(restarted) == 1);
                    assertThat(clients(live)).isEqualTo(4);
                }
                assertThat(closedMillis).as("ms from SIGTERM to 1001").isLessThan(CLOSED.toMillis());
                assertThat(resyncMillis).as("ms from SIGTERM to the snapshot from " + liveName)
                        .isLessThan(RESUMED.toMillis());
                assertThat(downMillis).as("ms from SIGTERM to DOWN in haproxy").isLessThan(MARKED_DOWN.toMillis());
                System.out.println("haproxy failover: SIGTERM to " + stoppedName + ", its client closed with 1001 after "
                        + closedMillis + " ms, snapshot from " + liveName + " after " + resyncMillis + " ms (after "
                        + client.failedTries() + " failed tries), " + stoppedName + " DOWN in haproxy after "
                        + downMillis + " ms\n" + haproxy.logText());
            }
        } finally {
            writer.shutdownNow();
            others.forEach(WsTestClient::abort);
        }
    }

    /**
     * Two in-process instances suffice here (no signal involved); they share the JVM's metrics registry, so the
     * counts come from their hubs and from haproxy.
     */
    @Test
    void anUpgradeOneInstanceRefusesWith503IsRetriedByHaproxyOnTheOther() throws Exception {
        List<WsTestClient> clients = new ArrayList<>();
        Map<String, String> limited = new HashMap<>();
        try (TestRedis redis = TestRedis.start()) {
            limited.putAll(redis.settings());
            limited.put("ws.max-connections", "1");
            write(redis, new AtomicLong());
            try (ServiceFixture full = ServiceFixture.start(limited);
                 ServiceFixture roomy = ServiceFixture.start(redis.settings());
                 Haproxy haproxy = Haproxy.start(Tool.HAPROXY.path(), dir, full.port(), roomy.port());
                 WsTestClient direct = WsTestClient.connect(full.ws(""))) {
                awaitStatus(haproxy, "ws1", "UP");
                awaitStatus(haproxy, "ws2", "UP");
                // ws1 is now at its limit, unknown to haproxy (none of haproxy's connections is on it), so leastconn
                // keeps choosing it first: it answers 503 too_many_connections, and haproxy must move the upgrade
                assertThat(direct.nextJson()).containsOnlyKeys(BATTERY);
                for (int i = 0; i < 4; i++) {
                    WsTestClient client = WsTestClient.connect(haproxy.ws());
                    clients.add(client);
                    assertThat(client.nextJson()).containsOnlyKeys(BATTERY);
                }
                assertThat(haproxy.servers().get("ws1").redispatched()).as("upgrades haproxy moved from ws1")
                        .isGreaterThanOrEqualTo(1);
                assertThat(full.service().hub().size()).isEqualTo(1);
                await().atMost(PATIENCE).until(() -> roomy.service().hub().size() == 4);
            }
        } finally {
            clients.forEach(WsTestClient::abort);
        }
    }

    private ServiceProcess instance(TestRedis redis, String name, Map<String, String> env) {
        return ServiceProcess.start(dir.resolve(name), TestRedis.freePort(), redisEnv(redis, env));
    }

    private static Map<String, String> redisEnv(TestRedis redis, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("REDIS_HOST", "127.0.0.1");
        all.put("REDIS_PORT", Integer.toString(redis.port()));
        return all;
    }

    private static void write(TestRedis redis, AtomicLong seq) {
        long next = seq.incrementAndGet();
        Map<String, String> fields = new HashMap<>(TestRedis.reading(System.currentTimeMillis(), (int) (next % 600)));
        fields.put("seq", Long.toString(next));
        redis.write(1, fields);
    }

    private static long seq(JsonObject frame) {
        return frame.getJsonObject(BATTERY).getJsonNumber("seq").longValue();
    }

    private static void awaitStatus(Haproxy haproxy, String server, String status) {
        await(server + " " + status + " in haproxy").atMost(PATIENCE).ignoreExceptions()
                .until(() -> haproxy.servers().get(server).status().equals(status));
    }

    private static double clients(ServiceProcess instance) {
        return scrape(instance).value("wsms_clients_connected");
    }

    private static PrometheusText scrape(ServiceProcess instance) {
        return PrometheusText.parse(Http.get(instance.http("/observe/metrics")).body());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}

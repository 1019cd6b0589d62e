package io.bess.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.bess.wsms.support.FaultProxy;

/**
 * The chaos scenario (issue 14, part 8): two service instances behind the shipped {@code deploy/haproxy.cfg}, the
 * service's own {@link FaultProxy} between both instances and Redis, clients coming and going through the balancer
 * at a steady rate ({@link Churn}), the upstream writer publishing, and every period one of five faults. After each
 * fault clears the writer pauses and the bench checks that every connected client's last state of every battery it
 * watches is Redis's: how long that took, and how many states never got there within the window.
 *
 * <p>Environment: {@code CHAOS_MINUTES} (10), {@code CHAOS_CONNECTS} (connects per second, 50), {@code CHAOS_PERIOD}
 * (seconds between faults, 30), {@code CHAOS_WINDOW} (seconds a client may take to converge, 10).
 */
final class Chaos {
    /** Writes per second, all batteries together: each battery changes about once a second. */
    private static final double WRITES_PER_SECOND = 50;
    private static final int BATTERIES = 50;
    /** Calm time at the start of each period, before its fault. */
    private static final Duration LEAD = Duration.ofSeconds(4);
    /**
     * After a fault that makes reads fail clears, refusals are still expected for a while: the instances read Redis
     * again (up to two 2 s timeouts and a 1 s poll) and haproxy's checks need two passes to put them back.
     */
    static final Duration REFUSAL_GRACE = Duration.ofSeconds(8);

    /** The five faults, in the order they come; the hold is how long the fault lasts with the writer on. */
    enum Fault {
        LATENCY("200 ms latency", Duration.ofSeconds(5), false, p -> p.latency(Duration.ofMillis(200))),
        STALL("3 s stall", Duration.ofSeconds(3), true, FaultProxy::stall),
        // instantaneous: the writer goes on while the instances reconnect
        RESET("connection reset", Duration.ofSeconds(2), false, FaultProxy::reset),
        BANDWIDTH("64 KB/s bandwidth", Duration.ofSeconds(5), false, p -> p.bandwidth(64 * 1024)),
        // long enough for reads to fail (a read's try and its retry's new connection each wait 2 s)
        HALF_OPEN("half-open path", Duration.ofSeconds(8), true, FaultProxy::halfOpen);

        final String label;
        final Duration hold;
        /** Whether the instances' reads may fail during it: only then may an upgrade be refused with 503. */
        final boolean readsMayFail;
        private final Consumer<FaultProxy> apply;

        Fault(String label, Duration hold, boolean readsMayFail, Consumer<FaultProxy> apply) {
            this.label = label;
            this.hold = hold;
            this.readsMayFail = readsMayFail;
            this.apply = apply;
        }
    }

    /** The run's length and pace, from the environment. */
    record Settings(Duration length, Duration period, Duration window, double connectsPerSecond) {
        static Settings fromEnvironment() {
            return new Settings(Duration.ofSeconds((long) (60 * number("CHAOS_MINUTES", 10))),
                                Duration.ofSeconds((long) number("CHAOS_PERIOD", 30)),
                                Duration.ofSeconds((long) number("CHAOS_WINDOW", 10)),
                                number("CHAOS_CONNECTS", 50));
        }

        private static double number(String name, double fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : Double.parseDouble(value);
        }

        int cycles() {
            return (int) Math.max(1, length.toSeconds() / period.toSeconds());
        }
    }

    /**
     * One fault and the clients' convergence after it.
     *
     * @param convergedMillis ms from the fault's end until every checked client held Redis's state; -1: not within
     *                        the window
     * @param lateMillis      the same, measured past the window when it took longer (then the clients there at
     *                        the time); -1: not even by the next period
     * @param checked         clients checked (connected, past their snapshot, staying past the window)
     * @param neverConverged  (client, battery) states still not Redis's at the end of the window
     * @param example         one such state, for the report
     * @param kbPerSecond     what the proxy delivered from Redis to the instances while the fault lasted
     */
    record Cycle(int index, Fault fault, long convergedMillis, long lateMillis, int checked, int neverConverged,
                 String example, double kbPerSecond) {
        String describe(Duration window) {
            if (convergedMillis >= 0) {
                return "converged in " + convergedMillis + " ms";
            }
            return "NOT converged within " + window.toSeconds() + " s ("
                    + (lateMillis < 0 ? "nor by the next period" : "converged after " + lateMillis + " ms") + ")";
        }
    }

    private final Settings settings;
    private volatile Fault active;
    private volatile Fault last;
    private volatile long clearedNanos;

    private Chaos(Settings settings) {
        this.settings = settings;
    }

    /** The phase a connect outcome belongs to: the fault, from its start until the refusal grace after its end. */
    private String phase() {
        Fault now = active;
        if (now != null) {
            return now.label;
        }
        Fault before = last;
        return before != null && System.nanoTime() - clearedNanos < REFUSAL_GRACE.toNanos() ? before.label : "no fault";
    }

    /**
     * Runs the scenario and writes {@code CHAOS.md} into {@code out}.
     *
     * @param env           where the service jar, Redis and Java are
     * @param out           report directory
     * @param haproxy       the haproxy binary
     * @param haproxyConfig the shipped {@code deploy/haproxy.cfg}
     */
    static void run(Target.Env env, Path out, Path haproxy, Path haproxyConfig) throws Exception {
        Settings settings = Settings.fromEnvironment();
        new Chaos(settings).run(env, out, haproxy, haproxyConfig, settings);
    }

    private void run(Target.Env env, Path out, Path haproxy, Path haproxyConfig, Settings s) throws Exception {
        long started = System.currentTimeMillis();
        int redisPort = Procs.freePort();
        Process redis = Target.startRedis(env, redisPort, "chaos");
        List<Process> services = new ArrayList<>();
        Process balancer = null;
        FaultProxy proxy = FaultProxy.start("127.0.0.1", redisPort);
        ChaosWriter writer = null;
        try {
            writer = new ChaosWriter(redisPort, BATTERIES, WRITES_PER_SECOND);
            int[] ports = {Procs.freePort(), Procs.freePort()};
            for (int i = 0; i < 2; i++) {
                Path log = env.logDir().resolve("chaos-service-" + (i + 1) + ".log");
                Process p = Target.startServiceJar(env, Map.of("REDIS_HOST", "127.0.0.1",
                        "REDIS_PORT", Integer.toString(proxy.port()), "WS_HOST", "127.0.0.1",
                        "WS_PORT", Integer.toString(ports[i]), "SIMULATOR", "off",
                        // the shipped haproxy.cfg sends each client's address with the PROXY protocol
                        "WS_TRUSTED_PROXIES", "127.0.0.1"), log);
                services.add(p);
                Procs.awaitPort(p, ports[i], 60_000, log);
            }
            int port = Procs.freePort();
            Path haproxyLog = env.logDir().resolve("chaos-haproxy.log");
            balancer = Procs.start(List.of(haproxy.toString(), "-db", "-f", haproxyConfig.toString()),
                    Map.of("WSMS_LISTEN", "127.0.0.1:" + port, "WSMS_1", "127.0.0.1:" + ports[0],
                            "WSMS_2", "127.0.0.1:" + ports[1], "WSMS_STATS", "127.0.0.1:" + Procs.freePort()),
                    env.logDir().toFile(), haproxyLog);
            URI ws = URI.create("ws://127.0.0.1:" + port + "/ws");
            awaitUpgrade(ws);
            long[] rssStart = rss(services);
            Suite.log("chaos: two instances behind haproxy, FaultProxy on %d -> Redis %d; %d cycles of %d s, %.0f"
                    + " connects/s", proxy.port(), redisPort, s.cycles(), s.period().toSeconds(),
                    s.connectsPerSecond());

            Churn churn = new Churn(port, new Churn.Shape(s.connectsPerSecond(), Duration.ofSeconds(4),
                    Duration.ofSeconds(16), 0.25, BATTERIES, 3), this::phase);
            churn.start();
            List<Cycle> cycles = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int k = 0; k < s.cycles(); k++) {
                Fault fault = Fault.values()[k % Fault.values().length];
                sleepUntil(t0 + k * s.period().toNanos() + LEAD.toNanos());
                // the check may go on past its window until a second before the next period
                cycles.add(cycle(k, fault, proxy, writer, churn, t0 + (k + 1) * s.period().toNanos()
                        - TimeUnit.SECONDS.toNanos(1)));
                Cycle c = cycles.getLast();
                Suite.log("chaos cycle %d %s (Redis to instances %.0f KB/s during it): %s, %d clients checked, %d"
                        + " states never converged within the window%s", k + 1, fault.label, c.kbPerSecond(),
                        c.describe(s.window()), c.checked(), c.neverConverged(),
                        c.example().isEmpty() ? "" : " (e.g. " + c.example() + ")");
            }
            sleepUntil(t0 + s.cycles() * s.period().toNanos());
            long[] rssEnd = rss(services);
            int connectedAtEnd = churn.clients().size();
            churn.close();
            churn.awaitEmpty(Duration.ofSeconds(30));
            Thread.sleep(5_000);
            long[] rssEmpty = rss(services);
            ChaosReport.write(out, new ChaosReport.Run(s, env.serviceLabel(), cycles, churn.outcomes(),
                    churn.closedByServer(), churn.endings(), churn.left(), writer.written(), rssStart, rssEnd, connectedAtEnd,
                    rssEmpty, (System.currentTimeMillis() - started) / 1000));
        } finally {
            // the instances first: stopped while the proxy still forwards, they log no outage on the way out
            Procs.stop(balancer);
            services.forEach(Procs::stop);
            proxy.close();
            if (writer != null) {
                writer.close();
            }
            Procs.stop(redis);
        }
    }

    /**
     * One fault: on for its hold, then off; then the writer pauses while convergence is checked: within the window,
     * and when it takes longer, on until {@code lastChance} to tell how late it came.
     */
    private Cycle cycle(int index, Fault fault, FaultProxy proxy, ChaosWriter writer, Churn churn, long lastChance)
            throws IOException, InterruptedException {
        long bytes = proxy.forwarded(FaultProxy.Direction.TO_SERVICE);
        long start = System.nanoTime();
        active = fault;
        fault.apply.accept(proxy);
        Thread.sleep(fault.hold);
        writer.pause();
        proxy.clear();
        long cleared = System.nanoTime();
        double kbPerSecond = (proxy.forwarded(FaultProxy.Direction.TO_SERVICE) - bytes) / 1024.0
                / ((cleared - start) / 1e9);
        last = fault;
        clearedNanos = cleared;
        active = null;
        try {
            Map<Integer, Long> redis = writer.seqs();
            long windowEnd = cleared + settings.window().toNanos();
            Check atWindowEnd = null;
            while (true) {
                long now = System.nanoTime();
                // within the window: the clients that stay past it; after it (measuring how late it converged):
                // the clients there now
                Check check = check(churn, redis, cleared, atWindowEnd == null ? windowEnd : now);
                // no client to check proves nothing (right after a fault every upgrade may have been refused)
                if (check.wrong() == 0 && check.checked() > 0) {
                    long millis = (now - cleared) / 1_000_000;
                    return atWindowEnd == null
                            ? new Cycle(index, fault, millis, millis, check.checked(), 0, "", kbPerSecond)
                            : new Cycle(index, fault, -1, millis, atWindowEnd.checked(), atWindowEnd.wrong(),
                                        atWindowEnd.example(), kbPerSecond);
                }
                if (atWindowEnd == null && now > windowEnd) {
                    atWindowEnd = check;
                }
                if (now > lastChance) {
                    return new Cycle(index, fault, -1, -1, atWindowEnd.checked(), atWindowEnd.wrong(),
                                     atWindowEnd.checked() == 0 ? "no client to check" : atWindowEnd.example(),
                                     kbPerSecond);
                }
                Thread.sleep(100);
            }
        } finally {
            writer.resume();
        }
    }

    /** How many states of the checked clients differ from Redis's, and one of them. */
    private record Check(int checked, int wrong, String example) { }

    /**
     * Compares the clients that stay past {@code staying} with Redis; a client that connected before the fault
     * cleared and still has no snapshot counts as wrong for every battery it watches.
     */
    private static Check check(Churn churn, Map<Integer, Long> redis, long cleared, long staying) {
        int checked = 0;
        int wrong = 0;
        String example = "";
        for (ChurnClient client : churn.clients()) {
            if (client.departNanos < staying || client.snapshotNanos == 0 && client.connectedNanos > cleared) {
                continue;
            }
            checked++;
            for (int b = 1; b <= BATTERIES; b++) {
                if ((client.everyBattery() || client.watched.contains(b)) && !redis.get(b).equals(client.seq(b))) {
                    wrong++;
                    if (example.isEmpty()) {
                        example = client + " holds seq " + client.seq(b) + " of battery " + b + ", Redis "
                                + redis.get(b);
                    }
                }
            }
        }
        return new Check(checked, wrong, example);
    }

    /** Waits (at most 60 s) until an upgrade through the balancer succeeds: both sides are up. */
    private static void awaitUpgrade(URI ws) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                WebSocket socket = http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() { })
                        .get(10, TimeUnit.SECONDS);
                socket.abort();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no WebSocket upgrade through haproxy at " + ws + " within 60 s: " + e);
                }
                Thread.sleep(500);
            }
        }
    }

    private static long[] rss(List<Process> processes) {
        return processes.stream().mapToLong(p -> Procs.rssKb(p.pid())).toArray();
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}

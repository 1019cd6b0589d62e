package io.bess.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

/**
 * The end-to-end suite: for each scenario, runs raw Redis, the Node peer and the service one after the
 * other on the same machine (each against a fresh Redis), then writes RESULTS.md and the SVG plots.
 *
 * <p>Options: {@code --scenarios a,b --targets raw,peer,service[,image] --measure S --out DIR --service-jar P
 * --service-dir P --service-image DIR --peer-dir P --java-home P --redis-server P --threads N --service-opts "..."}.
 * Target {@code image} runs the service from its jlink image ({@code DIR/bin/start}, the service options as
 * {@code JAVA_OPTS}) beside the {@code java -jar} run.
 */
public final class Suite {
    private final Target.Env env;
    private final int threads;
    private final double measure;

    Suite(Target.Env env, int threads, double measure) {
        this.env = env;
        this.threads = threads;
        this.measure = measure;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        List<String> scenarios = List.of(o.getOrDefault("scenarios", String.join(",", Scenario.ALL)).split(","));
        List<Target> targets = Arrays.stream(o.getOrDefault("targets", "raw,peer,service").split(","))
                .map(s -> Target.valueOf(s.trim().toUpperCase())).toList();
        Path out = Path.of(o.getOrDefault("out", "."));
        Target.Env env = new Target.Env(
                o.getOrDefault("redis-server", "redis-server"),
                o.getOrDefault("java-home", System.getProperty("java.home")),
                Path.of(o.getOrDefault("service-jar", "../target/websocket-server-ms.jar")),
                Path.of(o.getOrDefault("service-dir", "..")),
                Path.of(o.getOrDefault("service-image", "../target/jlink-image")),
                Path.of(o.getOrDefault("peer-dir", "/tmp/wsms-bench-peer")),
                o.containsKey("service-opts") && !o.get("service-opts").isBlank()
                        ? List.of(o.get("service-opts").trim().split("\\s+")) : List.of(),
                Path.of(o.getOrDefault("logs", out.resolve("target/logs").toString())),
                o.getOrDefault("service-label", "?"));
        Suite suite = new Suite(env, Integer.parseInt(o.getOrDefault("threads", "2")),
                Double.parseDouble(o.getOrDefault("measure", "10")));
        long started = System.currentTimeMillis();
        Map<String, List<Result>> all = new LinkedHashMap<>();
        for (String name : scenarios) {
            if (name.trim().equals(Scenario.CHAOS)) {
                // its own shape: two instances behind haproxy, the fault proxy, churn; not per target
                Chaos.run(env, out, Path.of(o.getOrDefault("haproxy", "/usr/sbin/haproxy")),
                        Path.of(o.getOrDefault("haproxy-config", "../deploy/haproxy.cfg")));
                continue;
            }
            Scenario sc = Scenario.named(name.trim(), suite.measure);
            List<Result> rs = new ArrayList<>();
            for (Target t : targets) {
                if (sc.skipReason(t) != null) {
                    log("%s / %s: %s", sc.name(), t.label, sc.skipReason(t));
                    rs.add(failed(sc, t, sc.rate(), sc.skipReason(t)));
                } else if (sc.name().equals("saturate")) {
                    rs.addAll(suite.saturate(sc, t));
                } else {
                    rs.add(suite.runFresh(sc, t));
                }
            }
            all.put(sc.name(), rs);
            Report.write(out, all, targets, String.join(" ", args),
                    (System.currentTimeMillis() - started) / 1000.0, env);
        }
        Procs.killAll();
        if (!all.isEmpty()) {
            System.out.println("wrote " + out.resolve("RESULTS.md"));
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
            o.put(args[i].substring(2), i + 1 < args.length ? args[++i] : "");
        }
        return o;
    }

    /** One scenario against one target: fresh Redis, fresh server. */
    Result runFresh(Scenario sc, Target t) throws InterruptedException {
        Target.Running r = null;
        log("%s / %s: starting", sc.name(), t.label);
        try {
            r = t.start(env, sc.name());
            Result res = measureOnce(sc, r, true);
            log("%s / %s: %s", sc.name(), t.label, oneLine(res));
            return res;
        } catch (IOException | RuntimeException e) {
            log("%s / %s: FAILED %s", sc.name(), t.label, e);
            return failed(sc, t, sc.rate(), e.toString());
        } finally {
            Target.stop(r);
        }
    }

    /** Doubles the rate (100 clients) until a step misses p99 <= 50 ms or delivery >= 99.9%, then bisects once. */
    List<Result> saturate(Scenario sc, Target t) throws InterruptedException {
        List<Result> steps = new ArrayList<>();
        Target.Running r = null;
        try {
            r = t.start(env, "saturate");
            double rate = sc.rate();
            double held = 0;
            double maxRate = 64_000;
            while (rate <= maxRate) {
                Result res = measureOnce(sc.withRate(rate), r, false);
                steps.add(res);
                log("saturate / %s @ %.0f/s: %s", t.label, rate, oneLine(res));
                if (!res.held() && res.error() == null) {
                    // one retry: on a shared 2-core machine a single step can be spoiled by someone else's burst
                    res = measureOnce(sc.withRate(rate), r, false);
                    steps.add(res);
                    log("saturate / %s @ %.0f/s (retry): %s", t.label, rate, oneLine(res));
                }
                if (!res.held()) {
                    break;
                }
                held = rate;
                rate *= 2;
            }
            if (held > 0 && rate <= maxRate && (r.server() == null || r.server().isAlive())) {
                double mid = Math.round(held * 1.5);
                Result res = measureOnce(sc.withRate(mid), r, false);
                steps.add(res);
                log("saturate / %s @ %.0f/s: %s", t.label, mid, oneLine(res));
            }
        } catch (IOException | RuntimeException e) {
            log("saturate / %s: FAILED %s", t.label, e);
            steps.add(failed(sc, t, sc.rate(), e.toString()));
        } finally {
            Target.stop(r);
        }
        return steps;
    }

    /**
     * Waits (at most 10 s) until the rest of the machine is quiet: other sessions' builds and tests share these two
     * cores, and a measurement taken while they burn a core says more about them than about the target.
     */
    private static void awaitQuiet() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        double busy;
        do {
            double b0 = Procs.machineBusySeconds();
            Thread.sleep(1000);
            busy = Procs.machineBusySeconds() - b0;
        } while (busy > 0.35 && System.currentTimeMillis() < deadline);
        if (busy > 0.35) {
            log("machine still busy (%.0f%% of a core used by others); measuring anyway", 100 * busy);
        }
    }

    private Result measureOnce(Scenario sc, Target.Running r, boolean memory) throws IOException, InterruptedException {
        awaitQuiet();
        Target t = r.target();
        long pid = r.serverPid();
        try (Publisher pub = new Publisher("127.0.0.1", r.redisPort());
             RedisProbe probe = new RedisProbe("127.0.0.1", r.redisPort())) {
            pub.prepopulate(sc.batteries());
            Thread.sleep(300);
            // A first round of connections, closed again, on the freshly started server: its connect times are the
            // cold figures (class loading, JIT), reported apart; the measured round connects to a warm server, as
            // clients of a server that has been up for a while do. Small (at most 200), so that it barely moves the
            // memory baseline taken after it.
            Histogram firstRound;
            try (Clients warm = new Clients(threads, 256, "127.0.0.1", r.port())) {
                firstRound = warm.connect(Math.min(FIRST_ROUND, sc.clients()), i -> spec(sc, t, i, false), 60_000)
                        .connectMicros();
            }
            // the server notices those closed sockets when it next writes to them: give it time to drop them
            Thread.sleep(2_000);
            // Redis reads per connect: hash reads Redis counted, and the snapshot states the service says it used
            long reads0 = probe.commandCalls(HASH_READS);
            MetricsScrape metrics0 = r.isJava() ? MetricsScrape.of(r.port()) : null;
            long rss0 = Procs.rssKb(pid);
            long heap0 = memory && r.isJava() ? Procs.heapUsedAfterGcKb(env.javaHome(), pid) : -1;
            if (memory && r.isJava()) {
                rss0 = Math.min(rss0, Procs.rssKb(pid));
            }
            Clients clients = new Clients(threads, 256, "127.0.0.1", r.port());
            try {
                Clients.ConnectResult cr = clients.connect(sc.clients(), i -> spec(sc, t, i, false), 60_000);
                int stalledConnected = 0;
                if (sc.stalled() > 0) {
                    stalledConnected = clients.connect(sc.stalled(), i -> spec(sc, t, i, true), 10_000).connected();
                }
                int connectedAll = cr.connected() + stalledConnected;
                int attemptedAll = cr.attempted() + sc.stalled();
                long subscribed0 = System.nanoTime();
                long channels = awaitSubscribed(probe, sc, t);
                double subscribedSeconds = t == Target.RAW ? Double.NaN : (System.nanoTime() - subscribed0) / 1e9;
                Thread.sleep(memory ? 1000 : 200);
                long rss1 = Procs.rssKb(pid);
                // OS threads: a virtual thread is none, so this shows that no client holds a thread (or a timer) of its own
                int threads1 = Procs.threads(pid);
                long heap1 = memory && r.isJava() ? Procs.heapUsedAfterGcKb(env.javaHome(), pid) : -1;
                if (memory && r.isJava() && System.getenv("BENCH_HEAP_HISTO") != null) {
                    // what the per-connection heap is made of: the top of the class histogram, after a full GC
                    String histo = Procs.run(List.of(env.javaHome() + "/bin/jcmd", Long.toString(pid),
                            "GC.class_histogram"));
                    write(env.logDir().resolve(sc.name() + "-service-heap-histogram.txt"), histo);
                }
                // per connection attempted: a client that timed out still cost its snapshot reads
                double hashReadsPerConnect = (double) (probe.commandCalls(HASH_READS) - reads0) / attemptedAll;
                double snapshotRedis = Double.NaN;
                double snapshotCache = Double.NaN;
                if (metrics0 != null) {
                    MetricsScrape metrics1 = MetricsScrape.of(r.port());
                    snapshotRedis = perConnect(metrics0, metrics1, "redis", attemptedAll);
                    snapshotCache = perConnect(metrics0, metrics1, "cache", attemptedAll);
                }
                RedisProbe.Connections conns0 = probe.connections();
                long connectedClients0 = probe.info("clients", "connected_clients");

                Schedule s = Schedule.of(sc.rate(), sc.batteries(), sc.warmupSeconds(), sc.measureSeconds(),
                        TimeUnit.MILLISECONDS.toNanos(100));
                clients.setSchedule(s);
                AtomicReference<Exception> pubError = new AtomicReference<>();
                Thread writer = Thread.ofPlatform().name("writer").start(() -> {
                    try {
                        pub.run(s);
                    } catch (IOException e) {
                        pubError.set(e);
                    }
                });
                sleepUntil(s.measureStartNanos());
                double srv0 = Procs.cpuSeconds(pid);
                double sys0 = Procs.systemCpuSeconds(pid);
                double redis0 = Procs.cpuSeconds(r.redis().pid());
                double bench0 = Procs.cpuSeconds(ProcessHandle.current().pid());
                long loops0 = clients.loopCpuNanos();
                double machine0 = Procs.machineBusySeconds();
                long rssA = Procs.rssKb(pid);
                sleepUntil(s.measureEndNanos());
                double srv1 = Procs.cpuSeconds(pid);
                double sys1 = Procs.systemCpuSeconds(pid);
                double redis1 = Procs.cpuSeconds(r.redis().pid());
                double bench1 = Procs.cpuSeconds(ProcessHandle.current().pid());
                long loops1 = clients.loopCpuNanos();
                double machine1 = Procs.machineBusySeconds();
                long rssB = Procs.rssKb(pid);
                double window = (s.measureEndNanos() - s.measureStartNanos()) / 1e9;
                writer.join(30_000);

                long expected = 0;
                for (long q = s.measureFromSeq(); q < s.measureToSeq(); q++) {
                    expected += sc.recipients(t, s.battery(q));
                }
                // stragglers: wait until everything measured arrived, 3 s of no news, or 5 s after the window
                long lastProgress = -1;
                long quietSince = System.nanoTime();
                long drainEnd = System.nanoTime() + 5_000_000_000L;
                while (clients.progress() < expected && System.nanoTime() - quietSince < 3_000_000_000L
                        && System.nanoTime() < drainEnd) {
                    long p = clients.progress();
                    if (p != lastProgress) {
                        lastProgress = p;
                        quietSince = System.nanoTime();
                    }
                    Thread.sleep(20);
                }
                // what the server holds in Redis, once more at the end of the window (after it, so raw Redis's
                // CLIENT LIST over thousands of connections does not stall the window's deliveries)
                RedisProbe.Connections conns1 = probe.connections();
                long connectedClients1 = probe.info("clients", "connected_clients");
                Result.RedisSide redisSide = new Result.RedisSide(
                        Math.max(conns0.server(t), conns1.server(t)),
                        Math.max(conns0.serverPubSub(t), conns1.serverPubSub(t)),
                        Math.max(connectedClients0, connectedClients1), channels, subscribedSeconds,
                        hashReadsPerConnect, snapshotRedis, snapshotCache);
                Clients.Totals tot = clients.stop();
                if (tot.pings() > 0) {
                    log("%s / %s: %d server pings received by the clients", sc.name(), t.label, tot.pings());
                }
                if (tot.delivered() < expected) {
                    // where the missing frames are: by battery and by second of the window (diagnostics only)
                    StringBuilder d = new StringBuilder();
                    if (sc.batteries() <= 64) {
                        for (int b = 1; b <= sc.batteries(); b++) {
                            d.append(b).append('=').append(tot.byBattery()[b]).append(' ');
                        }
                    } else {
                        // the client loops count by battery up to id 256 (higher ids share the last slot)
                        int none = 0;
                        for (int b = 1; b < tot.byBattery().length - 1; b++) {
                            none += tot.byBattery()[b] == 0 ? 1 : 0;
                        }
                        d.append(none).append(" of batteries 1..255 got nothing ");
                    }
                    d.append("| by second:");
                    for (int i = 0; i < Math.ceil(sc.measureSeconds()); i++) {
                        d.append(' ').append(tot.bySecond()[i]);
                    }
                    log("%s / %s @ %.0f/s: delivered by battery %s", sc.name(), t.label, sc.rate(), d);
                }
                String err = pubError.get() == null ? (pub.errors() > 0 ? "redis errors: " + pub.errors() : null)
                        : pubError.get().toString();
                if (cr.connected() < cr.attempted()) {
                    err = (err == null ? "" : err + "; ") + (cr.attempted() - cr.connected()) + " clients failed to connect";
                }
                double ours = (srv1 - srv0) + (t == Target.RAW ? 0 : redis1 - redis0) + (bench1 - bench0);
                return new Result(sc, t, sc.rate(), s.measuredCount(), expected, tot.delivered(), tot.unparsed(),
                        tot.duplicates(), tot.closedByPeer(), tot.latencyMicros(), cr.attempted(), cr.connected() + stalledConnected,
                        cr.connectMicros(), cr.wallSeconds(), firstRound, rss0, rss1, rssA, rssB, heap0, heap1,
                        srv1 - srv0, sys1 - sys0, t == Target.RAW ? srv1 - srv0 : redis1 - redis0, bench1 - bench0,
                        (loops1 - loops0) / 1e9, Math.max(0, (machine1 - machine0) - ours), window,
                        pub.maxLagNanos() / 1e6, pub.superseded(), redisSide, threads1, err);
            } finally {
                clients.close();
                pub.awaitReplies(10_000);
            }
        }
    }

    /** Commands that read a battery's hash: what a snapshot costs Redis. */
    private static final String[] HASH_READS = {"hgetall", "hmget", "hget"};
    /** Connections of the first, throwaway round. */
    private static final int FIRST_ROUND = 200;

    /**
     * Waits (at most 60 s) until the server has subscribed every channel the clients want (the Node peer: its one
     * pattern), so the window measures delivery, not the subscription ramp; returns the channels and patterns then
     * subscribed. Raw subscribers are subscribed once connected.
     */
    private static long awaitSubscribed(RedisProbe probe, Scenario sc, Target t) throws IOException,
            InterruptedException {
        long want = t == Target.PEER ? 1 : sc.channelsWanted();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long have = probe.subscriptions();
        while (t != Target.RAW && have < want && System.nanoTime() < deadline) {
            Thread.sleep(100);
            have = probe.subscriptions();
        }
        if (have < want && t != Target.RAW) {
            log("%s / %s: only %d of %d channels subscribed after 60 s; measuring anyway", sc.name(), t.label, have,
                    want);
        }
        return have;
    }

    private static double perConnect(MetricsScrape before, MetricsScrape after, String source, int connections) {
        double a = before.sum(MetricsScrape.SNAPSHOT_STATES, "source", source);
        double b = after.sum(MetricsScrape.SNAPSHOT_STATES, "source", source);
        if (Double.isNaN(b)) {
            return Double.NaN; // the service does not export the counter
        }
        return (b - (Double.isNaN(a) ? 0 : a)) / connections;
    }

    private static Clients.Spec spec(Scenario sc, Target t, int i, boolean stalled) {
        if (t == Target.RAW) {
            int[] bs = sc.oneBatteryEach() ? new int[] {sc.batteryOf(i)}
                    : java.util.stream.IntStream.rangeClosed(1, sc.batteries()).toArray();
            return new Clients.Resp(bs, sc.batteries(), stalled);
        }
        String query = sc.oneBatteryEach() ? "?batteries=" + sc.batteryOf(i) : "";
        if (sc.maxRate() > 0) {
            query += (query.isEmpty() ? "?" : "&") + "max_rate=" + sc.maxRate();
        }
        return t == Target.SSE ? new Clients.Sse("/sse" + query, stalled) : new Clients.Ws("/ws" + query, stalled);
    }

    private static Result failed(Scenario sc, Target t, double rate, String error) {
        return new Result(sc, t, rate, 0, 0, 0, 0, 0, 0, null, sc.clients(), 0, null, 0, null, -1, -1, -1, -1, -1, -1,
                0, 0, 0, 0, 0, 0, 1, 0, 0, Result.RedisSide.NONE, -1, error);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    static String oneLine(Result r) {
        return String.format("delivered %d/%d (%.4f%%) p50 %.2f p99 %.2f p99.9 %.2f max %.2f ms, connect p99 %.1f ms "
                        + "(%d/%d in %.2f s), rss/conn %.1f KB, heap/conn %.1f KB, srv cpu %.0f%% (%.2f s/Mframe, %.0f%% kernel), "
                        + "redis %.0f%%, clients %.0f%%, bench %.0f%%, other procs %.0f%%, writer lag %.1f ms (superseded %d), dup %d, "
                        + "redis conns %d (pub/sub %d, connected_clients %d), hash reads/connect %.2f%s",
                r.delivered(), r.expected(), 100 * r.deliveryRatio(), r.pMs(50), r.pMs(99), r.pMs(99.9), r.maxMs(),
                r.connectMs(99), r.connected(), r.attempted(), r.connectWallSeconds(), r.rssPerConnKb(),
                r.heapPerConnKb(), r.serverCpuPercent(), r.cpuPerMillionFrames(), r.serverKernelShare(), r.redisCpuPercent(),
                r.clientCpuPercent(), r.benchCpuPercent(), r.otherCpuPercent(), r.writerMaxLagMs(), r.writerSuperseded(), r.duplicates(),
                r.redis().serverConnections(), r.redis().serverPubSubConnections(), r.redis().connectedClients(),
                r.redis().hashReadsPerConnect(),
                r.error() == null ? "" : " ERROR " + r.error());
    }

    static void log(String fmt, Object... args) {
        System.out.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(fmt, args));
        System.out.flush();
    }

    static Path write(Path p, String s) throws IOException {
        Files.createDirectories(p.toAbsolutePath().getParent());
        return Files.writeString(p, s);
    }
}

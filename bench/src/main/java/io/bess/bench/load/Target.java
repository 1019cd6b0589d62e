package io.bess.bench.load;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One thing under test, started fresh per scenario against its own Redis. */
public enum Target {
    RAW("raw Redis"), PEER("Node peer"), SERVICE("service"),
    /** The same service run from the jlink image's {@code bin/start} (JAVA_OPTS = the service JVM options). */
    IMAGE("service (jlink image)"),
    /** The service's jar again, its clients reading {@code GET /sse} (Server-Sent Events) instead of {@code /ws}. */
    SSE("service, /sse clients");

    public final String label;

    Target(String label) {
        this.label = label;
    }

    /** Whether the target honours {@code ?batteries=} (the Node peer sends every battery to everyone). */
    public boolean filters() {
        return this != PEER;
    }

    /** The service, from its jar or from its jlink image, with WebSocket or event-stream clients. */
    public boolean isService() {
        return this == SERVICE || this == IMAGE || this == SSE;
    }

    /** Paths and options the targets need. */
    public record Env(String redisServer, String javaHome, Path serviceJar, Path serviceDir, Path serviceImage,
                      Path peerDir, List<String> serviceJvmOptions, Path logDir, String serviceLabel) { }

    /** A running Redis plus, except for RAW, the server under test. */
    public record Running(Target target, Process redis, int redisPort, Process server, int port) {
        /** The process whose memory and CPU are "the server's" (Redis itself for RAW). */
        public long serverPid() {
            return server == null ? redis.pid() : server.pid();
        }

        public boolean isJava() {
            return target.isService();
        }
    }

    public static Process startRedis(Env env, int port, String tag) throws IOException, InterruptedException {
        Path log = env.logDir().resolve(tag + "-redis.log");
        Process p = Procs.start(List.of(env.redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--maxclients", "19000", "--protected-mode", "no",
                "--daemonize", "no", "--tcp-backlog", "4096"), Map.of(), env.logDir().toFile(), log);
        Procs.awaitPort(p, port, 10_000, log);
        return p;
    }

    public Running start(Env env, String tag) throws IOException, InterruptedException {
        int redisPort = Procs.freePort();
        Process redis = startRedis(env, redisPort, tag);
        if (this == RAW) {
            return new Running(this, redis, redisPort, null, redisPort);
        }
        int port = Procs.freePort();
        Map<String, String> vars = Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(redisPort),
                "WS_HOST", "127.0.0.1", "WS_PORT", Integer.toString(port), "SIMULATOR", "off");
        Path log = env.logDir().resolve(tag + "-" + name().toLowerCase() + ".log");
        Process server;
        if (this == PEER) {
            server = Procs.start(List.of("node", "server.js"), vars, env.peerDir().toFile(), log);
        } else if (this == IMAGE) {
            // bin/start execs the image's java, so the process measured is the JVM itself
            Path start = env.serviceImage().resolve("bin/start").toAbsolutePath();
            if (!start.toFile().canExecute()) {
                Procs.stop(redis);
                throw new IOException("no jlink image at " + env.serviceImage() + " (mvn -Pjlink -DskipTests package)");
            }
            Map<String, String> withOpts = new HashMap<>(vars);
            withOpts.put("JAVA_OPTS", String.join(" ", env.serviceJvmOptions()));
            server = Procs.start(List.of(start.toString()), withOpts, env.serviceDir().toFile(), log);
        } else {
            server = startServiceJar(env, vars, log);
        }
        try {
            Procs.awaitPort(server, port, 60_000, log);
        } catch (IOException e) {
            Procs.stop(server);
            Procs.stop(redis);
            throw e;
        }
        return new Running(this, redis, redisPort, server, port);
    }

    /** Starts the service from its jar ({@code java}, the service JVM options, {@code -jar}) with these variables. */
    static Process startServiceJar(Env env, Map<String, String> vars, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(env.javaHome() + "/bin/java");
        cmd.addAll(env.serviceJvmOptions());
        cmd.add("-jar");
        cmd.add(env.serviceJar().toAbsolutePath().toString());
        return Procs.start(cmd, vars, env.serviceDir().toFile(), log);
    }

    public static void stop(Running r) {
        if (r != null) {
            Procs.stop(r.server());
            Procs.stop(r.redis());
        }
    }

    static File dir(Path p) {
        return p.toFile();
    }
}

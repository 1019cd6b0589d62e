package io.bess.bench.load;

import java.util.List;

/**
 * One load shape. {@code oneBatteryEach}: client i asks for {@code ?batteries=(i % batteries) + 1}
 * (raw subscribers subscribe to that one channel); otherwise every client wants every battery. {@code maxRate}:
 * the service's clients ask for {@code ?max_rate=} (0: no cap).
 */
public record Scenario(String name, int clients, int batteries, double rate, boolean oneBatteryEach,
                       int stalled, double warmupSeconds, double measureSeconds, String about, double maxRate) {
    /** Every scenario, in the order the full suite runs them. */
    public static final List<String> ALL = List.of("latency", "fanout", "many", "capped", "hot", "fleet",
            "saturate", "slow");
    /**
     * The chaos scenario ({@link Chaos}): faults between two instances and Redis under connect churn, 10 minutes by
     * default; run on its own ({@code bench/run.sh chaos}), never as part of the whole suite.
     */
    public static final String CHAOS = "chaos";

    /** A scenario whose clients ask for no rate cap. */
    public Scenario(String name, int clients, int batteries, double rate, boolean oneBatteryEach, int stalled,
                    double warmupSeconds, double measureSeconds, String about) {
        this(name, clients, batteries, rate, oneBatteryEach, stalled, warmupSeconds, measureSeconds, about, 0);
    }

    public static Scenario named(String name, double measure) {
        return switch (name) {
            case "latency" -> new Scenario(name, 100, 10, 200, false, 0, 3, measure,
                    "100 clients, all 10 batteries, 200 updates/s");
            case "fanout" -> new Scenario(name, 1000, 10, 200, false, 0, 3, measure,
                    "1000 clients, all 10 batteries, 200 updates/s (200,000 frames/s)");
            case "many" -> new Scenario(name, 10_000, 16, 32, true, 0, 2, measure,
                    "10,000 clients, each ?batteries= one of 16, 16 batteries x 2 updates/s");
            // many's shape with every client capped at one state per second of its battery (updated twice a second):
            // each holds a state back half the time, so the one timer wheel carries up to 10,000 clients
            case "capped" -> new Scenario(name, 10_000, 16, 32, true, 0, 2, measure,
                    "many, each client with ?max_rate=1 (its battery updates 2/s): what 10,000 capped clients cost", 1);
            case "slow" -> new Scenario(name, 100, 10, 200, false, 50, 3, measure,
                    "latency + 50 clients that never read");
            case "saturate" -> new Scenario(name, 100, 10, 250, false, 0, 2, Math.min(measure, 5),
                    "100 clients, all 10 batteries, rate doubled until p99 > 50 ms or delivery < 99.9%");
            case "hot" -> new Scenario(name, 10_000, 1, 2, true, 0, 2, measure,
                    "10,000 clients all on one battery (?batteries=1), 2 updates/s");
            // a longer warm-up: at 1,000,000 frames/s the JIT-compiled fan-out takes seconds to settle
            case "fleet" -> new Scenario(name, 100, 10_000, 10_000, false, 0, 10, measure,
                    "10,000 batteries x 1 update/s, 100 all-batteries clients (1,000,000 frames/s)");
            default -> throw new IllegalArgumentException("unknown scenario: " + name
                    + " (" + String.join(", ", ALL) + ")");
        };
    }

    /**
     * Why a target is left out of this scenario (reported as "not run (why)"), or null to run it. The Node peer does
     * not cope with {@code fleet}; {@code BENCH_FLEET_PEER=1} runs it anyway.
     */
    public String skipReason(Target t) {
        if (maxRate > 0 && !t.isService()) {
            return "not run: ?max_rate= is the service's own (raw Redis subscribers and the Node peer get every state)";
        }
        if (name.equals("fleet") && t == Target.PEER && System.getenv("BENCH_FLEET_PEER") == null) {
            return "not run: the Node peer's one PSUBSCRIBE copes with 10,000 channels, but it builds every client's "
                    + "snapshot from 10,000 HGETALLs and re-reads and sends every update to every client on one "
                    + "thread; in a trial (2026-11-30, MEASURE=5, busy machine) 83 of 100 clients got their snapshot "
                    + "within 60 s and it delivered 0 of 5,000,000 frames. BENCH_FLEET_PEER=1 runs it anyway";
        }
        return null;
    }

    public Scenario withRate(double r) {
        return new Scenario(name, clients, batteries, r, oneBatteryEach, stalled, warmupSeconds, measureSeconds, about,
                maxRate);
    }

    public int batteryOf(int client) {
        return client % batteries + 1;
    }

    /** Distinct battery channels the clients want, i.e. what the server must have subscribed before updates flow. */
    public int channelsWanted() {
        return oneBatteryEach ? Math.min(batteries, clients) : batteries;
    }

    /** Frames the clients should receive per update of {@code battery} from a target. */
    public long recipients(Target t, int battery) {
        if (!oneBatteryEach || !t.filters()) {
            return clients;
        }
        return clients / batteries + (battery - 1 < clients % batteries ? 1 : 0);
    }
}

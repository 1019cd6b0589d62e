package io.bess.wsms.sim;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.bess.wsms.config.SimulatorSettings;

/**
 * Stands in for the pipeline's upstream writer: batteries 1..n, each reporting at the configured rate, spread
 * evenly over the period so that Redis sees a steady stream rather than bursts. A Redis outage pauses it (logged
 * once); it announces its batteries again when Redis is back, since Redis may have come back empty.
 */
public final class BatterySimulator implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(BatterySimulator.class.getName());

    private final SimulatorSettings settings;
    private final TelemetryWriter writer;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "battery-simulator");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    /**
     * Creates the simulator.
     *
     * @param settings how many batteries and how often
     * @param writer   where readings go
     */
    public BatterySimulator(SimulatorSettings settings, TelemetryWriter writer) {
        this.settings = settings;
        this.writer = writer;
    }

    /** Starts reporting. */
    public void start() {
        SplittableRandom seeds = new SplittableRandom();
        long periodMicros = (long) (1_000_000 / settings.rate());
        List<SimulatedBattery> batteries = new ArrayList<>();
        for (int id = 1; id <= settings.batteries(); id++) {
            batteries.add(new SimulatedBattery(id, new BatteryModel(seeds.split())));
        }
        for (int i = 0; i < batteries.size(); i++) {
            SimulatedBattery battery = batteries.get(i);
            long offset = periodMicros * i / batteries.size();
            scheduler.scheduleAtFixedRate(() -> report(battery), offset, periodMicros, TimeUnit.MICROSECONDS);
        }
        LOGGER.log(Level.INFO, "Battery simulator: " + settings.batteries() + " batteries, " + settings.rate()
                + " updates/s each");
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private void report(SimulatedBattery battery) {
        try {
            battery.report(writer, failing);
            if (failing) {
                failing = false;
                LOGGER.log(Level.INFO, "Battery simulator resumed");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOGGER.log(Level.WARNING, "Battery simulator paused, cannot write to Redis: " + e.getMessage());
            }
            battery.forgetAnnouncement();
        }
    }

    /** One battery's model and its reporting state; touched only by the scheduler thread. */
    private static final class SimulatedBattery {
        private final int id;
        private final BatteryModel model;
        private long lastNanos = System.nanoTime();
        private boolean announced;

        SimulatedBattery(int id, BatteryModel model) {
            this.id = id;
            this.model = model;
        }

        void report(TelemetryWriter writer, boolean reannounce) {
            if (!announced || reannounce) {
                writer.announce(id);
                announced = true;
            }
            long now = System.nanoTime();
            Reading reading = model.step((now - lastNanos) / 1e9, System.currentTimeMillis());
            lastNanos = now;
            writer.write(id, reading.fields());
        }

        void forgetAnnouncement() {
            announced = false;
        }
    }
}

package io.bess.wsms.sim;

import java.util.Map;

/** Where simulated telemetry goes: the same writes the pipeline's upstream service makes. */
public interface TelemetryWriter {
    /**
     * Adds a battery to the fleet's id set.
     *
     * @param battery id
     */
    void announce(int battery);

    /**
     * Stores a battery's latest metrics and signals the change.
     *
     * @param battery id
     * @param fields  metrics as decimal strings
     */
    void write(int battery, Map<String, String> fields);
}

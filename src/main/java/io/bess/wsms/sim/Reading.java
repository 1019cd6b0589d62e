package io.bess.wsms.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One battery report in the pipeline's units.
 *
 * @param timestamp      device clock, epoch ms
 * @param voltage        volts, 0..600
 * @param current        amperes (magnitude), 0..200
 * @param temperature    tenths of a degree C, -100..1000
 * @param stateOfCharge  percent, 0..100
 * @param stateOfHealth  percent, 0..100
 */
public record Reading(long timestamp, int voltage, int current, int temperature, int stateOfCharge,
                      int stateOfHealth) {
    /** The hash fields, as the upstream writer stores them. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("timestamp", Long.toString(timestamp));
        fields.put("voltage", Integer.toString(voltage));
        fields.put("current", Integer.toString(current));
        fields.put("temperature", Integer.toString(temperature));
        fields.put("state_of_charge", Integer.toString(stateOfCharge));
        fields.put("state_of_health", Integer.toString(stateOfHealth));
        return fields;
    }
}

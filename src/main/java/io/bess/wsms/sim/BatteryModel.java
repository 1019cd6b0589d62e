package io.bess.wsms.sim;

import java.util.random.RandomGenerator;

/**
 * A plausible storage battery: it charges to a high state of charge, then discharges to a low one, and again.
 * State of charge integrates the current; voltage follows the state of charge (open-circuit curve) plus the drop
 * or rise across the internal resistance; temperature relaxes towards ambient plus resistive heating (I squared);
 * state of health fades with the charge that has gone through the cells. Simulated time runs faster than wall
 * time so that a whole cycle is visible in a few minutes on the dashboard.
 */
final class BatteryModel {
    /** Simulated seconds per wall-clock second: a 100 Ah pack at 100 A cycles in about two minutes. */
    private static final double TIME_SCALE = 30.0;
    private static final double AMBIENT_TENTHS = 250.0;
    private static final double RESISTANCE_OHMS = 0.08;
    /** State of health lost per ampere-hour of throughput: a few percent over thousands of cycles. */
    private static final double FADE_PER_AH = 2e-6 * 100;

    private final RandomGenerator random;
    private final double capacityAh;
    private double stateOfCharge;
    private double stateOfHealth;
    private double temperature = AMBIENT_TENTHS;
    private double current;
    private boolean charging;
    private double targetCurrent;

    BatteryModel(RandomGenerator random) {
        this.random = random;
        this.capacityAh = 80 + random.nextDouble(120);
        this.stateOfCharge = 15 + random.nextDouble(70);
        this.stateOfHealth = 92 + random.nextDouble(8);
        this.charging = random.nextBoolean();
        this.targetCurrent = pickCurrent();
        this.current = targetCurrent;
    }

    /**
     * Advances the model.
     *
     * @param wallSeconds wall-clock time since the last step
     * @param now         device clock, epoch ms
     * @return the report the battery sends
     */
    Reading step(double wallSeconds, long now) {
        double hours = wallSeconds * TIME_SCALE / 3600.0;
        if (random.nextDouble() < 0.02) {
            targetCurrent = pickCurrent();
        }
        current += (targetCurrent - current) * 0.3 + random.nextGaussian() * 1.5;
        current = clamp(current, 0, 200);

        double deltaAh = current * hours;
        double effectiveCapacity = capacityAh * stateOfHealth / 100.0;
        stateOfCharge += (charging ? 1 : -1) * deltaAh / effectiveCapacity * 100.0;
        stateOfCharge = clamp(stateOfCharge, 0, 100);
        if (charging && stateOfCharge >= 95 || !charging && stateOfCharge <= 8) {
            charging = !charging;
            targetCurrent = pickCurrent();
        }
        stateOfHealth = clamp(stateOfHealth - deltaAh * FADE_PER_AH, 0, 100);

        double heatingTarget = AMBIENT_TENTHS + current * current * RESISTANCE_OHMS * 0.12;
        temperature += (heatingTarget - temperature) * Math.min(1.0, hours * 20) + random.nextGaussian() * 0.5;
        temperature = clamp(temperature, -100, 1000);

        double openCircuit = 440 + 1.1 * stateOfCharge;
        double terminal = openCircuit + (charging ? 1 : -1) * current * RESISTANCE_OHMS;
        return new Reading(now,
                           (int) Math.round(clamp(terminal, 0, 600)),
                           (int) Math.round(current),
                           (int) Math.round(temperature),
                           (int) Math.round(stateOfCharge),
                           (int) Math.floor(stateOfHealth));
    }

    private double pickCurrent() {
        return 40 + random.nextDouble(140);
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}

package io.bess.wsms.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.bess.wsms.config.ConfigLoader;
import io.bess.wsms.config.RedisSettings;
import io.bess.wsms.config.SimulatorSettings;
import io.bess.wsms.redis.RedisConnector;
import io.bess.wsms.redis.RedisTelemetryWriter;
import io.bess.wsms.support.TestRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator writes what the pipeline writes, with plausible battery physics. */
class BatterySimulatorTest {
    @Test
    void readingsStayInThePipelinesValidatedRanges() {
        BatteryModel model = new BatteryModel(new SplittableRandom(7));
        long now = 0;
        for (int i = 0; i < 20_000; i++) {
            Reading r = model.step(0.5, now += 500);
            assertThat(r.voltage()).isBetween(0, 600);
            assertThat(r.current()).isBetween(0, 200);
            assertThat(r.temperature()).isBetween(-100, 1000);
            assertThat(r.stateOfCharge()).isBetween(0, 100);
            assertThat(r.stateOfHealth()).isBetween(0, 100);
        }
    }

    @Test
    void batteryCyclesBetweenChargingAndDischargingAndVoltageFollowsCharge() {
        BatteryModel model = new BatteryModel(new SplittableRandom(11));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            readings.add(model.step(0.5, i * 500L));
        }
        int rises = 0;
        int falls = 0;
        for (int i = 1; i < readings.size(); i++) {
            int delta = readings.get(i).stateOfCharge() - readings.get(i - 1).stateOfCharge();
            rises += delta > 0 ? 1 : 0;
            falls += delta < 0 ? 1 : 0;
        }
        assertThat(rises).as("charging steps").isPositive();
        assertThat(falls).as("discharging steps").isPositive();
        assertThat(readings.stream().mapToInt(Reading::stateOfCharge).max().orElseThrow()).isGreaterThan(85);
        assertThat(readings.stream().mapToInt(Reading::stateOfCharge).min().orElseThrow()).isLessThan(20);

        Reading low = readings.stream().min((a, b) -> a.stateOfCharge() - b.stateOfCharge()).orElseThrow();
        Reading high = readings.stream().max((a, b) -> a.stateOfCharge() - b.stateOfCharge()).orElseThrow();
        assertThat(high.voltage()).isGreaterThan(low.voltage());
        assertThat(readings.getLast().stateOfHealth()).isLessThanOrEqualTo(readings.getFirst().stateOfHealth());
    }

    @Test
    void hotterAtHighCurrentThanAtLowCurrent() {
        BatteryModel model = new BatteryModel(new SplittableRandom(3));
        double hotSum = 0;
        double coolSum = 0;
        int hot = 0;
        int cool = 0;
        for (int i = 0; i < 20_000; i++) {
            Reading r = model.step(0.5, i * 500L);
            if (i > 200 && r.current() > 150) {
                hotSum += r.temperature();
                hot++;
            } else if (i > 200 && r.current() < 60) {
                coolSum += r.temperature();
                cool++;
            }
        }
        assertThat(hot).isPositive();
        assertThat(cool).isPositive();
        assertThat(hotSum / hot).isGreaterThan(coolSum / cool);
    }

    @Test
    void writesSetHashAndSignalLikeTheUpstreamWriter() throws Exception {
        try (TestRedis redis = TestRedis.start();
             RedisConnector connector = new RedisConnector(RedisSettings.from(
                     ConfigLoader.withOverrides(Path.of("target/no-such-dir"), redis.settings()).get("redis")))) {
            BlockingQueue<String> signals = new LinkedBlockingQueue<>();
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    signals.add(channel + "=" + message);
                }
            };
            Thread subscriber = Thread.ofVirtual().start(() -> {
                try (Jedis jedis = redis.jedis()) {
                    jedis.psubscribe(listener, "battery:*:data");
                }
            });
            try (BatterySimulator simulator = new BatterySimulator(
                    new SimulatorSettings(SimulatorSettings.Mode.ON, 3, 20), new RedisTelemetryWriter(connector))) {
                while (!listener.isSubscribed()) {
                    Thread.sleep(10);
                }
                simulator.start();
                assertThat(signals.poll(10, TimeUnit.SECONDS)).matches("battery:[123]:data=updates");
                // the three batteries report spread over one period: wait for the last of them
                try (Jedis jedis = redis.jedis()) {
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                            .until(() -> jedis.smembers("info:batteries:ids").size() == 3);
                }
            } finally {
                listener.punsubscribe();
                subscriber.join();
            }
            try (Jedis jedis = redis.jedis()) {
                assertThat(jedis.smembers("info:batteries:ids")).containsExactlyInAnyOrder("1", "2", "3");
                Map<String, String> hash = jedis.hgetAll("battery:1:data");
                assertThat(hash.keySet()).containsExactlyInAnyOrder("timestamp", "voltage", "current", "temperature",
                                                                    "state_of_charge", "state_of_health");
                hash.values().forEach(v -> assertThat(v).matches("-?\\d+"));
            }
        }
    }
}

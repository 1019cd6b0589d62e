package io.bess.wsms.observe;

import java.util.Map;
import java.util.logging.Level;

import io.bess.wsms.ServiceFixture;
import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.TestRedis;
import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, point 6: a service on its own embedded Redis (a deployment that forgot REDIS_HOST) serves made-up data
 * and says so everywhere: a start warning, {@code embedded (demo)} in the health details, the gauge
 * {@code wsms_demo_mode} at 1, and {@code demo: true} for the dashboard's banner. On a real Redis it says none of it.
 */
class DemoModeTest {
    @Test
    void theEmbeddedRedisIsDemoModeEverywhereItCanBeSeen() {
        try (LogCapture log = LogCapture.of("io.bess.wsms.Service", Level.WARNING);
             ServiceFixture demo = ServiceFixture.start()) {
            assertThat(log.count(Level.WARNING, "Demo mode")).isEqualTo(1);
            assertThat(redisDetail(demo)).isEqualTo("embedded (demo)");
            assertThat(PrometheusText.scrape(demo).value("wsms_demo_mode")).isEqualTo(1);
            assertThat(dashboardConfig(demo).getBoolean("demo")).isTrue();
        }
    }

    @Test
    void aRealRedisIsNotDemoMode() {
        try (TestRedis redis = TestRedis.start();
             LogCapture log = LogCapture.of("io.bess.wsms.Service", Level.WARNING);
             ServiceFixture real = ServiceFixture.start(redis.settings())) {
            assertThat(log.count(Level.WARNING, "Demo mode")).isZero();
            assertThat(redisDetail(real)).isEqualTo("127.0.0.1:" + redis.port());
            assertThat(PrometheusText.scrape(real).value("wsms_demo_mode")).isZero();
            assertThat(dashboardConfig(real).getBoolean("demo")).isFalse();
        }
    }

    @Test
    void theSimulatorOnARealRedisIsDemoModeToo() {
        try (TestRedis redis = TestRedis.start();
             ServiceFixture simulated = ServiceFixture.start(Map.of("redis.host", "127.0.0.1", "redis.port",
                                                                    Integer.toString(redis.port()),
                                                                    "simulator.enabled", "on"))) {
            assertThat(PrometheusText.scrape(simulated).value("wsms_demo_mode")).isEqualTo(1);
            assertThat(dashboardConfig(simulated).getBoolean("demo")).isTrue();
        }
    }

    private static String redisDetail(ServiceFixture service) {
        JsonObject health = WsTestClient.parse(Http.get(service.http("/observe/health")).body());
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> "redis".equals(c.getString("name"))).findFirst().orElseThrow()
                .getJsonObject("data").getString("redis");
    }

    private static JsonObject dashboardConfig(ServiceFixture service) {
        return WsTestClient.parse(Http.get(service.http("/dashboard/config")).body());
    }
}

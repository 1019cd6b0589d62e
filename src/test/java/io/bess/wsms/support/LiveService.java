package io.bess.wsms.support;

import java.util.HashMap;
import java.util.Map;

import io.bess.wsms.ServiceFixture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own Redis process and the real service on it, started once before its tests and stopped after:
 * {@code @RegisterExtension static final LiveService LIVE = new LiveService();}.
 */
public final class LiveService implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> overrides;
    private TestRedis redis;
    private ServiceFixture service;

    /** The service with its test defaults. */
    public LiveService() {
        this(Map.of());
    }

    /**
     * The service with extra settings.
     *
     * @param overrides config keys to values, on top of the Redis address
     */
    public LiveService(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = TestRedis.start();
        Map<String, String> settings = new HashMap<>(redis.settings());
        settings.putAll(overrides);
        service = ServiceFixture.start(settings);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // either may be missing: JUnit calls afterAll also when an earlier beforeAll (a tool check) failed
        try (TestRedis r = redis; ServiceFixture s = service) {
            redis = null;
            service = null;
        }
    }

    /** The Redis the service uses. */
    public TestRedis redis() {
        return redis;
    }

    /** The running service. */
    public ServiceFixture service() {
        return service;
    }
}

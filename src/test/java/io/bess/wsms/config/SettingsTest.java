package io.bess.wsms.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings: defaults, the pipeline's variables, .env, and one clear sentence for each bad value. */
class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsMatchTheDocumentedOnes() {
        Settings s = Settings.from(ConfigLoader.load(dir, Map.of()));
        assertThat(s.server().port()).isEqualTo(8001);
        assertThat(s.redis().embedded()).isTrue();
        assertThat(s.ws().maxConnections()).isEqualTo(10_000);
        assertThat(s.ws().maxFrameBytes()).isEqualTo(65_536);
        assertThat(s.ws().slowClientTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.ws().pingInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.ws().authRequired()).isFalse();
        assertThat(s.simulator().runs(true)).isTrue();
        assertThat(s.simulator().runs(false)).isFalse();
        assertThat(s.simulator().batteries()).isEqualTo(16);
        assertThat(s.simulator().rate()).isEqualTo(2.0);
    }

    @Test
    void pipelineVariablesOverrideTheFile() {
        Settings s = Settings.from(ConfigLoader.load(dir, Map.of(
                "REDIS_HOST", "redis.internal", "REDIS_PORT", "6380", "REDIS_DB", "3", "REDIS_PASS", "pw",
                "WS_HOST", "127.0.0.1", "WS_PORT", "9001", "WS_TOKEN", "t", "WS_ALLOWED_ORIGINS", "https://a, https://b",
                "SIMULATOR", "on")));
        assertThat(s.redis()).extracting(RedisSettings::topology, RedisSettings::database, RedisSettings::password)
                .containsExactly(new RedisTopology.Standalone("redis.internal", 6380), 3, "pw");
        assertThat(s.server()).isEqualTo(new ServerSettings("127.0.0.1", 9001));
        assertThat(s.ws().token()).isEqualTo("t");
        assertThat(s.ws().allowedOrigins()).containsExactly("https://a", "https://b");
        assertThat(s.simulator().runs(false)).isTrue();
    }

    @Test
    void dotEnvFileIsReadAndTheEnvironmentWinsOverIt() throws Exception {
        java.nio.file.Files.writeString(dir.resolve(".env"), "WS_PORT=9100\nREDIS_PORT=6390\nSIMULATOR=off\n");
        Settings s = Settings.from(ConfigLoader.load(dir, Map.of("REDIS_PORT", "6391")));
        assertThat(s.server().port()).isEqualTo(9100);
        assertThat(s.redis().topology()).isEqualTo(new RedisTopology.Standalone("", 6391));
        assertThat(s.simulator().runs(true)).isFalse();
    }

    @Test
    void secretsNeverAppearInToString() {
        Settings s = Settings.from(ConfigLoader.load(dir, Map.of("REDIS_PASS", "hunter2", "WS_TOKEN", "tok3n")));
        assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("tok3n");
    }

    @Test
    void eachBadValueGetsOneSentenceNamingTheSetting() {
        List<List<String>> cases = List.of(
                List.of("WS_PORT", "abc", "server.port (WS_PORT)"),
                List.of("WS_PORT", "70000", "server.port (WS_PORT)"),
                List.of("REDIS_PORT", "-1", "redis.port (REDIS_PORT)"),
                List.of("REDIS_DB", "x", "redis.db (REDIS_DB)"),
                List.of("REDIS_SSL", "maybe", "redis.ssl (REDIS_SSL)"),
                List.of("SIMULATOR", "sometimes", "simulator.enabled (SIMULATOR)"),
                List.of("SIMULATOR_RATE", "fast", "simulator.rate (SIMULATOR_RATE)"),
                List.of("WS_MAX_CONNECTIONS", "0", "ws.max-connections (WS_MAX_CONNECTIONS)"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> Settings.from(ConfigLoader.load(dir, Map.of(c.get(0), c.get(1)))))
                    .as(c.toString())
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining(c.get(2))
                    .hasMessageContaining(c.get(1))
                    .hasMessageEndingWith(".");
        }
    }

    @Test
    void redisTopologiesComeFromTheirVariablesAndRedisHostIsIgnoredOutsideStandalone() {
        Settings sentinel = Settings.from(ConfigLoader.load(dir, Map.of(
                "REDIS_MODE", "sentinel", "REDIS_SENTINELS", "10.0.0.1:26379, sentinel-b:26380,[::1]:26381",
                "REDIS_MASTER_NAME", "bess", "REDIS_SENTINEL_PASS", "s3cret", "REDIS_HOST", "ignored")));
        assertThat(sentinel.redis().topology()).isEqualTo(new RedisTopology.Sentinel(
                List.of(new RedisAddress("10.0.0.1", 26379), new RedisAddress("sentinel-b", 26380),
                        new RedisAddress("::1", 26381)), "bess", "s3cret"));
        assertThat(sentinel.redis().embedded()).isFalse();
        assertThat(sentinel.toString()).doesNotContain("s3cret");

        Settings cluster = Settings.from(ConfigLoader.load(dir, Map.of(
                "REDIS_MODE", "Cluster", "REDIS_CLUSTER_NODES", "n1:7000,n2:7001", "REDIS_SHARDED_PUBSUB", "true",
                "REDIS_SUBSCRIBER_CONNECTIONS", "4")));
        assertThat(cluster.redis().topology()).isEqualTo(new RedisTopology.Cluster(
                List.of(new RedisAddress("n1", 7000), new RedisAddress("n2", 7001))));
        assertThat(cluster.redis().shardedPubSub()).isTrue();
        assertThat(cluster.redis().subscriberConnections()).isEqualTo(4);

        Settings standalone = Settings.from(ConfigLoader.load(dir, Map.of()));
        assertThat(standalone.redis().subscriberConnections()).isEqualTo(16);
        assertThat(standalone.redis().shardedPubSub()).isFalse();
    }

    @Test
    void badRedisTopologiesGetOneSentenceNamingTheSetting() {
        List<List<Object>> cases = List.of(
                List.of(Map.of("REDIS_MODE", "replicated"), "redis.mode (REDIS_MODE)"),
                List.of(Map.of("REDIS_MODE", "cluster"), "redis.cluster-nodes (REDIS_CLUSTER_NODES) is required"),
                List.of(Map.of("REDIS_MODE", "sentinel", "REDIS_SENTINELS", "s:26379"),
                        "redis.master-name (REDIS_MASTER_NAME) is required"),
                List.of(Map.of("REDIS_MODE", "sentinel", "REDIS_MASTER_NAME", "m"),
                        "redis.sentinels (REDIS_SENTINELS) is required"),
                List.of(Map.of("REDIS_MODE", "cluster", "REDIS_CLUSTER_NODES", "n1:7000,n2"),
                        "redis.cluster-nodes (REDIS_CLUSTER_NODES) must be a comma-separated list of host:port"),
                List.of(Map.of("REDIS_MODE", "cluster", "REDIS_CLUSTER_NODES", "n1:99999"),
                        "'n1:99999'"),
                List.of(Map.of("REDIS_MODE", "sentinel", "REDIS_SENTINELS", " , ", "REDIS_MASTER_NAME", "m"),
                        "redis.sentinels (REDIS_SENTINELS) must list at least one host:port"),
                List.of(Map.of("REDIS_MODE", "cluster", "REDIS_CLUSTER_NODES", "n1:7000", "REDIS_DB", "2"),
                        "redis.db (REDIS_DB) must be 0 in cluster mode"),
                List.of(Map.of("REDIS_SHARDED_PUBSUB", "true"), "redis.sharded-pubsub (REDIS_SHARDED_PUBSUB) needs Redis 7"),
                List.of(Map.of("REDIS_SUBSCRIBER_CONNECTIONS", "0"),
                        "redis.subscriber-connections (REDIS_SUBSCRIBER_CONNECTIONS)"));
        for (List<Object> c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, String> env = (Map<String, String>) c.get(0);
            assertThatThrownBy(() -> Settings.from(ConfigLoader.load(dir, env)))
                    .as(c.toString())
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining((String) c.get(1))
                    .hasMessageEndingWith(".");
        }
    }

    @Test
    void theFourJwtVariablesAndTheDashboardClientSetAuthJwt() throws Exception {
        Path jwks = java.nio.file.Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        Settings s = Settings.from(ConfigLoader.load(dir, Map.of(
                "WS_JWT_ISSUER", "https://sso.example.com/realms/wsms", "WS_JWT_JWKS", jwks.toString(),
                "WS_JWT_AUDIENCE", "wsms", "WS_JWT_BATTERIES_CLAIM", "resource_access.wsms.batteries",
                "WS_JWT_DASHBOARD_CLIENT", "wsms-dashboard")));
        assertThat(s.jwt()).isEqualTo(new JwtSettings("https://sso.example.com/realms/wsms", jwks.toString(), "wsms",
                                                      "resource_access.wsms.batteries", "wsms-dashboard"));
        assertThat(s.jwt().enabled()).isTrue();
        assertThat(s.jwt().jwksFile()).contains(jwks);
        JwtSettings defaults = Settings.from(ConfigLoader.load(dir, Map.of())).jwt();
        assertThat(defaults.enabled()).isFalse();
        assertThat(defaults.batteriesClaim()).isEqualTo("batteries");
        assertThat(Settings.from(ConfigLoader.load(dir, Map.of("WS_JWT_JWKS", "https://idp/jwks"))).jwt().jwksFile())
                .isEmpty();
    }

    @Test
    void badJwtSettingsGetOneSentenceNamingTheSetting() {
        List<List<String>> cases = List.of(
                List.of("WS_JWT_ISSUER", "sso.example.com", "auth.jwt.issuer (WS_JWT_ISSUER)"),
                List.of("WS_JWT_ISSUER", "ftp://sso.example.com", "auth.jwt.issuer (WS_JWT_ISSUER)"),
                List.of("WS_JWT_JWKS", "/no/such/jwks.json", "auth.jwt.jwks (WS_JWT_JWKS)"),
                List.of("WS_JWT_BATTERIES_CLAIM", "a..b", "auth.jwt.batteries-claim (WS_JWT_BATTERIES_CLAIM)"),
                List.of("WS_JWT_DASHBOARD_CLIENT", "wsms-dashboard", "auth.jwt.dashboard-client-id"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> Settings.from(ConfigLoader.load(dir, Map.of(c.get(0), c.get(1)))))
                    .as(c.toString())
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining(c.get(2))
                    .hasMessageEndingWith(".");
        }
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        Settings s = Settings.from(ConfigLoader.withOverrides(dir, Map.of("ws.ping-interval", "500ms",
                                                                          "ws.slow-client-timeout", "PT2M")));
        assertThat(s.ws().pingInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.ws().slowClientTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Settings.from(ConfigLoader.withOverrides(dir, Map.of("ws.ping-interval", "soon"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("ws.ping-interval");
    }

    @Test
    void socketLimitsComeFromTheirVariablesWithSafeDefaults() {
        Settings defaults = Settings.from(ConfigLoader.load(dir, Map.of()));
        assertThat(defaults.ws().maxConnectionsPerIp()).as("off by default").isZero();
        assertThat(defaults.server().requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.server().trustedProxies().any()).as("nobody trusted by default").isFalse();

        Settings s = Settings.from(ConfigLoader.load(dir, Map.of(
                "WS_TRUSTED_PROXIES", "10.0.0.5, 10.1.2.3/16,fd00::/8", "WS_MAX_CONNECTIONS_PER_IP", "100",
                "WS_REQUEST_HEADER_TIMEOUT", "5s")));
        assertThat(s.ws().maxConnectionsPerIp()).isEqualTo(100);
        assertThat(s.server().requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
        TrustedProxies trusted = s.server().trustedProxies();
        assertThat(trusted.toString()).isEqualTo("[10.0.0.5/32, 10.1.0.0/16, fd00:0:0:0:0:0:0:0/8]");
        for (String yes : List.of("10.0.0.5", "10.1.0.1", "10.1.255.254", "fd12::1")) {
            assertThat(trusted.trusts(AddressRange.literal(yes).orElseThrow())).as(yes).isTrue();
        }
        for (String no : List.of("10.0.0.6", "10.2.0.1", "127.0.0.1", "fe80::1", "::ffff:10.2.0.1")) {
            assertThat(trusted.trusts(AddressRange.literal(no).orElseThrow())).as(no).isFalse();
        }
        assertThat(AddressRange.literal("lb.internal")).as("never a DNS lookup").isEmpty();
    }

    @Test
    void badSocketLimitsGetOneSentenceNamingTheSetting() {
        List<List<String>> cases = List.of(
                List.of("WS_TRUSTED_PROXIES", "lb.internal", "server.trusted-proxies (WS_TRUSTED_PROXIES)"),
                List.of("WS_TRUSTED_PROXIES", "10.0.0.0/33", "server.trusted-proxies (WS_TRUSTED_PROXIES)"),
                List.of("WS_TRUSTED_PROXIES", "300.1.1.1", "server.trusted-proxies (WS_TRUSTED_PROXIES)"),
                List.of("WS_TRUSTED_PROXIES", "10.0.0.1/", "server.trusted-proxies (WS_TRUSTED_PROXIES)"),
                List.of("WS_MAX_CONNECTIONS_PER_IP", "-1", "ws.max-connections-per-ip (WS_MAX_CONNECTIONS_PER_IP)"),
                List.of("WS_REQUEST_HEADER_TIMEOUT", "soon",
                        "server.request-header-timeout (WS_REQUEST_HEADER_TIMEOUT)"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> Settings.from(ConfigLoader.load(dir, Map.of(c.get(0), c.get(1)))))
                    .as(c.toString())
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining(c.get(2))
                    .hasMessageContaining(c.get(1));
        }
    }
}

package io.bess.wsms;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.bess.wsms.support.MainProcess;
import io.bess.wsms.support.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The real Main in a child process: a bad setting ends it with exit code 2 and one clear sentence. */
class StartupErrorsTest {
    @TempDir
    Path workDir;

    @Test
    void nonNumericPortExitsWithCode2AndNamesTheVariable() throws Exception {
        Result result = runMain(Map.of("WS_PORT", "abc"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("WS_PORT").contains("'abc'").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void unreachableRedisWithoutEmbeddedModeExitsWithCode2() throws Exception {
        Result result = runMain(Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(TestRedis.freePort()),
                                       "WS_PORT", "0"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("Cannot reach Redis").contains("REDIS_HOST").doesNotContain("\tat ");
    }

    @Test
    void badValueInDotEnvFileExitsWithCode2() throws Exception {
        Files.writeString(workDir.resolve(".env"), "REDIS_PORT=six\n");
        Result result = runMain(Map.of());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("REDIS_PORT").contains("'six'");
    }

    @Test
    void clusterModeWithoutNodesExitsWithCode2AndNamesTheVariable() throws Exception {
        Result result = runMain(Map.of("REDIS_MODE", "cluster", "WS_PORT", "0"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("REDIS_CLUSTER_NODES").contains("required").doesNotContain("\tat ");
    }

    @Test
    void sentinelModeWithNoSentinelAnsweringExitsWithCode2AndSaysWhatToCheckAndThatRedisHostIsIgnored()
            throws Exception {
        Result result = runMain(Map.of("REDIS_MODE", "sentinel", "REDIS_MASTER_NAME", "mymaster", "REDIS_HOST",
                                       "redis.example", "REDIS_SENTINELS", "127.0.0.1:" + TestRedis.freePort(),
                                       "WS_PORT", "0"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("Cannot find the Redis master 'mymaster'").contains("REDIS_SENTINELS")
                .doesNotContain("\tat ");
        assertThat(result.stdout()).contains("REDIS_HOST (redis.host) is ignored in sentinel mode");
    }

    @Test
    void malformedConfigFileExitsWithCode2AndOneSentenceNamingTheFile() throws Exception {
        Files.createDirectories(workDir.resolve("config"));
        Files.writeString(workDir.resolve("config/application.yaml"), "server:\n  port: [8001\n");
        Result result = runMain(Map.of());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("websocket-server-ms: The file ").contains("config/application.yaml")
                .contains("line 3, column 1").doesNotContain("\tat ").hasLineCount(1);
    }

    @Test
    void portInUseExitsWithCode2AndOneSentenceNamingThePortAndTheCause() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Result result = runMain(Map.of("WS_PORT", Integer.toString(taken.getLocalPort())));
            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.stderr().lines().filter(l -> l.startsWith("websocket-server-ms: ")).toList())
                    .singleElement().asString()
                    .contains(":" + taken.getLocalPort()).contains("Address already in use").contains("WS_PORT");
        }
    }

    @Test
    void anyOtherFailedStartExitsWithCode2AndASentenceSayingWhy() throws Exception {
        // a listener setting Helidon itself reads, wrong: the start fails at its last step, after Redis started
        Files.createDirectories(workDir.resolve("config"));
        Files.writeString(workDir.resolve("config/application.yaml"), "server:\n  port: 0\n  backlog: many\n");
        Result result = runMain(Map.of());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().lines().filter(l -> l.startsWith("websocket-server-ms: ")).toList())
                .singleElement().asString().startsWith("websocket-server-ms: The service could not start: ")
                .contains("backlog");
    }

    private record Result(int exitCode, String stderr, String stdout) {
    }

    private Result runMain(Map<String, String> env) throws InterruptedException {
        try (MainProcess main = MainProcess.start(workDir, env)) {
            int exitCode = main.awaitExit(Duration.ofSeconds(60));
            return new Result(exitCode, main.stderrText(), main.stdoutText());
        }
    }
}

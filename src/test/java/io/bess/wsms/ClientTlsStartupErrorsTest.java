package io.bess.wsms;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.bess.wsms.support.MainProcess;
import io.bess.wsms.support.SelfSignedCertificate;
import io.bess.wsms.support.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 11, point 5: every bad combination of {@code WS_TLS_CERT} and {@code WS_TLS_KEY} ends the real Main with exit
 * code 2 and one sentence naming the setting, before anything starts, instead of a Helidon stack trace (or, for a
 * key that does not match, a server whose every handshake fails).
 */
class ClientTlsStartupErrorsTest {
    @TempDir
    static Path dir;
    private static SelfSignedCertificate server;
    private static SelfSignedCertificate other;
    private static Path notPem;

    @BeforeAll
    static void makeFiles() throws Exception {
        server = SelfSignedCertificate.create(dir, "server");
        other = SelfSignedCertificate.create(dir, "other");
        notPem = Files.writeString(dir.resolve("notes.txt"), "this is not a PEM file\n");
    }

    static Stream<Arguments> badCombinations() {
        String cert = server.certificate().toString();
        String key = server.privateKey().toString();
        String missing = dir.resolve("no-such.pem").toString();
        return Stream.of(
                Arguments.of("certificate only", Map.of("WS_TLS_CERT", cert), "(WS_TLS_KEY) is not set"),
                Arguments.of("key only", Map.of("WS_TLS_KEY", key), "(WS_TLS_CERT) is not set"),
                Arguments.of("certificate missing", Map.of("WS_TLS_CERT", missing, "WS_TLS_KEY", key),
                             "(WS_TLS_CERT) names " + missing + ", which does not exist"),
                Arguments.of("key missing", Map.of("WS_TLS_CERT", cert, "WS_TLS_KEY", missing),
                             "(WS_TLS_KEY) names " + missing + ", which does not exist"),
                Arguments.of("key is a directory", Map.of("WS_TLS_CERT", cert, "WS_TLS_KEY", dir.toString()),
                             "(WS_TLS_KEY) names " + dir + ", which is not a file"),
                Arguments.of("certificate not PEM", Map.of("WS_TLS_CERT", notPem.toString(), "WS_TLS_KEY", key),
                             "(WS_TLS_CERT) names " + notPem + ", which holds no PEM certificate"),
                Arguments.of("key not PEM", Map.of("WS_TLS_CERT", cert, "WS_TLS_KEY", notPem.toString()),
                             "(WS_TLS_KEY) names " + notPem + ", which holds no private key"),
                Arguments.of("the two swapped", Map.of("WS_TLS_CERT", key, "WS_TLS_KEY", cert),
                             "(WS_TLS_CERT) names " + key + ", which holds no PEM certificate"),
                Arguments.of("key of another certificate",
                             Map.of("WS_TLS_CERT", cert, "WS_TLS_KEY", other.privateKey().toString()),
                             "(WS_TLS_KEY) names " + other.privateKey() + ", a key that does not belong to the "
                                     + "certificate in " + cert));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCombinations")
    void exitsWithCode2AndOneSentenceNamingTheSetting(String label, Map<String, String> env, String expected)
            throws Exception {
        Result result = runMain(env);
        assertOneSentenceAndExit2(result, expected);
        System.out.println("TLS, " + label + ": " + result.stderr().strip());
    }

    @Test
    void anUnreadableKeyFileExitsWithCode2() throws Exception {
        Path locked = Files.copy(server.privateKey(), dir.resolve("locked-key.pem"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        // root reads every file through its capabilities (containers and CI often run as root): there, Main runs
        // without them, so that it meets the file as any other user does
        List<String> launcher = Files.isReadable(locked) ? withoutReadingEveryFile() : List.of();
        assertOneSentenceAndExit2(runMain(Map.of("WS_TLS_CERT", server.certificate().toString(),
                                                 "WS_TLS_KEY", locked.toString()), launcher),
                                  "(WS_TLS_KEY) names " + locked + ", which this process may not read");
    }

    /** setpriv dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from what the command it runs may hold. */
    private static List<String> withoutReadingEveryFile() throws Exception {
        List<String> setpriv = List.of(Tool.SETPRIV.require().toString(),
                                       "--bounding-set=-dac_override,-dac_read_search");
        List<String> probe = new ArrayList<>(setpriv);
        probe.add("true");
        Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // not a missing tool: a root that may not drop capabilities (no CAP_SETPCAP) reads every file, so the case
        // cannot be made here; it shows as skipped with this reason, also under CI=true
        assumeThat(p.exitValue()).as("a file this user cannot read: root reads every file, and it cannot drop that"
                                             + " capability here (" + output.strip() + ")").isZero();
        return setpriv;
    }

    private static void assertOneSentenceAndExit2(Result result, String expected) {
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
        assertThat(result.stderr().strip())
                .startsWith("websocket-server-ms: The setting server.tls.private-key.pem.")
                .contains(expected)
                .endsWith(".")
                .doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
    }

    private record Result(int exitCode, String stderr) {
    }

    private static Result runMain(Map<String, String> env) throws InterruptedException {
        return runMain(env, List.of());
    }

    private static Result runMain(Map<String, String> env, List<String> launcher) throws InterruptedException {
        Map<String, String> all = new HashMap<>(Map.of("WS_PORT", "0"));
        all.putAll(env);
        try (MainProcess main = MainProcess.start(dir, all, launcher)) {
            int exitCode = main.awaitExit(Duration.ofSeconds(60));
            return new Result(exitCode, main.stderrText());
        }
    }
}

package io.bess.wsms.logging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON mode turns every way a line can be written into one ECS JSON object: java.util.logging, System.Logger,
 * SLF4J (Jedis's route), System.out and System.err (libraries and the JDK's own warnings), printStackTrace and an
 * uncaught exception; text mode leaves all of them as they were.
 */
class ProcessLogTest {
    @TempDir
    Path dir;

    @Test
    void jsonModeMakesEveryLineOneEcsObjectWithExceptionsInOneStringField() throws Exception {
        Output output = runProbe("json");
        List<JsonObject> records = new ArrayList<>(EcsLines.parse(output.stdout(), "stdout"));
        records.addAll(EcsLines.parse(output.stderr(), "stderr"));

        assertThat(find(records, "from System.Logger").getString("log.logger")).isEqualTo("probe.system-logger");
        JsonObject jul = find(records, "from java.util.logging");
        assertThat(jul.getString("log.level")).isEqualTo("SEVERE");
        assertThat(jul.getString("process.thread.name")).isEqualTo("main");
        assertThat(jul.getString("error.type")).isEqualTo("java.lang.IllegalStateException");
        assertThat(jul.getString("error.message")).isEqualTo("logged with its stack trace");
        assertThat(jul.getString("error.stack_trace")).contains("\n\tat io.bess.wsms.logging.LinesProbe.main(");
        assertThat(find(records, "from SLF4J, the way Jedis logs").getString("log.logger")).isEqualTo("probe.slf4j");
        assertThat(find(records, "from System.out").getString("log.logger")).isEqualTo("System.out");
        JsonObject err = find(records, "from System.err with \"quotes\" and a tab\there");
        assertThat(err.getString("log.logger")).isEqualTo("System.err");
        assertThat(err.getString("log.level")).isEqualTo("WARNING");
        assertThat(find(records, "java.lang.IllegalArgumentException: printed by printStackTrace")
                           .getString("log.logger")).isEqualTo("System.err");
        JsonObject uncaught = find(records, "Uncaught exception: the thread ended");
        assertThat(uncaught.getString("process.thread.name")).isEqualTo("probe-platform");
        assertThat(uncaught.getString("error.message")).isEqualTo("nobody caught this");
        assertThat(find(records, "from a virtual thread").getString("process.thread.name")).isEqualTo("probe-virtual");
    }

    @Test
    void textModeLeavesEveryLineAsBefore() throws Exception {
        Output output = runProbe("text");
        assertThat(output.stdout()).anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+ WARNING probe.system-logger:"
                                                                     + " from System.Logger"))
                .contains("from System.out")
                .noneMatch(l -> l.startsWith("{"));
        assertThat(output.stderr()).contains("from System.err with \"quotes\" and a tab\there",
                                             "java.lang.IllegalArgumentException: printed by printStackTrace",
                                             "Exception in thread \"probe-platform\" java.lang.IllegalStateException:"
                                                     + " nobody caught this");
    }

    private static JsonObject find(List<JsonObject> records, String message) {
        return records.stream().filter(r -> r.getString("message").equals(message)).findFirst()
                .orElseThrow(() -> new AssertionError("no record with message '" + message + "' in " + records));
    }

    private record Output(List<String> stdout, List<String> stderr) {
    }

    private Output runProbe(String format) throws Exception {
        Path out = dir.resolve(format + ".out");
        Path err = dir.resolve(format + ".err");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                             "-cp", System.getProperty("java.class.path"),
                                             LinesProbe.class.getName(), format)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("probe ended").isTrue();
        assertThat(process.exitValue()).isZero();
        return new Output(java.nio.file.Files.readAllLines(out), java.nio.file.Files.readAllLines(err));
    }
}

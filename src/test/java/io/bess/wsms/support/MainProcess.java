package io.bess.wsms.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Main in a child process, started the way an operator starts it: settings in the environment (none
 * inherited from the test's own), standard output and standard error each in a file of the working directory.
 */
public final class MainProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private MainProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code io.bess.wsms.Main} on this JVM's class path.
     *
     * @param workDir     working directory ({@code .env} and {@code config/application.yaml} are read there)
     * @param environment settings as environment variables
     * @return the running process
     */
    public static MainProcess start(Path workDir, Map<String, String> environment) {
        return start(workDir, environment, List.of());
    }

    /**
     * Starts {@code io.bess.wsms.Main} through a launcher, e.g. {@code setpriv} with fewer privileges.
     *
     * @param workDir     working directory ({@code .env} and {@code config/application.yaml} are read there)
     * @param environment settings as environment variables
     * @param launcher    the command (and its arguments) that runs the java command line; empty for none
     * @return the running process
     */
    public static MainProcess start(Path workDir, Map<String, String> environment, List<String> launcher) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = workDir.resolve("stdout.log");
        Path err = workDir.resolve("stderr.log");
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), "io.bess.wsms.Main"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("WS_")
                || k.startsWith("SIMULATOR") || k.startsWith("LOG_") || k.startsWith("BATTERY_"));
        builder.environment().putAll(environment);
        try {
            return new MainProcess(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything written on standard output so far. */
    public String stdoutText() {
        return text(stdout);
    }

    /** Everything written on standard error so far. */
    public String stderrText() {
        return text(stderr);
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; the process must have exited. */
    public int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, as docker stop, systemd or Kubernetes send it; does not wait. */
    public void sigterm() {
        process.destroy();
    }

    /**
     * Waits for the process to exit.
     *
     * @param patience how long at most
     * @return whether it exited in time
     */
    public boolean waitFor(Duration patience) throws InterruptedException {
        return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The complete lines written on standard output so far. */
    public List<String> stdout() {
        return completeLines(stdout);
    }

    /** The complete lines written on standard error so far. */
    public List<String> stderr() {
        return completeLines(stderr);
    }

    /**
     * Waits for the process to end by itself.
     *
     * @param patience how long at most
     * @return its exit code
     */
    public int awaitExit(Duration patience) throws InterruptedException {
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Main did not exit within " + patience + "; stdout: " + stdout()
                                             + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /**
     * SIGTERM, as docker stop or Kubernetes send it, and waits for the exit.
     *
     * @param patience how long at most
     * @return the exit code
     */
    public int stop(Duration patience) throws InterruptedException {
        process.destroy();
        return awaitExit(patience);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Lines ending with a newline: the last one may still be being written while the process runs. */
    private static List<String> completeLines(Path file) {
        String text = text(file);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : Arrays.asList(text.substring(0, end).split("\n", -1));
    }

    private static String text(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

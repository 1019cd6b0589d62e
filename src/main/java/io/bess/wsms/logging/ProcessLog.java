package io.bess.wsms.logging;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.bess.wsms.config.LogSettings;

/**
 * The format of every line the process writes: the text lines of {@code logging.properties}, or (LOG_FORMAT=json)
 * one ECS JSON object per line, made by Elastic's ECS formatter ({@link EcsFieldsFormatter}, which also writes an
 * event's structured fields), for Filebeat and Logstash.
 * <p>
 * In JSON mode, java.util.logging carries every line: the service's own loggers, Helidon's, Jedis's (through
 * slf4j-jdk14), an uncaught exception, and whatever a library or the JDK prints on {@code System.out} or
 * {@code System.err} (each line a record of the logger {@code System.out} or {@code System.err}).
 */
public final class ProcessLog {
    /** Text lines as {@code logging.properties} sets them up; also how a bad {@code log.format} is reported. */
    public static final ProcessLog TEXT = new ProcessLog(false);

    /** The logger of the lines Main writes itself (a configuration error before exit). */
    private static final String MAIN_LOGGER = "io.bess.wsms.Main";

    private final boolean json;

    private ProcessLog(boolean json) {
        this.json = json;
    }

    /**
     * Sets up the format; call it once, after {@code LogConfig.configureRuntime()} and before the first log line.
     * JSON mode replaces the formatter of every root handler (so it holds for a {@code logging.properties} of the
     * operator's own too), logs uncaught exceptions, and routes {@code System.out} and {@code System.err} through
     * java.util.logging. The handlers keep writing to the streams they were made with.
     *
     * @param settings the {@code log} settings
     * @return the format in force
     */
    public static ProcessLog configure(LogSettings settings) {
        if (!settings.json()) {
            return TEXT;
        }
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(new EcsFieldsFormatter());
        }
        Logger uncaught = Logger.getLogger(Thread.class.getName());
        Thread.setDefaultUncaughtExceptionHandler(
                (thread, e) -> uncaught.log(Level.SEVERE, "Uncaught exception: the thread ended", e));
        System.setOut(lineLogging(System.out, "System.out", Level.INFO));
        System.setErr(lineLogging(System.err, "System.err", Level.WARNING));
        return new ProcessLog(true);
    }

    /**
     * Reports the one sentence before the process exits on a configuration it cannot run with: text mode prints
     * {@code websocket-server-ms: <sentence>} on stderr, JSON mode logs it at SEVERE.
     *
     * @param sentence one sentence naming the setting
     */
    public void fatal(String sentence) {
        if (json) {
            Logger.getLogger(MAIN_LOGGER).log(Level.SEVERE, sentence);
        } else {
            System.err.println("websocket-server-ms: " + sentence);
        }
    }

    private static PrintStream lineLogging(PrintStream original, String loggerName, Level level) {
        return new PrintStream(new LineLogger(Logger.getLogger(loggerName), level, original), true,
                               StandardCharsets.UTF_8);
    }
}

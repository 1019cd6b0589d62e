package io.bess.wsms.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects the java.util.logging records of a logger (and its children) while open, for assertions on logs. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogCapture(Logger logger, Level level) {
        this.logger = logger;
        this.previous = logger.getLevel();
        setLevel(level);
        if (previous == null || previous.intValue() > level.intValue()) {
            logger.setLevel(level);
        }
        logger.addHandler(this);
    }

    /**
     * Starts capturing.
     *
     * @param name  logger name ("" for every logger)
     * @param level lowest level captured
     * @return the capture; close it to stop
     */
    public static LogCapture of(String name, Level level) {
        return new LogCapture(Logger.getLogger(name), level);
    }

    /** Captured records. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Formatted text of every record, thrown exceptions included. */
    public String text() {
        StringBuilder all = new StringBuilder();
        for (LogRecord record : records) {
            all.append(formatter.format(record));
        }
        return all.toString();
    }

    /** Records at a level whose message contains a text. */
    public long count(Level level, String contains) {
        return records.stream()
                .filter(r -> r.getLevel().equals(level))
                .filter(r -> formatter.formatMessage(r).contains(contains))
                .count();
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}

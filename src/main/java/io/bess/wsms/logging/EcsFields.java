package io.bess.wsms.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Structured fields of one log event (ECS names such as {@code event.action}, {@code user.id}), carried as the log
 * record's parameter: in JSON mode {@link EcsFieldsFormatter} writes them as fields of the line's JSON object, in
 * text mode the message, which says the same in words, is the line. Values are strings or numbers.
 *
 * @param fields field name to value, in the order written
 */
public record EcsFields(Map<String, Object> fields) {
    /** Defensive, ordered copy. */
    public EcsFields {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * Logs a message with these fields.
     *
     * @param logger  the logger
     * @param level   the level
     * @param message the line for people (text mode) and the {@code message} field (JSON mode)
     */
    public void log(Logger logger, Level level, String message) {
        if (!logger.isLoggable(level)) {
            return;
        }
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(logger.getName());
        record.setParameters(new Object[] {this});
        logger.log(record);
    }

    /** The fields of a record, if it carries some. */
    static EcsFields of(LogRecord record) {
        Object[] parameters = record.getParameters();
        if (parameters != null && parameters.length == 1 && parameters[0] instanceof EcsFields fields) {
            return fields;
        }
        return null;
    }
}

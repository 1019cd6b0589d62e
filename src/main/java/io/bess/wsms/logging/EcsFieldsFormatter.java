package io.bess.wsms.logging;

import java.util.Map;
import java.util.logging.LogRecord;

import co.elastic.logging.jul.EcsFormatter;
import jakarta.json.Json;

/**
 * Elastic's ECS formatter, plus the structured fields a record carries as {@link EcsFields} (the audit trail's
 * {@code event.action}, {@code user.id}, {@code source.ip}, ...) written as fields of the same JSON object, numbers
 * as JSON numbers. Records without fields are formatted exactly as {@link EcsFormatter} does; it reads the same
 * {@code co.elastic.logging.jul.EcsFormatter.*} properties.
 */
public final class EcsFieldsFormatter extends EcsFormatter {
    /** Creates the formatter. */
    public EcsFieldsFormatter() {
    }

    @Override
    public String format(LogRecord record) {
        String line = super.format(record);
        EcsFields fields = EcsFields.of(record);
        if (fields == null || fields.fields().isEmpty() || !line.startsWith("{")) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length() + 256).append('{');
        for (Map.Entry<String, Object> field : fields.fields().entrySet()) {
            out.append(Json.createValue(field.getKey())).append(':');
            Object value = field.getValue();
            if (value instanceof Long || value instanceof Integer) {
                out.append(value);
            } else {
                out.append(Json.createValue(String.valueOf(value)));
            }
            out.append(',');
        }
        return out.append(line, 1, line.length()).toString();
    }
}

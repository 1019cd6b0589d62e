package io.bess.wsms.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import co.elastic.logging.jul.EcsFormatter;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 15, point 5: an event's fields become fields of its ECS JSON line; other lines are Elastic's, unchanged. */
class EcsFieldsFormatterTest {
    @Test
    void fieldsAreWrittenIntoTheSameObjectNumbersAsNumbersTextEscaped() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event.action", "ws-close");
        fields.put("user.id", "a\"b\\c\nd");
        fields.put("wsms.close.code", 1008);
        fields.put("event.duration", 1_234_567_890L);
        LogRecord record = new LogRecord(Level.INFO, "ws-close success user.id=x");
        record.setLoggerName("io.bess.wsms.audit");
        record.setParameters(new Object[] {new EcsFields(fields)});
        String line = new EcsFieldsFormatter().format(record);
        JsonObject json = EcsLines.parse(line.strip(), "formatter");
        assertThat(json.getString("event.action")).isEqualTo("ws-close");
        assertThat(json.getString("user.id")).isEqualTo("a\"b\\c\nd");
        assertThat(json.get("wsms.close.code").getValueType()).isEqualTo(JsonValue.ValueType.NUMBER);
        assertThat(json.getJsonNumber("event.duration").longValueExact()).isEqualTo(1_234_567_890L);
        assertThat(json.getString("message")).isEqualTo("ws-close success user.id=x");
        assertThat(line).endsWith("\n").doesNotContain("EcsFields[");
    }

    @Test
    void aRecordWithoutFieldsIsFormattedExactlyAsElasticDoes() {
        LogRecord record = new LogRecord(Level.WARNING, "Redis is unreachable");
        record.setLoggerName("io.bess.wsms.redis.RedisStatus");
        assertThat(new EcsFieldsFormatter().format(record)).isEqualTo(new EcsFormatter().format(record));
    }
}

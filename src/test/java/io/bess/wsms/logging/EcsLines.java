package io.bess.wsms.logging;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;

/**
 * Parses log lines as the ECS JSON objects Filebeat's ndjson parser and Logstash's json codec take: each line
 * exactly one object with {@code @timestamp}, {@code log.level}, {@code log.logger}, the thread, {@code message},
 * and for a logged exception {@code error.type}, {@code error.stack_trace} as one string.
 */
public final class EcsLines {
    private static final Set<String> LEVELS = Set.of("SEVERE", "WARNING", "INFO", "CONFIG", "FINE", "FINER",
                                                     "FINEST");

    private EcsLines() {
    }

    /**
     * Parses every line, failing on the first one that is not a complete ECS log object.
     *
     * @param lines  log lines
     * @param stream where they came from, for the failure message
     * @return the objects
     */
    public static List<JsonObject> parse(List<String> lines, String stream) {
        List<JsonObject> records = new ArrayList<>();
        for (String line : lines) {
            records.add(parse(line, stream));
        }
        return records;
    }

    /**
     * Parses one line.
     *
     * @param line   one log line
     * @param stream where it came from, for the failure message
     * @return the object
     */
    public static JsonObject parse(String line, String stream) {
        JsonObject json = object(line, stream);
        String where = stream + " line is not an ECS log record: " + line;
        Instant.parse(json.getString("@timestamp"));
        require(LEVELS.contains(json.getString("log.level", "")), where);
        require(!json.getString("log.logger", "").isBlank(), where);
        require(json.containsKey("process.thread.name") || json.containsKey("process.thread.id"), where);
        require(json.containsKey("message") && json.get("message").getValueType() == JsonValue.ValueType.STRING,
                where);
        if (json.containsKey("error.type") || json.containsKey("error.stack_trace")) {
            String type = json.getString("error.type", "");
            String trace = json.getString("error.stack_trace", "");
            require(!type.isBlank() && trace.startsWith(type) && trace.contains("\n\tat "), where);
        }
        return json;
    }

    /** Whether a record carries an exception with its stack trace. */
    public static boolean hasStackTrace(JsonObject record) {
        return record.containsKey("error.stack_trace");
    }

    private static JsonObject object(String line, String stream) {
        try (JsonParser parser = Json.createParser(new StringReader(line))) {
            require(parser.hasNext() && parser.next() == JsonParser.Event.START_OBJECT,
                    stream + " line is not a JSON object: " + line);
            JsonObject json = parser.getObject();
            require(!parser.hasNext(), stream + " line holds more than one JSON value: " + line);
            return json;
        } catch (RuntimeException e) {
            throw new AssertionError(stream + " line is not JSON: " + line, e);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}

package io.bess.wsms.logging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

/**
 * Takes credentials out of the records of chosen loggers before any handler sees them: a {@code token} query
 * parameter, an {@code Authorization} header's value and a bearer credential (also the subprotocol form
 * {@code bearer, <jwt>}), in the message and in the messages of the exception chain. Helidon 4.5 writes the text of
 * a refused request's error at DEBUG, and for a malformed request line that text quotes the query
 * ({@code Query contains invalid char (non-ASCII): token=...}); with this on its loggers, turning on Helidon's
 * debug output to find a problem cannot put a token in the log.
 */
public final class SecretRedaction implements AutoCloseable {
    /** Helidon's loggers whose records can quote a request's line or headers. */
    public static final List<String> HELIDON_REQUEST_LOGGERS = List.of("io.helidon.webserver.http1.Http1Connection",
                                                                        "io.helidon.webserver.ConnectionHandler");
    private static final String REDACTED = "[redacted]";
    private static final List<Pattern> SECRETS = List.of(
            // ?token=..., &access_token=..., or a query quoted on its own ("...: token=...")
            Pattern.compile("(?i)((?:^|[?&;\\s(])(?:access_)?token=)[^&;\\s,)]*"),
            // an Authorization header, whatever its scheme
            Pattern.compile("(?i)(\\bauthorization\\s*:\\s*)[^\\r\\n]*"),
            // a bearer credential, as "Bearer <token>" or as the subprotocol pair "bearer, <jwt>"
            Pattern.compile("(?i)(\\bbearer[\\s,]+)[^\\s,;\"']+"));
    /** Deeper cause chains are cut here (a chain can loop). */
    private static final int MAX_CAUSES = 16;

    /** The loggers this holds on to (java.util.logging forgets the filter of a logger it collects) and their filters. */
    private final Map<Logger, Filter> previous = new LinkedHashMap<>();

    private SecretRedaction(List<String> loggerNames) {
        for (String name : loggerNames) {
            Logger logger = Logger.getLogger(name);
            previous.put(logger, logger.getFilter());
            logger.setFilter(new Scrubber(logger.getFilter()));
        }
    }

    /**
     * Redacts the records of some loggers until closed.
     *
     * @param loggerNames the loggers
     * @return the installed redaction; close it to restore the loggers' own filters
     */
    public static SecretRedaction install(List<String> loggerNames) {
        return new SecretRedaction(loggerNames);
    }

    /**
     * A text without its credentials.
     *
     * @param text any text
     * @return the text with each credential replaced by {@code [redacted]}
     */
    public static String redact(String text) {
        String clean = text;
        for (Pattern secret : SECRETS) {
            clean = secret.matcher(clean).replaceAll("$1" + REDACTED);
        }
        return clean;
    }

    @Override
    public void close() {
        previous.forEach(Logger::setFilter);
        previous.clear();
    }

    /** Rewrites a record in place, then lets the logger's own filter decide. */
    private record Scrubber(Filter next) implements Filter {
        private static final SimpleFormatter MESSAGES = new SimpleFormatter();

        @Override
        public boolean isLoggable(LogRecord record) {
            if (record.getMessage() != null) {
                String message = MESSAGES.formatMessage(record);
                String clean = redact(message);
                if (!clean.equals(message)) {
                    record.setMessage(clean);
                    record.setParameters(null);
                    record.setResourceBundle(null);
                }
            }
            if (record.getThrown() != null) {
                record.setThrown(redacted(record.getThrown(), 0));
            }
            return next == null || next.isLoggable(record);
        }
    }

    /** The same exception, or a stand-in with the redacted message, class name and stack trace. */
    private static Throwable redacted(Throwable thrown, int depth) {
        Throwable cause = thrown.getCause();
        Throwable cleanCause = cause == null || cause == thrown || depth >= MAX_CAUSES ? null
                : redacted(cause, depth + 1);
        String message = thrown.getMessage();
        String clean = message == null ? null : redact(message);
        if (Objects.equals(message, clean) && cleanCause == cause) {
            return thrown;
        }
        Redacted copy = new Redacted(thrown.getClass().getName() + (clean == null ? "" : ": " + clean), cleanCause);
        copy.setStackTrace(thrown.getStackTrace());
        return copy;
    }

    /** Stands in for an exception whose message held a credential; prints as the original did. */
    private static final class Redacted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Redacted(String text, Throwable cause) {
            super(text, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}

package io.bess.wsms.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An output stream that logs each line written to it as one record, so that what a library or the JDK prints on
 * {@code System.out} or {@code System.err} is formatted like every other log line. Blank lines carry nothing and
 * are dropped.
 */
final class LineLogger extends OutputStream {
    private final Logger logger;
    private final Level level;
    private final PrintStream fallback;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean logging;

    /**
     * Creates the stream.
     *
     * @param logger   the logger each line goes to
     * @param level    the level of each line
     * @param fallback where a line goes that is written while this stream is itself logging (a handler that writes
     *                 to this stream, or complains on it): logging it again would recurse
     */
    LineLogger(Logger logger, Level level, PrintStream fallback) {
        this.logger = logger;
        this.level = level;
        this.fallback = fallback;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            endLine();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
        line.reset();
        if (text.isEmpty()) {
            return;
        }
        if (logging) {
            fallback.println(text);
            return;
        }
        logging = true;
        try {
            logger.log(level, text);
        } finally {
            logging = false;
        }
    }
}

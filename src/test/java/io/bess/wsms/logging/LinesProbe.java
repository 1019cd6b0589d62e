package io.bess.wsms.logging;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.bess.wsms.config.LogSettings;
import io.helidon.logging.common.LogConfig;
import org.slf4j.LoggerFactory;

/**
 * A process that sets up the log as Main does and then writes a line every way the service, its libraries and the
 * JDK can: {@link ProcessLogTest} runs it and reads what it printed.
 */
public final class LinesProbe {
    private LinesProbe() {
    }

    /**
     * Entry point.
     *
     * @param args {@code json} or {@code text}
     */
    public static void main(String[] args) throws InterruptedException {
        LogConfig.configureRuntime();
        ProcessLog.configure(new LogSettings(args[0].equals("json")));
        System.getLogger("probe.system-logger").log(System.Logger.Level.WARNING, "from System.Logger");
        Logger.getLogger("probe.jul").log(Level.SEVERE, "from java.util.logging",
                                          new IllegalStateException("logged with its stack trace"));
        LoggerFactory.getLogger("probe.slf4j").warn("from SLF4J, the way Jedis logs");
        System.out.println("from System.out");
        System.err.println("from System.err with \"quotes\" and a tab\there");
        new IllegalArgumentException("printed by printStackTrace").printStackTrace();
        Thread platform = new Thread(() -> {
            throw new IllegalStateException("nobody caught this");
        }, "probe-platform");
        platform.start();
        platform.join();
        Thread.ofVirtual().name("probe-virtual")
                .start(() -> Logger.getLogger("probe.virtual").info("from a virtual thread")).join();
    }
}

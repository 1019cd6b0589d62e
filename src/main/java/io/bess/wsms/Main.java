package io.bess.wsms;

import java.nio.file.Path;

import io.bess.wsms.config.ConfigLoader;
import io.bess.wsms.config.LogSettings;
import io.bess.wsms.config.Settings;
import io.bess.wsms.config.SettingsException;
import io.bess.wsms.logging.ProcessLog;
import io.bess.wsms.redis.RedisUnavailableException;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/** Starts WebsocketServerMS: reads the config, starts the service, stops it gracefully on SIGTERM. */
public final class Main {
    /** Exit code for a configuration the service cannot run with, or any other failed start. */
    static final int EXIT_BAD_CONFIG = 2;

    private Main() {
    }

    /**
     * Entry point.
     *
     * @param args ignored: settings come from the environment, {@code .env} and {@code config/application.yaml}
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        ProcessLog log = ProcessLog.TEXT;
        try {
            Config config = ConfigLoader.load(Path.of("").toAbsolutePath(), System.getenv());
            // the log format first: it decides how everything after it is written, a bad setting included
            log = ProcessLog.configure(LogSettings.from(config.get("log")));
            Service service = Service.start(Settings.from(config), config.get("server"));
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
            exitCleanlyOnSigterm();
        } catch (SettingsException | RedisUnavailableException | StartupException e) {
            log.fatal(e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
        } catch (RuntimeException e) {
            // not a known start failure: the stack trace is for whoever fixes it, the sentence for whoever runs it
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "Start failed", e);
            log.fatal("The service could not start: " + e + ".");
            System.exit(EXIT_BAD_CONFIG);
        }
    }

    /**
     * SIGTERM is the normal way to stop the service (docker stop, Kubernetes, systemd), so it exits 0: left to the
     * JVM, the process would exit with 143 (128 + SIGTERM), which supervisors report as a failure. The handler only
     * calls {@code System.exit(0)}, which runs the shutdown hook (the graceful stop) and waits for it; stopping the
     * service from the handler thread itself would not work, since the JVM starts exiting as soon as the server's
     * threads end, while the rest of the stop is still running. Other signals (Ctrl-C) keep the JVM's behaviour.
     */
    @SuppressWarnings("restriction")
    private static void exitCleanlyOnSigterm() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(0));
        } catch (IllegalArgumentException | LinkageError e) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING, "SIGTERM handler not installed ("
                    + e.getMessage() + "): SIGTERM still stops the service gracefully, with exit code 143");
        }
    }
}

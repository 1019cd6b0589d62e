package io.bess.wsms;

import java.nio.file.Path;

import io.bess.wsms.config.ConfigLoader;
import io.bess.wsms.config.Settings;
import io.bess.wsms.config.SettingsException;
import io.bess.wsms.redis.RedisUnavailableException;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/** Starts WebsocketServerMS: reads the config, starts the service, stops it gracefully on SIGTERM. */
public final class Main {
    /** Exit code for a configuration the service cannot run with. */
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
        try {
            Config config = ConfigLoader.load(Path.of("").toAbsolutePath(), System.getenv());
            Service service = Service.start(Settings.from(config), config.get("server"));
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
        } catch (SettingsException | RedisUnavailableException e) {
            System.err.println("websocket-server-ms: " + e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
        }
    }
}

package io.bess.wsms.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;

/**
 * Builds the service's config from, highest priority first: environment variables, a {@code .env} file in the
 * working directory, system properties, {@code config/application.yaml} in the working directory and the
 * defaults packaged in the jar.
 */
public final class ConfigLoader {
    private static final Pattern YAML_POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    private ConfigLoader() {
    }

    /**
     * Loads the config the way the service does on start-up.
     *
     * @param workingDirectory where {@code .env} and {@code config/application.yaml} are looked for
     * @param environment      the process environment
     * @return the config
     */
    public static Config load(Path workingDirectory, Map<String, String> environment) {
        Map<String, String> overrides = new HashMap<>(EnvironmentMapping.toConfigKeys(dotEnv(workingDirectory)));
        overrides.putAll(EnvironmentMapping.toConfigKeys(environment));
        return withOverrides(workingDirectory, overrides);
    }

    /**
     * The packaged defaults (and a local {@code config/application.yaml}) under explicit overrides; tests use it.
     *
     * @param workingDirectory where {@code config/application.yaml} is looked for
     * @param overrides        config key to value, highest priority
     * @return the config
     * @throws SettingsException with one sentence when {@code config/application.yaml} is not valid YAML
     */
    public static Config withOverrides(Path workingDirectory, Map<String, String> overrides) {
        Path file = workingDirectory.resolve("config/application.yaml");
        try {
            return Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .addSource(ConfigSources.create(overrides))
                    .addSource(ConfigSources.systemProperties())
                    .addSource(ConfigSources.file(file).optional())
                    .addSource(ConfigSources.classpath("application.yaml").optional())
                    .build();
        } catch (ConfigException e) {
            throw new SettingsException("The file " + file + " cannot be read as YAML: " + problem(e) + ".");
        }
    }

    /** The parser's problem and where it is (SnakeYAML's message spans several lines; the last position is it). */
    private static String problem(ConfigException e) {
        String message = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        String problem = message.lines().findFirst().orElse("").strip();
        Matcher position = YAML_POSITION.matcher(message);
        String at = "";
        while (position.find()) {
            at = " at line " + position.group(1) + ", column " + position.group(2);
        }
        return problem + at;
    }

    private static Map<String, String> dotEnv(Path workingDirectory) {
        Map<String, String> values = new HashMap<>();
        if (Files.isRegularFile(workingDirectory.resolve(".env"))) {
            Dotenv dotenv = Dotenv.configure()
                    .directory(workingDirectory.toString())
                    .ignoreIfMalformed()
                    .load();
            for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                values.put(entry.getKey(), entry.getValue());
            }
        }
        return values;
    }
}

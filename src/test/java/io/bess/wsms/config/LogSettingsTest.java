package io.bess.wsms.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** log.format (LOG_FORMAT): text by default, json from the environment, .env or the YAML file, nothing else. */
class LogSettingsTest {
    @TempDir
    Path dir;

    @Test
    void textByDefault() {
        assertThat(read(Map.of()).json()).isFalse();
    }

    @Test
    void jsonFromTheEnvironmentInAnyCase() {
        assertThat(read(Map.of("LOG_FORMAT", "json")).json()).isTrue();
        assertThat(read(Map.of("LOG_FORMAT", "JSON")).json()).isTrue();
        assertThat(read(Map.of("LOG_FORMAT", "text")).json()).isFalse();
    }

    @Test
    void jsonFromDotEnvAndFromTheYamlFile() throws Exception {
        Files.writeString(dir.resolve(".env"), "LOG_FORMAT=json\n");
        assertThat(read(Map.of()).json()).isTrue();
        Files.delete(dir.resolve(".env"));
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/application.yaml"), "log:\n  format: json\n");
        assertThat(read(Map.of()).json()).isTrue();
    }

    @Test
    void anyOtherValueIsOneSentenceNamingTheSettingAndTheVariable() {
        assertThatThrownBy(() -> read(Map.of("LOG_FORMAT", "ecs")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("The setting log.format (LOG_FORMAT) must be text or json, got 'ecs'.");
    }

    private LogSettings read(Map<String, String> environment) {
        return LogSettings.from(ConfigLoader.load(dir, environment).get("log"));
    }
}

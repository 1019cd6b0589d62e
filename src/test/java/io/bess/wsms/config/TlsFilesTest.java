package io.bess.wsms.config;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.SelfSignedCertificate;
import io.bess.wsms.support.Tool;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How WS_TLS_CERT and WS_TLS_KEY reach Helidon's listener TLS keys, and what the check lets through. */
class TlsFilesTest {
    private static final String CERT_KEY = "server.tls.private-key.pem.cert-chain.resource.path";
    private static final String KEY_KEY = "server.tls.private-key.pem.key.resource.path";

    private static final String PASSPHRASE_KEY = "server.tls.private-key.pem.key.passphrase";

    @TempDir
    Path dir;

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new HashMap<>(base);
        all.put(key, value);
        return all;
    }

    @Test
    void theVariablesSetHelidonsOwnListenerTlsKeys() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "server");
        Config config = ConfigLoader.load(dir, Map.of("WS_TLS_CERT", cert.certificate().toString(),
                                                      "WS_TLS_KEY", cert.privateKey().toString()));
        assertThat(config.get(CERT_KEY).asString().get()).isEqualTo(cert.certificate().toString());
        assertThat(config.get(KEY_KEY).asString().get()).isEqualTo(cert.privateKey().toString());
        assertThatNoException().isThrownBy(() -> Settings.from(config));
    }

    @Test
    void emptyVariablesMeanPlainWsAndReachNeitherHelidonNorTheCheck() {
        Config config = ConfigLoader.load(dir, Map.of("WS_TLS_CERT", "", "WS_TLS_KEY", " "));
        assertThat(config.get("server.tls").exists()).isFalse();
        assertThatNoException().isThrownBy(() -> Settings.from(config));
    }

    @Test
    void anEmptyPathGivenInTheConfigIsRefusedRatherThanReadAsTheWorkingDirectory() {
        Config config = ConfigLoader.withOverrides(dir, Map.of(CERT_KEY, "", KEY_KEY, "key.pem"));
        assertThatThrownBy(() -> Settings.from(config))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("The setting " + CERT_KEY + " (WS_TLS_CERT) is empty");
    }

    @Test
    @RequiresTool(Tool.OPENSSL) // to encrypt a test key
    void anEncryptedKeyOpensWithItsPassphraseAndIsExplainedWithoutIt() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "server");
        Path encrypted = dir.resolve("encrypted-key.pem");
        Process p = new ProcessBuilder(Tool.OPENSSL.path().toString(), "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in",
                                       cert.privateKey().toString(), "-out", encrypted.toString(),
                                       "-passout", "pass:s3cret").redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(p.waitFor()).isZero();
        Map<String, String> files = Map.of(CERT_KEY, cert.certificate().toString(), KEY_KEY, encrypted.toString());

        assertThatNoException().isThrownBy(() -> Settings.from(ConfigLoader.withOverrides(dir, with(files,
                PASSPHRASE_KEY, "s3cret"))));
        assertThatThrownBy(() -> Settings.from(ConfigLoader.withOverrides(dir, files)))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("(WS_TLS_KEY) names " + encrypted + ", an encrypted key that needs its "
                                              + "passphrase in " + PASSPHRASE_KEY);
        assertThatThrownBy(() -> Settings.from(ConfigLoader.withOverrides(dir, with(files, PASSPHRASE_KEY, "wrong"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("does not open with the passphrase in " + PASSPHRASE_KEY);
    }

    @Test
    void filesAreNotCheckedWhenTlsIsSwitchedOff() {
        Config config = ConfigLoader.withOverrides(dir, Map.of(CERT_KEY, "missing.pem", KEY_KEY, "missing.pem",
                                                               "server.tls.enabled", "false"));
        assertThatNoException().isThrownBy(() -> Settings.from(config));
    }
}

package io.bess.wsms.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.config.Config;

/**
 * Checks the PEM files of the listener's TLS ({@code WS_TLS_CERT}, {@code WS_TLS_KEY}) before Helidon reads them,
 * so that a mistake ends the start with one sentence naming the setting instead of a stack trace, and a key that does
 * not match its certificate is caught at start rather than by every client's failed handshake. The files are read
 * with Helidon's own PEM reader, the one its listener uses, so what passes here is what the listener accepts.
 */
final class TlsFiles {
    /** Helidon's listener TLS keys under {@code server}: the environment variables map straight onto them. */
    static final String CERT_CHAIN = "tls.private-key.pem.cert-chain.resource.path";
    static final String PRIVATE_KEY = "tls.private-key.pem.key.resource.path";
    private static final String KEY_PASSPHRASE = "tls.private-key.pem.key.passphrase";
    private static final byte[] PROBE = "websocket-server-ms key check".getBytes(StandardCharsets.US_ASCII);

    private TlsFiles() {
    }

    /**
     * Checks the {@code server} node's PEM settings, when there are any.
     *
     * @param serverNode the {@code server} config node
     * @throws SettingsException with one sentence naming the setting when only one of the two files is given, a file
     *                           is missing, unreadable or not PEM, or the key does not belong to the certificate
     */
    static void check(Config serverNode) {
        SettingReader r = new SettingReader(serverNode);
        if (!r.bool("tls.enabled", true)) {
            return;
        }
        Optional<String> cert = present(serverNode, r, CERT_CHAIN);
        Optional<String> key = present(serverNode, r, PRIVATE_KEY);
        if (cert.isEmpty() && key.isEmpty()) {
            return;
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new SettingsException(r.name(cert.isEmpty() ? CERT_CHAIN : PRIVATE_KEY) + " is not set: TLS needs "
                                                + "the certificate (WS_TLS_CERT) and its private key (WS_TLS_KEY) "
                                                + "together.");
        }
        Path certPath = readableFile(r, CERT_CHAIN, cert.get());
        Path keyPath = readableFile(r, PRIVATE_KEY, key.get());
        X509Certificate certificate = certificate(r, certPath);
        PrivateKey privateKey = privateKey(r, keyPath, serverNode.get(KEY_PASSPHRASE).asString().asOptional());
        if (!matches(privateKey, certificate.getPublicKey())) {
            throw new SettingsException(r.name(PRIVATE_KEY) + " names " + keyPath + ", a key that does not belong to "
                                                + "the certificate in " + certPath + ".");
        }
    }

    /** A configured path; an empty one is a mistake, since Helidon would read the working directory as the file. */
    private static Optional<String> present(Config serverNode, SettingReader r, String key) {
        Optional<String> raw = serverNode.get(key).asString().asOptional();
        if (raw.isPresent() && raw.get().isBlank()) {
            throw new SettingsException(r.name(key) + " is empty: give the path of a PEM file, or set neither "
                                                + "of the two TLS files to serve plain ws:// and http://.");
        }
        return raw;
    }

    private static Path readableFile(SettingReader r, String key, String value) {
        Path path;
        try {
            path = Path.of(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new SettingsException(r.name(key) + " is not a valid file path, got '" + value + "'.");
        }
        if (!Files.exists(path)) {
            throw new SettingsException(r.name(key) + " names " + path + ", which does not exist.");
        }
        if (!Files.isRegularFile(path)) {
            throw new SettingsException(r.name(key) + " names " + path + ", which is not a file.");
        }
        if (!Files.isReadable(path)) {
            throw new SettingsException(r.name(key) + " names " + path + ", which this process may not read.");
        }
        return path;
    }

    private static X509Certificate certificate(SettingReader r, Path path) {
        List<X509Certificate> chain;
        try {
            chain = Keys.builder().pem(pem -> pem.certChain(Resource.create(path))).build().certChain();
        } catch (RuntimeException e) {
            chain = List.of();
        }
        if (chain.isEmpty()) {
            throw new SettingsException(r.name(CERT_CHAIN) + " names " + path + ", which holds no PEM certificate "
                                                + "(-----BEGIN CERTIFICATE-----).");
        }
        return chain.getFirst();
    }

    private static PrivateKey privateKey(SettingReader r, Path path, Optional<String> passphrase) {
        try {
            return Keys.builder()
                    .pem(pem -> {
                        pem.key(Resource.create(path));
                        passphrase.ifPresent(pem::keyPassphrase);
                    })
                    .build()
                    .privateKey()
                    .orElseThrow();
        } catch (RuntimeException e) {
            if (encrypted(path)) {
                throw new SettingsException(r.name(PRIVATE_KEY) + " names " + path + ", an encrypted key that "
                                                    + (passphrase.isEmpty() ? "needs its passphrase in "
                                                    : "does not open with the passphrase in ")
                                                    + "server." + KEY_PASSPHRASE + " (or give an unencrypted key).");
            }
            throw new SettingsException(r.name(PRIVATE_KEY) + " names " + path + ", which holds no private key Helidon "
                                                + "can read (" + rootMessage(e) + "): give a PKCS#8 PEM key "
                                                + "(-----BEGIN PRIVATE KEY-----; openssl pkcs8 -topk8 -nocrypt "
                                                + "converts others).");
        }
    }

    private static boolean encrypted(Path path) {
        try {
            return Files.readString(path, StandardCharsets.ISO_8859_1).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        } catch (IOException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /**
     * Whether the private key belongs to the public key: a signature made with one verifies with the other. Key types
     * this check does not know are left to the TLS handshake.
     */
    private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}

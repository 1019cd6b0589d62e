package io.bess.wsms.support;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made by the JDK's keytool and
 * written as the two PEM files a user gives the service ({@code WS_TLS_CERT}, {@code WS_TLS_KEY}), plus an
 * {@link SSLContext} that trusts it and nothing else.
 *
 * @param certificate the PEM certificate file
 * @param privateKey  the PEM (PKCS#8) private key file
 * @param x509        the certificate
 */
public record SelfSignedCertificate(Path certificate, Path privateKey, X509Certificate x509) {
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    /**
     * Makes a new key pair and certificate.
     *
     * @param dir  where the files go
     * @param name file name prefix
     * @return the certificate and its files
     */
    public static SelfSignedCertificate create(Path dir, String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize",
                                               "2048", "-validity", "2", "-dname", "CN=localhost",
                                               "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                                               "-keystore", store.toString(), "-storepass",
                                               new String(STORE_PASSWORD)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, STORE_PASSWORD);
        }
        PrivateKey key = (PrivateKey) keyStore.getKey(name, STORE_PASSWORD);
        X509Certificate cert = (X509Certificate) keyStore.getCertificate(name);
        Path certFile = Files.writeString(dir.resolve(name + "-cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyFile = Files.writeString(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        return new SelfSignedCertificate(certFile, keyFile, cert);
    }

    /** A TLS context that trusts this certificate only. */
    public SSLContext trustingContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", x509);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}

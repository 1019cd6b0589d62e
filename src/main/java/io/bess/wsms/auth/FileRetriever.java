package io.bess.wsms.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;

/**
 * Reads a JWKS from a local file ({@code auth.jwt.jwks} naming a file), so that a file and a URL go through the same
 * Nimbus cache and refetch rules: replacing the file rotates the keys without a restart.
 */
final class FileRetriever implements ResourceRetriever {
    private final int maxBytes;

    /**
     * Creates the retriever.
     *
     * @param maxBytes largest file read
     */
    FileRetriever(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        Path file;
        try {
            file = Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("not a file URL: " + url, e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(maxBytes + 1);
            if (content.length > maxBytes) {
                throw new IOException(file + " is larger than " + maxBytes + " bytes");
            }
            return new Resource(new String(content, StandardCharsets.UTF_8), "application/json");
        }
    }
}

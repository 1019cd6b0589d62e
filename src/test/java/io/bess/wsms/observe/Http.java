package io.bess.wsms.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain GETs with the JDK's HTTP client, for the observe and REST tests. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    /**
     * GETs a URI.
     *
     * @param uri where
     * @return the response, body as text
     */
    public static HttpResponse<String> get(URI uri) {
        return send(uri, "GET");
    }

    /**
     * Sends a request without a body.
     *
     * @param uri    where
     * @param method HTTP method
     * @return the response, body as text
     */
    public static HttpResponse<String> send(URI uri, String method) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The response's Content-Type, or "" when none. */
    public static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }
}

package io.bess.wsms.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Keycloak for tests: the {@code keycloak-quarkus-dist} zip from the local Maven repository (`.ci/run`
 * fetches it once; {@code ./mvnw dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:VERSION:zip} by
 * hand), unpacked once into a cache directory ({@code ~/.cache/websocket-server-ms}, or {@code -Dkeycloak.cache}),
 * where Keycloak also keeps its one-time build (about 40 s saved on every later start), and started with
 * {@code kc.sh start-dev} on free loopback ports, on this JVM's JDK (21+), with a clean database and the realm of
 * the test resources imported each time. One test JVM at a time uses a cache directory.
 */
public final class Keycloak implements AutoCloseable {
    /** The realm the test resources define. */
    public static final String REALM = "wsms";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path home;
    private final int port;
    private final Path log;
    private Process process;
    private long startedNanos;
    private Duration startTime;

    private Keycloak(Path home, int port) {
        this.home = home;
        this.port = port;
        this.log = home.resolve("keycloak-test.log");
    }

    /**
     * Unpacks Keycloak (once per build directory) and prepares a clean start with the realm file; skips the
     * calling test class when the distribution is not in the local Maven repository.
     *
     * @param realmFile the realm to import
     * @return the prepared, not yet started Keycloak
     */
    public static Keycloak prepare(Path realmFile) {
        String version = System.getProperty("keycloak.version", "26.7.3");
        Path zip = Path.of(System.getProperty("keycloak.dist", System.getProperty("user.home")
                + "/.m2/repository/org/keycloak/keycloak-quarkus-dist/" + version + "/keycloak-quarkus-dist-"
                + version + ".zip"));
        Assumptions.assumeTrue(Files.isRegularFile(zip), "Keycloak is not in the local Maven repository (" + zip
                + "): run ./mvnw dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:" + version
                + ":zip -Dtransitive=false (.ci/run does)");
        Path cache = Path.of(System.getProperty("keycloak.cache", System.getProperty("user.home")
                + "/.cache/websocket-server-ms")).toAbsolutePath();
        Path home = cache.resolve("keycloak-" + version);
        try {
            if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                // unpacked beside, then moved in one step: an interrupted unzip never looks like a distribution
                Path partial = Files.createTempDirectory(Files.createDirectories(cache), "unzip");
                unzip(zip, partial);
                Files.move(partial.resolve("keycloak-" + version), home, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(partial);
            }
            // a clean database and the realm file to import: each start begins with the realm as written
            deleteTree(home.resolve("data"));
            Path imports = Files.createDirectories(home.resolve("data/import"));
            Files.copy(realmFile, imports.resolve("realm.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Keycloak(home, TestRedis.freePort());
    }

    /** Starts {@code kc.sh start-dev}; does not wait: {@link #awaitReady} does. */
    public void start() {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                                                    "--import-realm", "--http-host=127.0.0.1",
                                                    "--http-port=" + port,
                                                    "--http-management-port=" + TestRedis.freePort(),
                                                    "--hostname-strict=false")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        try {
            startedNanos = System.nanoTime();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the realm answers discovery.
     *
     * @param patience how long at most
     * @return how long the start took
     */
    public Duration awaitReady(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Keycloak exited with " + process.exitValue() + ": " + logTail());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer()
                        + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(5)).build(),
                                                   HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    startTime = Duration.ofNanos(System.nanoTime() - startedNanos);
                    return startTime;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Keycloak not ready within " + patience + ": " + logTail());
    }

    /** The realm's issuer URL, as its tokens carry it. */
    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    /**
     * An access token by password grant (direct access grants are on for the test clients).
     *
     * @param client   the client id
     * @param user     the user name
     * @param password the password
     * @return the access token
     */
    public String token(String client, String user, String password) {
        return json(post(issuer() + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", client, "username", user, "password", password), null))
                .getString("access_token");
    }

    /**
     * Sets a user's batteries attribute through the admin API.
     *
     * @param user      the user name
     * @param batteries the attribute's values
     */
    public void setBatteries(String user, String... batteries) {
        String admin = adminToken();
        JsonArray found = Json.createReader(new StringReader(
                get(adminUrl("/users?exact=true&username=" + user), admin))).readArray();
        JsonObject rep = found.getJsonObject(0);
        var attributes = Json.createObjectBuilder();
        if (rep.containsKey("attributes")) {
            rep.getJsonObject("attributes").forEach(attributes::add);
        }
        attributes.add("batteries", Json.createArrayBuilder(java.util.List.of(batteries)));
        String body = Json.createObjectBuilder(rep).add("attributes", attributes).build().toString();
        send(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + rep.getString("id"))))
                     .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                     .PUT(HttpRequest.BodyPublishers.ofString(body)), 204);
    }

    /** Adds a new RSA signing key with a higher priority through the admin API: new tokens are signed with it. */
    public void rotateRsaKey() {
        String admin = adminToken();
        String realmId = json(get(adminUrl(""), admin)).getString("id");
        String body = Json.createObjectBuilder()
                .add("name", "rsa-rotated-" + System.nanoTime())
                .add("providerId", "rsa-generated")
                .add("providerType", "org.keycloak.keys.KeyProvider")
                .add("parentId", realmId)
                .add("config", Json.createObjectBuilder()
                        .add("priority", Json.createArrayBuilder().add("200"))
                        .add("keySize", Json.createArrayBuilder().add("2048"))
                        .add("active", Json.createArrayBuilder().add("true"))
                        .add("enabled", Json.createArrayBuilder().add("true")))
                .build().toString();
        send(HttpRequest.newBuilder(URI.create(adminUrl("/components")))
                     .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                     .POST(HttpRequest.BodyPublishers.ofString(body)), 201);
    }

    /** How long the last start took, once ready. */
    public Duration startTime() {
        return startTime;
    }

    /** The last lines of Keycloak's output. */
    public String logTail() {
        try {
            java.util.List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        // kc.sh forwards SIGTERM to its java child
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String adminToken() {
        return json(post("http://127.0.0.1:" + port + "/realms/master/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"), null))
                .getString("access_token");
    }

    private String adminUrl(String path) {
        return "http://127.0.0.1:" + port + "/admin/realms/" + REALM + path;
    }

    private static String post(String url, Map<String, String> form, String bearer) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request, 200);
    }

    private static String get(String url, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer).GET(), 200);
    }

    private static String send(HttpRequest.Builder request, int expected) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                                                      HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new AssertionError("Keycloak answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static void unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(entries, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Stream<Path> scripts = Files.list(target.resolve(zip.getFileName().toString()
                                                                      .replace("-quarkus-dist", "")
                                                                      .replace(".zip", "")).resolve("bin"))) {
            scripts.filter(p -> p.toString().endsWith(".sh")).forEach(p -> p.toFile().setExecutable(true));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

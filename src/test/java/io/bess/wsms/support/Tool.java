package io.bess.wsms.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;

/**
 * The programs outside the JDK that some tests run, where they are found, and what installs them: the one place that
 * knows the tools. A test class or method declares what it needs with {@link RequiresTool}; without the tool it shows
 * as skipped with the reason, and with {@code CI=true} (as {@code .ci/run} runs, having installed them all) it fails.
 *
 * <p>A tool is looked for in its environment variable (if it has one), then on the PATH, then in the usual
 * directories a user's PATH may lack ({@code /usr/sbin} holds Debian's haproxy). {@code -Dwsms.tools.hide=chromium,...}
 * makes tools look absent, to see the skips and the CI failures on a machine that has them.
 */
public enum Tool {
    /** Headless Chromium for the dashboard's browser tests (driven over DevTools: no chromedriver needed). */
    CHROMIUM("apt-get install chromium", "CHROME_BIN",
             List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"),
             List.of(Path.of("/usr/lib/chromium/chromium")), binary -> true),
    /** The load balancer of the shipped {@code deploy/haproxy.cfg} (Debian puts it in /usr/sbin). */
    HAPROXY("apt-get install haproxy", null, List.of("haproxy"), List.of(), binary -> true),
    /** A redis-server of version 7 or newer: sharded pub/sub, and TLS (the embedded 6.2 binary has neither). */
    REDIS_7("apt-get install redis-server", null, List.of("redis-server"), List.of(),
            binary -> redisMajorVersion(binary) >= 7),
    /** openssl, to make and encrypt test keys and certificates. */
    OPENSSL("apt-get install openssl", null, List.of("openssl"), List.of(), binary -> true),
    /** setpriv, to run a child process as root without its capability to read every file. */
    SETPRIV("apt-get install util-linux", null, List.of("setpriv"), List.of(), binary -> true);

    /** Set to true by CI systems (GitHub, GitLab, ...) and by {@code .ci/run}: a missing tool fails there. */
    static final String CI_VARIABLE = "CI";
    /** Comma-separated tool names that are to look absent (a way to see the skip and CI behaviour). */
    static final String HIDE_PROPERTY = "wsms.tools.hide";
    /** {@code -Dwsms.tools.required=true}: a missing tool fails, as with {@code CI=true}. */
    static final String REQUIRED_PROPERTY = "wsms.tools.required";
    /** Where a user's PATH may not reach: Debian's sbin directories and a local build's. */
    private static final List<Path> USUAL_DIRECTORIES = List.of(Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"),
                                                                Path.of("/usr/sbin"), Path.of("/usr/bin"),
                                                                Path.of("/sbin"), Path.of("/bin"));
    /** How a failure for a missing tool starts. */
    static final String CI_FAILURE = "Tools are required here (CI=true, as .ci/run sets, having installed them): ";
    /** How a skip reason names a missing tool; {@link #inReason} reads it back for the summary. */
    private static final Pattern REASON = Pattern.compile("missing tool ([a-z0-9-]+) \\(");

    private final String install;
    private final String variable;
    private final List<String> names;
    private final List<Path> extraPlaces;
    private final Predicate<Path> fits;

    Tool(String install, String variable, List<String> names, List<Path> extraPlaces, Predicate<Path> fits) {
        this.install = install;
        this.variable = variable;
        this.names = names;
        this.extraPlaces = extraPlaces;
        this.fits = fits;
    }

    /** The tool's name in messages and in {@value #HIDE_PROPERTY}: {@code chromium}, {@code redis-7}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** What brings the tool on Debian, e.g. {@code apt-get install haproxy}. */
    public String install() {
        return install;
    }

    /**
     * Looks for the tool.
     *
     * @return the first executable that fits, empty when there is none (or the tool is hidden)
     */
    public Optional<Path> find() {
        return find(System.getProperty(HIDE_PROPERTY, ""));
    }

    /** As {@link #find()}, with the tools to hide given (a JUnit configuration parameter, say). */
    Optional<Path> find(String hide) {
        if (hiddenBy(hide)) {
            return Optional.empty();
        }
        return candidates().stream().filter(Files::isExecutable).filter(fits).findFirst();
    }

    /**
     * The tool, for a test that declared it with {@link RequiresTool} (which has already skipped or failed the test
     * when it is missing).
     *
     * @return its executable
     * @throws IllegalStateException when it is missing: the test did not declare it
     */
    public Path path() {
        return find().orElseThrow(() -> new IllegalStateException(missingReason() + " (declare it with @RequiresTool("
                + name() + ") on the test)"));
    }

    /**
     * The tool, for a test that needs it only in some cases (so cannot declare it): without it the test is aborted
     * (skipped) with the reason, or fails when {@code CI=true}.
     *
     * @return its executable
     */
    public Path require() {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String reason = missingReason();
            if (missingToolsFail()) {
                throw new AssertionError(ciFailure(reason));
            }
            Assumptions.abort(reason);
        }
        return found.orElseThrow();
    }

    /** Why a test that needs this tool does not run; {@link #inReason} recognises it. */
    public String missingReason() {
        return missingReason(System.getProperty(HIDE_PROPERTY, ""));
    }

    /** As {@link #missingReason()}, with the tools to hide given. */
    String missingReason(String hide) {
        if (hiddenBy(hide)) {
            return "missing tool " + key() + " (" + install + "): hidden by -D" + HIDE_PROPERTY;
        }
        String looked = String.join(" or ", names) + (this == REDIS_7 ? " of version 7 or newer" : "");
        return "missing tool " + key() + " (" + install + "): no " + looked + " on the PATH or in "
                + USUAL_DIRECTORIES.stream().map(Path::toString).collect(Collectors.joining(", "))
                + (variable == null ? "" : ", and " + variable + " does not name one");
    }

    /**
     * Whether a missing tool fails a test instead of skipping it: {@code -Dwsms.tools.required} when given, else
     * {@code CI=true}, as {@code .ci/run} sets.
     */
    public static boolean missingToolsFail() {
        return missingToolsFail(Optional.ofNullable(System.getProperty(REQUIRED_PROPERTY)));
    }

    /** As {@link #missingToolsFail()}, with the setting given (a JUnit configuration parameter, say). */
    static boolean missingToolsFail(Optional<String> required) {
        return required.map(Boolean::parseBoolean).orElseGet(() -> "true".equalsIgnoreCase(System.getenv(CI_VARIABLE)));
    }

    /** The failure a missing tool becomes under {@code CI=true}; {@link SkipSummary} counts it by this start. */
    static String ciFailure(String reasons) {
        return CI_FAILURE + reasons;
    }

    /**
     * The tools a skip or failure reason names as missing.
     *
     * @param reason a reason from {@link #missingReason} (possibly several joined), or any other text
     * @return the tools it names, in order; empty for a reason that is not about a missing tool
     */
    public static List<Tool> inReason(String reason) {
        List<Tool> tools = new ArrayList<>();
        Matcher m = REASON.matcher(reason == null ? "" : reason);
        while (m.find()) {
            String key = m.group(1);
            Arrays.stream(values()).filter(t -> t.key().equals(key)).findFirst().ifPresent(tools::add);
        }
        return tools;
    }

    private boolean hiddenBy(String hide) {
        return Arrays.stream(hide.split(",")).map(String::trim).anyMatch(key()::equalsIgnoreCase);
    }

    private List<Path> candidates() {
        List<Path> candidates = new ArrayList<>();
        String explicit = variable == null ? null : System.getenv(variable);
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        List<Path> directories = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                directories.add(Path.of(dir));
            }
        }
        directories.addAll(USUAL_DIRECTORIES);
        for (Path dir : directories) {
            for (String name : names) {
                candidates.add(dir.resolve(name));
            }
        }
        candidates.addAll(extraPlaces);
        return candidates;
    }

    /** The major version {@code redis-server --version} prints ({@code v=7.0.15}), 0 when it cannot tell. */
    private static int redisMajorVersion(Path binary) {
        try {
            Process version = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            version.waitFor(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("v=(\\d+)\\.").matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}

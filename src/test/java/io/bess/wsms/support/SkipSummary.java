package io.bess.wsms.support;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * One line at the end of the test run that says what did not run and why: tests skipped (or, with {@code CI=true},
 * failed) for a missing tool, with what installs it, and tests skipped on purpose (opt-in ones, or a case this
 * machine cannot make). Registered through {@code META-INF/services}, so every JUnit Platform run (Surefire, an IDE)
 * prints it; Surefire shows it after the last test class.
 */
public final class SkipSummary implements TestExecutionListener {
    /** The line starts with this, to find it in a long build log. */
    static final String PREFIX = "[skipped tests] ";

    /** One skipped or aborted node: how many tests it holds, which class, and why. */
    private record Skip(long tests, String where, String reason) {
    }

    private final PrintStream out;
    private final List<Skip> skips = new ArrayList<>();
    private final List<Skip> toolFailures = new ArrayList<>();
    private TestPlan plan;

    /** For the ServiceLoader: prints on standard output, which Surefire shows on the console. */
    public SkipSummary() {
        this(System.out);
    }

    /** Prints on out (a test's own run of the launcher keeps its lines apart from the build's). */
    SkipSummary(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        skips.clear();
        toolFailures.clear();
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        Skip skip = new Skip(tests(id), where(id), reason);
        skips.add(skip);
        // Surefire's console counts skipped tests without their reason (that is only in its reports): say it here
        out.println("Skipped " + (id.isTest() ? skip.where() + "." + id.getDisplayName() : skip.where() + " ("
                + count(List.of(skip)) + ")") + ": " + reason);
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        String message = result.getThrowable().map(Throwable::getMessage).orElse("");
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skips.add(new Skip(tests(id), where(id), message));
        } else if (result.getStatus() == TestExecutionResult.Status.FAILED && message.startsWith(Tool.CI_FAILURE)) {
            toolFailures.add(new Skip(tests(id), where(id), message));
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        out.println(line());
        out.flush();
    }

    /** The summary, as one line. */
    synchronized String line() {
        List<Skip> forTools = skips.stream().filter(s -> !Tool.inReason(s.reason()).isEmpty()).toList();
        List<Skip> onPurpose = skips.stream().filter(s -> Tool.inReason(s.reason()).isEmpty()).toList();
        StringBuilder line = new StringBuilder(PREFIX).append("missing tools: ")
                .append(forTools.isEmpty() ? "none" : byTool(forTools));
        if (!toolFailures.isEmpty()) {
            line.append(" | FAILED for a missing tool (CI=true): ").append(byTool(toolFailures));
        }
        line.append(" | on purpose: ");
        if (onPurpose.isEmpty()) {
            line.append("none");
        } else {
            Map<String, List<Skip>> byReason = onPurpose.stream()
                    .collect(Collectors.groupingBy(Skip::reason, LinkedHashMap::new, Collectors.toList()));
            line.append(byReason.entrySet().stream()
                                .map(e -> count(e.getValue()) + " in " + classes(e.getValue())
                                        + " (" + e.getKey() + ")")
                                .collect(Collectors.joining("; ")));
        }
        return line.toString();
    }

    private static String byTool(List<Skip> list) {
        Map<Tool, List<Skip>> byTool = new LinkedHashMap<>();
        for (Skip skip : list) {
            for (Tool tool : Tool.inReason(skip.reason())) {
                byTool.computeIfAbsent(tool, t -> new ArrayList<>()).add(skip);
            }
        }
        return byTool.entrySet().stream()
                .map(e -> e.getKey().key() + " (" + e.getKey().install() + ") for " + count(e.getValue()) + " in "
                        + classes(e.getValue()))
                .collect(Collectors.joining("; "));
    }

    private static String count(List<Skip> list) {
        long tests = list.stream().mapToLong(Skip::tests).sum();
        return tests + (tests == 1 ? " test" : " tests");
    }

    private static String classes(List<Skip> list) {
        Set<String> names = new LinkedHashSet<>();
        list.forEach(s -> names.add(s.where()));
        return String.join(", ", names);
    }

    /** The tests a node holds: itself, or for a class skipped as a whole, the tests it would have run. */
    private long tests(TestIdentifier id) {
        if (id.isTest() || plan == null) {
            return 1;
        }
        return Math.max(1, plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count());
    }

    private static String where(TestIdentifier id) {
        Optional<TestSource> source = id.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource method) {
            return simpleName(method.getClassName());
        }
        if (source.isPresent() && source.get() instanceof ClassSource type) {
            return simpleName(type.getClassName());
        }
        return id.getDisplayName();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}

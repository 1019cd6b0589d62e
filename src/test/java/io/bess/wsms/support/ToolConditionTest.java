package io.bess.wsms.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The skip policy, run through a JUnit Platform launcher of its own on sample classes (nested, so Surefire does not run
 * them by themselves): a missing tool skips a whole class before its set-up, with the tool and its package in the
 * reason, or one method alone; where tools are required (CI=true) it fails instead; the summary line counts both.
 * The tool is "missing" through {@code wsms.tools.hide}, given to that launcher, so the test runs the same on every
 * machine and whatever the build's own CI setting.
 */
class ToolConditionTest {
    private static final String SAMPLE_SET_UP_RAN = "the sample's set-up ran";

    @Test
    void aClassNeedingAMissingToolIsSkippedAsAWholeBeforeItsSetUpWithTheToolAndItsPackage() {
        Run run = Run.of(NeedsHaproxy.class, "false");
        assertThat(run.skipped).containsOnlyKeys(NeedsHaproxy.class.getName());
        assertThat(run.skipped.get(NeedsHaproxy.class.getName()))
                .startsWith("missing tool haproxy (apt-get install haproxy): hidden by -Dwsms.tools.hide");
        assertThat(run.started).as("tests started").isEmpty();
        assertThat(run.failures).isEmpty();
        assertThat(run.printed).contains("Skipped ToolConditionTest$NeedsHaproxy (2 tests): missing tool haproxy");
        assertThat(run.summary()).isEqualTo(SkipSummary.PREFIX + "missing tools: haproxy (apt-get install haproxy) for"
                + " 2 tests in ToolConditionTest$NeedsHaproxy | on purpose: none");
    }

    @Test
    void aMethodNeedingAMissingToolIsSkippedAloneAndOptInSkipsAreCountedApart() {
        Run run = Run.of(OneMethodNeedsChromium.class, "false");
        assertThat(run.skipped).containsOnlyKeys("needsChromium()", "optIn()");
        assertThat(run.started).containsExactly("needsNothing()");
        assertThat(run.failures).isEmpty();
        assertThat(run.summary()).isEqualTo(SkipSummary.PREFIX + "missing tools: chromium (apt-get install chromium)"
                + " for 1 test in ToolConditionTest$OneMethodNeedsChromium | on purpose: 1 test in"
                + " ToolConditionTest$OneMethodNeedsChromium (System property [sample.opt-in] does not exist"
                + " ==> opt-in: only with -Dsample.opt-in)");
    }

    @Test
    void whereToolsAreRequiredAMissingOneFailsTheClassBeforeItsSetUp() {
        Run run = Run.of(NeedsHaproxy.class, "true");
        assertThat(run.skipped).isEmpty();
        assertThat(run.started).isEmpty();
        assertThat(run.failures).containsOnlyKeys(NeedsHaproxy.class.getName());
        assertThat(run.failures.get(NeedsHaproxy.class.getName()))
                .startsWith(Tool.CI_FAILURE + "missing tool haproxy (apt-get install haproxy)")
                .doesNotContain(SAMPLE_SET_UP_RAN);
        assertThat(run.summary()).isEqualTo(SkipSummary.PREFIX + "missing tools: none | FAILED for a missing tool"
                + " (CI=true): haproxy (apt-get install haproxy) for 2 tests in ToolConditionTest$NeedsHaproxy"
                + " | on purpose: none");
    }

    @Test
    void whereToolsAreRequiredAMissingOneFailsTheMethodAndTheOthersRun() {
        Run run = Run.of(OneMethodNeedsChromium.class, "true");
        assertThat(run.started).containsExactlyInAnyOrder("needsNothing()", "needsChromium()");
        assertThat(run.failures).containsOnlyKeys("needsChromium()");
        assertThat(run.skipped).as("an opt-in test is no tool skip: it stays skipped").containsOnlyKeys("optIn()");
    }

    @Test
    void aReasonIsReadBackAsTheToolsItNames() {
        String both = Tool.REDIS_7.missingReason("redis-7") + "; " + Tool.OPENSSL.missingReason("");
        assertThat(Tool.inReason(both)).containsExactly(Tool.REDIS_7, Tool.OPENSSL);
        assertThat(Tool.inReason("opt-in: writes the docs' screenshots")).isEmpty();
        assertThat(Tool.OPENSSL.missingReason("")).contains("on the PATH or in /usr/local/sbin, /usr/local/bin,"
                + " /usr/sbin, /usr/bin");
    }

    /** What one launcher run of a sample class did, keyed by class name (a class) or display name (a method). */
    private record Run(Map<String, String> skipped, List<String> started, Map<String, String> failures,
                       String printed) {
        static Run of(Class<?> sample, String required) {
            Map<String, String> skipped = new ConcurrentHashMap<>();
            List<String> started = new CopyOnWriteArrayList<>();
            Map<String, String> failures = new ConcurrentHashMap<>();
            TestExecutionListener recorder = new TestExecutionListener() {
                @Override
                public void executionSkipped(TestIdentifier id, String reason) {
                    skipped.put(name(id), reason);
                }

                @Override
                public void executionStarted(TestIdentifier id) {
                    if (id.isTest()) {
                        started.add(name(id));
                    }
                }

                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        failures.put(name(id), result.getThrowable().map(Throwable::getMessage).orElse(""));
                    }
                }
            };
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            // the build's own SkipSummary must not see these samples: no listeners from META-INF/services here
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                                                               .enableTestExecutionListenerAutoRegistration(false)
                                                               .build());
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                                     .selectors(selectClass(sample))
                                     .configurationParameters(Map.of(Tool.HIDE_PROPERTY, "haproxy,chromium",
                                                                     Tool.REQUIRED_PROPERTY, required))
                                     .build(),
                             recorder, new SkipSummary(new PrintStream(printed, true, StandardCharsets.UTF_8)));
            return new Run(skipped, started, failures, printed.toString(StandardCharsets.UTF_8));
        }

        private static String name(TestIdentifier id) {
            return id.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getClassName())
                    .orElse(id.getDisplayName());
        }

        /** The summary line: the last line printed. */
        String summary() {
            List<String> lines = printed.lines().toList();
            return lines.isEmpty() ? "" : lines.getLast();
        }
    }

    /** A class all of whose tests need haproxy, with a set-up that must not run without it. */
    @RequiresTool(Tool.HAPROXY)
    static class NeedsHaproxy {
        @BeforeAll
        static void setUp() {
            throw new IllegalStateException(SAMPLE_SET_UP_RAN);
        }

        @Test
        void first() {
            // runs only with haproxy
        }

        @Test
        void second() {
            // runs only with haproxy
        }
    }

    /** One test needs Chromium, one needs nothing, one is opt-in. */
    static class OneMethodNeedsChromium {
        @Test
        void needsNothing() {
            // always runs
        }

        @Test
        @RequiresTool(Tool.CHROMIUM)
        void needsChromium() {
            // runs only with Chromium
        }

        @Test
        @EnabledIfSystemProperty(named = "sample.opt-in", matches = ".+", disabledReason = "opt-in: only with"
                + " -Dsample.opt-in")
        void optIn() {
            // runs only when asked
        }
    }
}

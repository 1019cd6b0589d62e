package io.bess.wsms.support;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What {@link RequiresTool} does. A condition, not an assumption: JUnit then reports a disabled class as skipped with
 * the reason, where an assumption failing in {@code @BeforeAll} makes Surefire report {@code Tests run: 0}
 * (SUREFIRE-2300), and none of the class's set-up (its service, its Redis, its browser) starts. With {@code CI=true}
 * the condition lets the test through and the first callback fails it, before the class's or the test's own set-up.
 * {@code wsms.tools.hide} and {@code wsms.tools.required} are read as JUnit configuration parameters, which are the
 * system properties of the same names unless a launcher sets them.
 */
final class ToolCondition implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> missing = missing(context, context.getElement());
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("every tool it needs is installed");
        }
        if (required(context)) {
            return ConditionEvaluationResult.enabled("tools are required: it fails for " + String.join("; ", missing));
        }
        return ConditionEvaluationResult.disabled(String.join("; ", missing));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failWhenMissing(context, context.getTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // the class's own tools were checked in beforeAll: only the method's here
        failWhenMissing(context, context.getTestMethod());
    }

    private static void failWhenMissing(ExtensionContext context, Optional<? extends AnnotatedElement> element) {
        List<String> missing = missing(context, element);
        if (!missing.isEmpty()) {
            // only reached when tools are required: otherwise the condition has skipped the test
            throw new AssertionError(Tool.ciFailure(String.join("; ", missing)));
        }
    }

    /** Why each tool the element declares is missing; empty when all are there. */
    private static List<String> missing(ExtensionContext context, Optional<? extends AnnotatedElement> element) {
        String hide = context.getConfigurationParameter(Tool.HIDE_PROPERTY).orElse("");
        return AnnotationSupport.findAnnotation(element, RequiresTool.class)
                .map(requires -> Arrays.stream(requires.value()).distinct()
                        .filter(t -> t.find(hide).isEmpty())
                        .map(t -> t.missingReason(hide))
                        .collect(Collectors.toList()))
                .orElse(List.of());
    }

    private static boolean required(ExtensionContext context) {
        return Tool.missingToolsFail(context.getConfigurationParameter(Tool.REQUIRED_PROPERTY));
    }
}

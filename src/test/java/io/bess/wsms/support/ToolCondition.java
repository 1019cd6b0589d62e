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
 */
final class ToolCondition implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<Tool> missing = missing(context.getElement());
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("every tool it needs is installed");
        }
        if (Tool.missingToolsFail()) {
            return ConditionEvaluationResult.enabled("CI=true: it will fail for " + reasons(missing));
        }
        return ConditionEvaluationResult.disabled(reasons(missing));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failWhenMissing(context.getTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // the class's own tools were checked in beforeAll: only the method's here
        failWhenMissing(context.getTestMethod());
    }

    private static void failWhenMissing(Optional<? extends AnnotatedElement> element) {
        List<Tool> missing = missing(element);
        if (!missing.isEmpty()) {
            // only reached with CI=true: otherwise the condition has skipped the test
            throw new AssertionError(Tool.ciFailure(reasons(missing)));
        }
    }

    private static List<Tool> missing(Optional<? extends AnnotatedElement> element) {
        return AnnotationSupport.findAnnotation(element, RequiresTool.class)
                .map(requires -> Arrays.stream(requires.value()).distinct().filter(t -> t.find().isEmpty()).toList())
                .orElse(List.of());
    }

    private static String reasons(List<Tool> missing) {
        return missing.stream().map(Tool::missingReason).collect(Collectors.joining("; "));
    }
}

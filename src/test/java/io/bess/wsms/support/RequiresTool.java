package io.bess.wsms.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class or method that runs programs outside the JDK: {@code @RequiresTool(Tool.HAPROXY)}. Without one of
 * them it is skipped with the reason (which names the tool and its Debian package) before anything of it starts, so
 * a class shows as skipped instead of vanishing as {@code Tests run: 0}; with {@code CI=true} it fails instead. Get
 * the program with {@link Tool#path()}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ToolCondition.class)
public @interface RequiresTool {
    /**
     * The tools it needs, all of them.
     *
     * @return the tools
     */
    Tool[] value();
}

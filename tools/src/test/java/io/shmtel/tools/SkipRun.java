package io.shmtel.tools;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes ({@code CLASS}) or test methods ({@code CLASS#METHOD}) with the JUnit Platform launcher in
 * this JVM and prints one line per test and per container that did not succeed: {@code ABORTED NAME: REASON}
 * (skipped), {@code FAILED NAME: EXCEPTION}, {@code SKIPPED NAME: REASON} (disabled); exit status 1 when one
 * failed. {@link OptionalToolsSkipTest} starts it in a child JVM whose PATH lacks the optional tools.
 */
final class SkipRun {
    private SkipRun() {}

    public static void main(String[] args) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String arg : args) {
            selectors.add(arg.contains("#") ? selectMethod(arg) : selectClass(arg));
        }
        AtomicBoolean failed = new AtomicBoolean();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("SKIPPED " + name(id) + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    if (id.isTest()) {
                        System.out.println("SUCCESSFUL " + name(id));
                    }
                    return;
                }
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failed.set(true);
                }
                System.out.println(result.getStatus() + " " + name(id) + ": "
                        + result.getThrowable().map(Throwable::toString).orElse("").replace('\n', ' '));
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(),
                listener);
        System.out.flush();
        System.exit(failed.get() ? 1 : 0);
    }

    /** CLASS#METHOD, CLASS, or the display name of anything else (an engine). */
    static String name(TestIdentifier id) {
        TestSource source = id.getSource().orElse(null);
        if (source instanceof MethodSource m) {
            return m.getClassName() + "#" + m.getMethodName();
        }
        if (source instanceof ClassSource c) {
            return c.getClassName();
        }
        return id.getDisplayName();
    }
}

package io.berth.testing;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Starts the shared {@link Keycloak} as soon as the test run begins when any test in it is tagged {@code keycloak},
 * so its slow start overlaps the other test classes instead of adding to the run.
 */
public final class KeycloakWarmup implements TestExecutionListener {
    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        boolean wanted = plan.getRoots().stream().flatMap(root -> plan.getDescendants(root).stream())
                .anyMatch(test -> test.getTags().stream().anyMatch(tag -> tag.getName().equals("keycloak")));
        if (wanted) {
            Keycloak.startInBackground();
        }
    }
}

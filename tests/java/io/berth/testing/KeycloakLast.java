package io.berth.testing;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.Tag;

/**
 * Runs test classes tagged {@code keycloak} after all others (otherwise in JUnit's default order), so the shared
 * Keycloak that {@link KeycloakWarmup} starts at the beginning is ready by the time they need it.
 */
public final class KeycloakLast implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparing(d -> d.findRepeatableAnnotations(Tag.class).stream()
                .anyMatch(tag -> tag.value().equals("keycloak"))));
    }
}

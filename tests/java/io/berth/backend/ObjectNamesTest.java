package io.berth.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.backend.StackSpec.VolumeScope;
import io.berth.model.StackRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectNamesTest {
    /** A DNS label: lower-case letters, digits and inner hyphens, at most 63 characters. */
    private static final String DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

    private static String container(String owner, String stack, String service) {
        return ObjectNames.container("berth", new StackRef(owner, stack), service);
    }

    @Test
    void plain_names_read_as_prefix_user_stack_service() {
        StackRef ref = new StackRef("alice", "demo");
        assertThat(ObjectNames.network("berth", ref)).isEqualTo("berth-alice--demo");
        assertThat(ObjectNames.container("berth", ref, "web")).isEqualTo("berth-alice--demo--web");
    }

    @Test
    void user_names_with_punctuation_upper_case_and_unicode_become_dns_safe() {
        for (String owner : List.of("alice.smith", "alice-smith", "alice_smith", "alice@lab.org", "Alice", "zoë",
                "山田", "a b", "", "-")) {
            String name = container(owner, "demo", "web");
            assertThat(name).as("name for user \"%s\"", owner).matches(DNS_LABEL);
            assertThat(name).startsWith("berth-").endsWith("--demo--web");
        }
        assertThat(ObjectNames.escape("alice.smith")).isEqualTo("alice-2esmith");
        assertThat(ObjectNames.escape("Alice")).isEqualTo("-41lice");
        assertThat(ObjectNames.escape("zoë")).isEqualTo("zo-c3-ab");
    }

    @Test
    void user_names_differing_only_in_punctuation_or_case_never_collide() {
        List<String> owners = List.of("a-b", "a_b", "a.b", "a@b", "ab", "A-b", "a--b", "a-2db");
        Set<String> names = new HashSet<>();
        for (String owner : owners) {
            names.add(container(owner, "demo", "web"));
        }
        assertThat(names).hasSize(owners.size());
    }

    @Test
    void a_double_hyphen_inside_a_part_cannot_fake_a_separator() {
        assertThat(ObjectNames.network("berth", new StackRef("a--b", "c")))
                .isNotEqualTo(ObjectNames.network("berth", new StackRef("a", "b--c")));
        assertThat(container("a", "b--c", "d")).isNotEqualTo(container("a--b", "c", "d"))
                .isNotEqualTo(container("a", "b", "c--d"));
    }

    @Test
    void over_long_names_are_cut_to_a_dns_label_deterministically_and_stay_distinct() {
        String longUser = "a-very-long-user-name-from-a-federated-identity-provider@example.org";
        String first = container(longUser, "experiment-tracking", "omniboard");
        String again = container(longUser, "experiment-tracking", "omniboard");
        String sibling = container(longUser, "experiment-tracking", "mongodb");

        assertThat(first).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).isEqualTo(again);
        assertThat(sibling).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).isNotEqualTo(first);
        // Two names sharing the kept head still differ by the hash of the whole.
        assertThat(first.substring(0, 52)).isEqualTo(sibling.substring(0, 52));
        assertThat(ObjectNames.network("berth", new StackRef(longUser, "experiment-tracking")))
                .hasSizeLessThanOrEqualTo(63).isNotEqualTo(first);
    }

    @Test
    void a_name_of_exactly_63_characters_is_kept_whole() {
        String stack = "s".repeat(63 - "berth-alice--".length());
        String name = ObjectNames.network("berth", new StackRef("alice", stack));
        assertThat(name).hasSize(63).isEqualTo("berth-alice--" + stack);
        assertThat(ObjectNames.network("berth", new StackRef("alice", stack + "s"))).hasSize(63).contains("--h");
    }

    @Test
    void volume_names_read_as_prefix_user_stack_marker_volume() {
        StackRef ref = new StackRef("alice", "demo");
        assertThat(ObjectNames.volume("berth", ref, VolumeScope.STACK, "data"))
                .isEqualTo("berth-alice--demo-vol--data");
        assertThat(ObjectNames.volume("berth", ref, VolumeScope.OWNER, "data")).isEqualTo("berth-alice-vol--data");
        assertThat(ObjectNames.volume("berth", new StackRef("Alice", "my demo"), VolumeScope.STACK, "Data"))
                .matches(DNS_LABEL).isEqualTo("berth--41lice--my-20demo-vol---44ata");
        // The owner volume does not depend on the stack: every stack of one owner shares it.
        assertThat(ObjectNames.volume("berth", new StackRef("alice", "other"), VolumeScope.OWNER, "data"))
                .isEqualTo(ObjectNames.volume("berth", ref, VolumeScope.OWNER, "data"));
    }

    @Test
    void no_two_networks_containers_or_volumes_share_a_name() {
        // Parts chosen to fake separators and markers: empty, the marker's letters, dashes, upper case, escapes.
        List<String> parts = List.of("", "a", "v", "vol", "-vol", "a-vol", "vol--a", "-", "--", "a--b", "a-2db",
                "A", "-41", "data", "x-vol--y", "-vol--", "h", "a.b");
        Map<String, String> seen = new HashMap<>();
        for (String user : parts) {
            for (String stack : parts) {
                StackRef ref = new StackRef(user, stack);
                record(seen, ObjectNames.network("berth", ref), "network " + ref);
                for (String last : parts) {
                    record(seen, ObjectNames.container("berth", ref, last), "container " + ref + "/" + last);
                    record(seen, ObjectNames.volume("berth", ref, VolumeScope.STACK, last),
                            "stack volume " + ref + "/" + last);
                }
            }
            for (String last : parts) {
                record(seen, ObjectNames.volume("berth", new StackRef(user, "any"), VolumeScope.OWNER, last),
                        "owner volume " + user + "/" + last);
            }
        }
        int n = parts.size();
        assertThat(seen).hasSize(n * n + 2 * n * n * n + n * n);
    }

    @Test
    void over_long_volume_names_are_cut_to_a_dns_label_and_stay_distinct() {
        StackRef ref = new StackRef("a-very-long-user-name-from-a-federated-identity-provider@example.org", "demo");
        String stackScoped = ObjectNames.volume("berth", ref, VolumeScope.STACK, "data");
        String ownerScoped = ObjectNames.volume("berth", ref, VolumeScope.OWNER, "data");

        assertThat(stackScoped).hasSize(63).matches(DNS_LABEL)
                .isEqualTo(ObjectNames.volume("berth", ref, VolumeScope.STACK, "data"));
        assertThat(ownerScoped).hasSize(63).matches(DNS_LABEL).isNotEqualTo(stackScoped)
                .isNotEqualTo(ObjectNames.container("berth", ref, "data"));
    }

    private static void record(Map<String, String> seen, String name, String what) {
        String before = seen.put(name, what);
        assertThat(before).as("\"%s\" names both %s and %s", name, before, what).isNull();
    }
}

package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The name rule of the README's single sign-on section, with its examples, and why it never joins two names. */
class NamesTest {
    @Test
    void the_documented_examples_become_these_keys() {
        assertThat(Names.key("o'brien-x")).isEqualTo("o~27brien-x");
        assertThat(Names.key("Dana.Smith")).isEqualTo("dana.smith");
        assertThat(Names.key("jürgen@lab.example.org")).isEqualTo("j~c3~bcrgen@lab.example.org");
        assertThat(Names.key("anna+ml@example.org")).isEqualTo("anna~2bml@example.org");
        assertThat(Names.key("  alice ")).isEqualTo("alice");
    }

    @Test
    void every_name_of_the_old_rule_is_its_own_key_so_existing_accounts_keep_their_urls() {
        for (String old : List.of("alice", "a", "dora.tester", "x_y", "me@lab.org", "a-b-c", "0day", "a..b")) {
            assertThat(Names.key(old)).as(old).isEqualTo(old);
            assertThat(old).matches(Accounts.USERNAME.pattern());
        }
    }

    @Test
    void case_and_compatibility_forms_fold_to_one_account() {
        assertThat(Names.key("DANA.SMITH")).isEqualTo(Names.key("dana.smith"));
        assertThat(Names.key("ｄａｎａ")).as("full-width letters").isEqualTo("dana");
        assertThat(Names.key("Jürgen")).as("composed ü").isEqualTo(Names.key("Ju\u0308rgen")).as("decomposed ü");
    }

    @Test
    void a_key_is_safe_in_urls_labels_and_command_lines_and_never_looks_like_a_group_or_a_dot_path() {
        for (String spelled : List.of("@lqcd", ".", "..", "-x", "a/b", "a b", "a'b\"c", "$(rm -rf /)", "~root",
                "a%2fb", "山田", "_x")) {
            String key = Names.key(spelled);
            assertThat(key).as(spelled).matches("[a-z0-9~][a-z0-9._@~-]*").doesNotStartWith("@");
            assertThat(key).as(spelled).isNotIn(".", "..");
        }
    }

    @Test
    void escaping_reads_back_and_two_different_texts_never_share_a_key() {
        Random random = new Random(17);
        String alphabet = "ab.-_@~'+ /%ü山\u0000Z9";
        Map<String, String> textOfKey = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(6); n >= 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String key = Names.escape(text.toString());
            assertThat(Names.unescape(key)).isEqualTo(text.toString());
            String before = textOfKey.putIfAbsent(key, text.toString());
            assertThat(before == null || before.equals(text.toString())).as("%s and %s share %s", before, text, key)
                    .isTrue();
        }
    }

    @Test
    void group_names_follow_the_same_rule_and_keycloak_paths_lose_their_slash() {
        assertThat(SsoAccounts.groupName("/LQCD")).hasValue("lqcd");
        assertThat(SsoAccounts.groupName("Physik Ü")).hasValue("physik~20~c3~bc");
        assertThat(SsoAccounts.groupName("/physics/lqcd")).hasValue("physics~2flqcd");
        assertThat(SsoAccounts.groupName("  ")).isEmpty();
    }
}

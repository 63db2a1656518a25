package io.berth.stacks;

import io.berth.auth.Names;
import io.berth.model.BerthException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a site service is for, as its launch names it: everyone who is signed in ({@value #EVERYONE}), or groups. A
 * launch form gives it as text ({@code everyone}, or group names separated by commas or spaces), the API as a list of
 * the same words. It becomes the stack's shares ({@link Sharing}), so changing it later is sharing and revoking.
 */
public record SiteAudience(boolean everyone, List<String> groups) {
    /** The word for everyone who is signed in. */
    public static final String EVERYONE = "everyone";

    /** The audience {@code words} name; 400 (field {@code audience}) when they name nobody. */
    public static SiteAudience of(List<String> words) {
        List<String> groups = new ArrayList<>();
        boolean everyone = false;
        for (String word : words == null ? List.<String>of() : words) {
            if (word == null || word.isBlank()) {
                continue;
            }
            if (word.strip().equalsIgnoreCase(EVERYONE)) {
                everyone = true;
            } else if (!groups.contains(Names.key(word))) {
                groups.add(Names.key(word));
            }
        }
        if (!everyone && groups.isEmpty()) {
            throw BerthException.badRequest("audience", "Name who the site service is for: \"everyone\" (everyone who"
                    + " is signed in) or one or more groups.");
        }
        return new SiteAudience(everyone, everyone ? List.of() : List.copyOf(groups));
    }

    /** The audience a form's text names: {@code everyone}, or group names separated by commas or spaces. */
    public static SiteAudience parse(String text) {
        return of(text == null ? List.of() : List.of(text.split("[,\\s]+")));
    }
}

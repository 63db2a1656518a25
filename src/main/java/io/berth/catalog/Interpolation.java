package io.berth.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code ${…}} references in template strings: {@code ${user.name}}, {@code ${user.uid}}, {@code ${group.name}},
 * {@code ${stack.name}}, {@code ${stack.owner}}, {@code ${stack.prefix}} (the URL prefix the service is served
 * under), {@code ${service.<name>.host}}, {@code ${param.<name>}}, {@code ${secret.<name>}}; in a TCP connection
 * string also {@code ${tcp.host}} and {@code ${tcp.port}}. {@code $$} is a literal {@code $}.
 */
public final class Interpolation {
    private Interpolation() { }

    /** The references in {@code text}, in order; a malformed one is an {@link IllegalArgumentException}. */
    public static List<String> references(String text) {
        List<String> out = new ArrayList<>();
        resolve(text, ref -> {
            out.add(ref);
            return "";
        });
        return out;
    }

    /** {@code text} with each reference replaced by {@code values.apply(reference)}. */
    public static String resolve(String text, Function<String, String> values) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("\"${\" at character " + (i + 1) + " is never closed with \"}\"");
                }
                String ref = text.substring(i + 2, end).trim();
                if (ref.isEmpty()) {
                    throw new IllegalArgumentException("empty reference \"${}\" at character " + (i + 1));
                }
                out.append(values.apply(ref));
                i = end + 1;
            } else {
                out.append(c); // a lone "$" (shell variables like $HOME) stays as written
                i++;
            }
        }
        return out.toString();
    }
}

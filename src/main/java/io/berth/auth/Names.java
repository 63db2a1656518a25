package io.berth.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How a name from an identity provider (any Unicode text: {@code o'brien-x}, {@code Dana.Smith},
 * {@code jürgen@lab.example.org}) becomes a Berth account or group name, its <em>key</em>, which appears in URLs
 * ({@code /user/<key>/…}), in Docker labels and, escaped once more by {@code ObjectNames}, in container and host
 * names. Two steps:
 * <ol>
 *   <li><b>Folding</b> ({@link #fold}): Unicode NFKC, then lower case by Unicode's default rules
 *   ({@link Locale#ROOT}), then NFKC again. So {@code Dana.Smith} and {@code dana.smith} are one account, and so are
 *   a full-width {@code ｄａｎａ} and {@code dana}. Folding is deliberately not reversible: it is the rule for "the
 *   same person". Two provider accounts that fold alike are refused at the second one's sign-in.</li>
 *   <li><b>Escaping</b> ({@link #escape}): {@code a-z 0-9} are kept, and so are {@code . _ @ -} except as the first
 *   character; every other UTF-8 byte is written {@code ~xx} (two lower-case hex digits). So {@code o'brien-x} →
 *   {@code o~27brien-x}, {@code jürgen} → {@code j~c3~bcrgen}, {@code anna+ml@example.org} →
 *   {@code anna~2bml@example.org}.</li>
 * </ol>
 * Why escaping never joins two names: {@code ~} is never kept, so in a key every {@code ~} starts a three-character
 * token and every other character stands for itself; the key reads back to exactly one text ({@link #unescape}).
 * Every name that was valid before this rule existed (lower case, digits and {@code . _ @ -}, starting with a letter
 * or digit) is its own key, so existing accounts, URLs and containers keep their names. A key never starts with
 * {@code @} (group accounts' mark), {@code .} or {@code -}, and never holds {@code /}, quotes, spaces or shell
 * characters, so it is safe unquoted in a path, a label or a command line.
 */
public final class Names {
    /** Longest key Berth stores (the database columns hold 200). */
    public static final int MAX_KEY = 190;
    private static final char ESCAPE = '~';

    private Names() { }

    /** The account or group key of a name as a provider (or a form) spells it; empty for a blank name. */
    public static String key(String spelled) {
        return escape(fold(spelled));
    }

    /** NFKC, lower case (Unicode default rules), NFKC; surrounding white space removed. */
    public static String fold(String spelled) {
        String n = Normalizer.normalize(spelled.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(n, Normalizer.Form.NFKC);
    }

    /** The reversible escaping described above; the identity on names of the old rule. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        boolean first = true;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean kept = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || (!first && (c == '.' || c == '_' || c == '@' || c == '-'));
            if (kept) {
                out.append(c);
            } else {
                out.append(ESCAPE).append(HexFormat.of().toHexDigits(b));
            }
            first = false;
        }
        return out.toString();
    }

    /** The text a key stands for (after folding); a key that is not well formed is returned as it is. */
    public static String unescape(String key) {
        if (key.indexOf(ESCAPE) < 0) {
            return key;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == ESCAPE) {
                if (i + 2 >= key.length() || !HexFormat.isHexDigit(key.charAt(i + 1))
                        || !HexFormat.isHexDigit(key.charAt(i + 2))) {
                    return key;
                }
                bytes.write(HexFormat.fromHexDigits(key, i + 1, i + 3));
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return key;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

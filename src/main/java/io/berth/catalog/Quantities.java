package io.berth.catalog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Ports, amounts of memory and short durations as templates write them. */
final class Quantities {
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b?)?", Pattern.CASE_INSENSITIVE);

    /** A number of seconds or minutes: {@code 30s}, {@code 2m}, or a bare number of seconds. */
    private static final Pattern SECONDS = Pattern.compile("(\\d{1,5})\\s*(s|m)?");

    private Quantities() { }

    /**
     * A short duration ({@code 30s}, {@code 2m}; a bare number counts seconds) in whole seconds, from 1 s to
     * {@code maxSeconds}; {@code what} names it in the error ("a timeout").
     */
    static int seconds(YamlNode node, String what, int maxSeconds) throws TemplateException {
        String text = node.string().trim();
        Matcher m = SECONDS.matcher(text);
        if (!m.matches()) {
            throw node.error("\"" + text + "\" is not " + what + ": write e.g. 30s or 5m");
        }
        int seconds = Integer.parseInt(m.group(1)) * ("m".equals(m.group(2)) ? 60 : 1);
        if (seconds < 1 || seconds > maxSeconds) {
            throw node.error("must be between 1 s and " + (maxSeconds % 60 == 0 ? maxSeconds / 60 + " m"
                    : maxSeconds + " s"));
        }
        return seconds;
    }

    static int port(YamlNode node) throws TemplateException {
        long port = node.integer();
        if (port < 1 || port > 65535) {
            throw node.error("port " + port + " is not between 1 and 65535");
        }
        return (int) port;
    }

    static long memory(YamlNode node) throws TemplateException {
        Matcher m = MEMORY.matcher(node.string().trim());
        if (!m.matches() || m.group(1).length() > 15) {
            throw node.error("\"" + node.string() + "\" is not an amount of memory: write e.g. 512m or 2g");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase().substring(0, 1);
        long factor = switch (unit) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            default -> 1;
        };
        double bytes = n * factor;
        if (bytes < 6L << 20) {
            throw node.error("\"" + node.string() + "\" is below Docker's minimum of 6 MiB"
                    + (m.group(2) == null ? " (a number without a unit counts bytes: write e.g. 512m)" : ""));
        }
        if (bytes > (double) (1L << 50)) {
            throw node.error("\"" + node.string() + "\" is more memory than any machine has");
        }
        return (long) bytes;
    }
}

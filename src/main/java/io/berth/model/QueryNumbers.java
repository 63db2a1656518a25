package io.berth.model;

/** Whole numbers from query strings ({@code ?tail=20}), refused with a 400 naming the parameter when out of range. */
public final class QueryNumbers {
    private QueryNumbers() { }

    /** {@code text} as a number from 1 to {@code max}; {@code fallback} when absent or blank. */
    public static Long parse(String field, String text, long max, Long fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(text.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw BerthException.badRequest(field, field + " is a whole number from 1 to " + max + ".");
    }
}

package io.berth.model;

import java.util.Locale;

/** Amounts of bytes for people to read. */
public final class Bytes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Bytes() { }

    /**
     * In binary units, as {@code docker stats} prints them, one decimal unless the amount is a whole number of its
     * unit: {@code 200.4 MiB}, {@code 64 MiB}, {@code 812 B}.
     */
    public static String binary(long n) {
        double v = n;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return n + " B";
        }
        String text = String.format(Locale.ROOT, "%.1f", v);
        return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + " " + UNITS[u];
    }
}

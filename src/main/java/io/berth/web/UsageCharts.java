package io.berth.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small time-series charts drawn on the server, as numbers for {@code usage_chart.jte} to put in an inline SVG: no
 * script, no style attribute (the pages' Content-Security-Policy allows neither), nothing a user typed. The chart's
 * frame is {@link #WIDTH} × {@link #HEIGHT} user units: a band at the top for the scale's top value, one at the bottom
 * for the time span, the plot between. Time runs left to right from {@code from} to {@code to}; values from 0 at the
 * bottom of the plot to the scale's top, which is the highest value or the limit, whichever is higher.
 *
 * <p>Each line is one SVG path whose {@code data-points} says how many readings it draws. A line breaks where readings
 * are missing for longer than {@link #gapSeconds} (a stopped stack is not drawn as a straight line across the night),
 * and a reading alone between two gaps is drawn as a dot (a zero-length segment with round caps in berth.css).
 * Readings that are not numbers are left out; negative ones are drawn at 0.
 */
public final class UsageCharts {
    public static final int WIDTH = 320;
    public static final int HEIGHT = 100;
    /** The plot's top and bottom, inside the frame: the bands above and below hold the labels. */
    public static final double PLOT_TOP = 14;
    public static final double PLOT_BOTTOM = HEIGHT - 14;

    private UsageCharts() { }

    /** How a chart's values read: cores, bytes, bytes per second. */
    public enum Unit {
        CORES, BYTES, BYTES_PER_SECOND;

        public String format(double value) {
            return switch (this) {
                case CORES -> String.format(Locale.ROOT, "%.2f cores", value);
                case BYTES -> UsageRows.bytes(Math.round(value));
                case BYTES_PER_SECOND -> UsageRows.bytes(Math.round(value)) + "/s";
            };
        }
    }

    /** One series to draw: its name (a CSS class, {@code line-<name>}) and a value per time of the chart. */
    public record Series(String name, List<? extends Number> values) { }

    /** A drawn series: the path's {@code d} and how many readings it holds. */
    public record Line(String name, String path, int points) { }

    /**
     * A chart ready to render; {@code empty} when no series holds a reading (the page then says "no readings yet",
     * not an empty frame). {@code limit} labels the limit's line and {@code limitY} is its height; both are empty when
     * there is none.
     */
    public record Chart(String title, List<Line> lines, String top, String limit, String limitY, String since,
                        boolean empty) {
        public int points() {
            return lines.stream().mapToInt(Line::points).sum();
        }
    }

    /**
     * Draws {@code series} over {@code times} (seconds since the epoch, oldest first, one per value) between
     * {@code from} and {@code to}. {@code limit} (≤ 0 or NaN: none) is drawn as a line and counts toward the scale.
     * {@code since} labels the span ("1 hour ago"); {@code gapSeconds} is the longest stretch without readings that
     * is still drawn as one line.
     */
    public static Chart draw(String title, Unit unit, long from, long to, List<Long> times, List<Series> series,
                             double limit, String since, long gapSeconds) {
        double top = 0;
        boolean any = false;
        for (Series s : series) {
            for (int i = 0; i < s.values().size() && i < times.size(); i++) {
                double v = s.values().get(i).doubleValue();
                if (Double.isFinite(v) && inRange(times.get(i), from, to)) {
                    any = true;
                    top = Math.max(top, v);
                }
            }
        }
        boolean hasLimit = Double.isFinite(limit) && limit > 0;
        if (hasLimit) {
            top = Math.max(top, limit);
        }
        if (!any) {
            return new Chart(title, List.of(), unit.format(0), "", "", since, true);
        }
        double scale = top > 0 ? top : 1; // all zero: a flat line at the bottom
        List<Line> lines = new ArrayList<>();
        for (Series s : series) {
            lines.add(line(s, times, from, to, scale, gapSeconds));
        }
        return new Chart(title, lines, unit.format(top), hasLimit ? "limit " + unit.format(limit) : "",
                hasLimit ? number(y(limit, scale)) : "", since, false);
    }

    private static boolean inRange(long t, long from, long to) {
        return t >= from && t <= to;
    }

    private static Line line(Series s, List<Long> times, long from, long to, double scale, long gapSeconds) {
        StringBuilder d = new StringBuilder();
        int count = 0;
        long previous = Long.MIN_VALUE;
        boolean segmentHasOne = false;
        for (int i = 0; i < s.values().size() && i < times.size(); i++) {
            long t = times.get(i);
            double v = s.values().get(i).doubleValue();
            if (!Double.isFinite(v) || !inRange(t, from, to)) {
                continue;
            }
            String xy = number(x(t, from, to)) + "," + number(y(v, scale));
            if (previous == Long.MIN_VALUE || t - previous > gapSeconds) {
                if (segmentHasOne) {
                    d.append("h0");
                }
                d.append(d.isEmpty() ? "" : " ").append('M').append(xy);
                segmentHasOne = true;
            } else {
                d.append(" L").append(xy);
                segmentHasOne = false;
            }
            previous = t;
            count++;
        }
        if (segmentHasOne) {
            d.append("h0");
        }
        return new Line(s.name(), d.toString(), count);
    }

    static double x(long t, long from, long to) {
        return to <= from ? WIDTH : (double) (t - from) / (to - from) * WIDTH;
    }

    static double y(double v, double scale) {
        double share = Math.min(1, Math.max(0, v) / scale);
        return PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP);
    }

    /** One decimal is finer than a pixel at the chart's size; no locale (a comma would break the path). */
    static String number(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}

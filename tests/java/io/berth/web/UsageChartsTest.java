package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.berth.web.UsageCharts.Chart;
import io.berth.web.UsageCharts.Series;
import io.berth.web.UsageCharts.Unit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The usage charts' geometry: time from left (the range's start, x 0) to right (now, x 320), values from the plot's
 * bottom (y 86) to its top (y 14) at the scale's top; and what the page's SVG makes of it.
 */
class UsageChartsTest {
    private static final long FROM = 1_000_000;
    private static final long TO = FROM + 3600;

    private static Chart cpu(List<Long> times, List<? extends Number> values) {
        return UsageCharts.draw("CPU", Unit.CORES, FROM, TO, times, List.of(new Series("cpu", values)), 0,
                "1 hour ago", 45);
    }

    @Test
    void points_are_scaled_to_the_range_and_to_the_highest_value() {
        Chart chart = cpu(List.of(FROM, FROM + 1800, TO), List.of(0.5f, 1.0f, 0.0f));
        assertThat(chart.empty()).isFalse();
        // 1800 s is not one line: readings further apart than the gap (45 s) are drawn as dots
        Chart joined = UsageCharts.draw("CPU", Unit.CORES, FROM, TO, List.of(FROM, FROM + 1800, TO),
                List.of(new Series("cpu", List.of(0.5f, 1.0f, 0.0f))), 0, "1 hour ago", 3600);
        assertThat(joined.lines().get(0).path()).isEqualTo("M0.0,50.0 L160.0,14.0 L320.0,86.0");
        assertThat(joined.lines().get(0).points()).isEqualTo(3);
        assertThat(joined.top()).isEqualTo("1.00 cores");
        assertThat(joined.since()).isEqualTo("1 hour ago");
        assertThat(chart.lines().get(0).path()).isEqualTo("M0.0,50.0h0 M160.0,14.0h0 M320.0,86.0h0");
    }

    @Test
    void a_gap_in_the_readings_breaks_the_line_and_a_reading_alone_is_a_dot() {
        Chart chart = cpu(List.of(FROM, FROM + 15, FROM + 30, FROM + 600, FROM + 1200, FROM + 1215),
                List.of(1, 1, 1, 1, 1, 1));
        assertThat(chart.lines().get(0).path()).isEqualTo(
                "M0.0,14.0 L1.3,14.0 L2.7,14.0 M53.3,14.0h0 M106.7,14.0 L108.0,14.0");
        assertThat(chart.points()).isEqualTo(6);
    }

    @Test
    void no_readings_make_an_empty_chart_not_an_empty_frame() {
        Chart chart = cpu(List.of(), List.of());
        assertThat(chart.empty()).isTrue();
        assertThat(chart.points()).isZero();
        String html = render(chart);
        assertThat(html).contains("no readings yet").doesNotContain("<svg").contains("data-points=\"0\"");
    }

    @Test
    void a_single_reading_is_drawn_as_one_dot() {
        Chart chart = cpu(List.of(FROM + 900), List.of(0.25));
        assertThat(chart.empty()).isFalse();
        assertThat(chart.lines().get(0).path()).isEqualTo("M80.0,14.0h0");
        assertThat(chart.lines().get(0).points()).isEqualTo(1);
        assertThat(chart.top()).isEqualTo("0.25 cores");
    }

    @Test
    void not_a_number_is_left_out_negative_is_drawn_at_zero_and_all_zero_is_a_flat_line() {
        Chart chart = cpu(List.of(FROM, FROM + 15, FROM + 30, FROM + 45),
                List.of(Float.NaN, -3f, Float.POSITIVE_INFINITY, 2f));
        assertThat(chart.lines().get(0).path()).isEqualTo("M1.3,86.0 L4.0,14.0");
        assertThat(chart.points()).isEqualTo(2);
        assertThat(chart.top()).isEqualTo("2.00 cores");

        Chart zero = cpu(List.of(FROM, FROM + 15), List.of(0, 0));
        assertThat(zero.lines().get(0).path()).isEqualTo("M0.0,86.0 L1.3,86.0");

        assertThat(cpu(List.of(FROM), List.of(Double.NaN)).empty()).as("only NaN: nothing to draw").isTrue();
    }

    @Test
    void readings_outside_the_range_and_values_without_a_time_are_left_out() {
        Chart chart = cpu(List.of(FROM - 15, FROM + 3600, TO + 15), List.of(9, 1, 9, 9));
        assertThat(chart.lines().get(0).path()).isEqualTo("M320.0,14.0h0");
        assertThat(chart.top()).isEqualTo("1.00 cores");
    }

    @Test
    void the_memory_limit_is_a_line_and_sets_the_scale_when_it_is_higher() {
        long mib = 1024 * 1024;
        Chart chart = UsageCharts.draw("Memory", Unit.BYTES, FROM, TO, List.of(FROM, FROM + 15),
                List.of(new Series("memory", List.of(100 * mib, 200 * mib))), 400 * mib, "1 hour ago", 45);
        assertThat(chart.limit()).isEqualTo("limit 400 MiB");
        assertThat(chart.limitY()).isEqualTo("14.0");
        assertThat(chart.top()).isEqualTo("400 MiB");
        assertThat(chart.lines().get(0).path()).isEqualTo("M0.0,68.0 L1.3,50.0");

        Chart over = UsageCharts.draw("Memory", Unit.BYTES, FROM, TO, List.of(FROM),
                List.of(new Series("memory", List.of(200 * mib))), 100 * mib, "1 hour ago", 45);
        assertThat(over.top()).isEqualTo("200 MiB");
        assertThat(over.limitY()).isEqualTo("50.0");
        assertThat(cpu(List.of(FROM), List.of(1)).limitY()).as("no limit, no line").isEmpty();
    }

    @Test
    void two_series_share_one_scale() {
        Chart chart = UsageCharts.draw("Network", Unit.BYTES_PER_SECOND, FROM, TO, List.of(FROM, FROM + 15),
                List.of(new Series("in", List.of(2048, 1024)), new Series("out", List.of(0, 512))), 0,
                "1 hour ago", 45);
        assertThat(chart.top()).isEqualTo("2 KiB/s");
        assertThat(chart.lines()).extracting(UsageCharts.Line::path)
                .containsExactly("M0.0,14.0 L1.3,50.0", "M0.0,86.0 L1.3,68.0");
        assertThat(chart.points()).isEqualTo(4);
    }

    @Test
    void the_page_draws_an_svg_path_per_series_with_its_point_count_and_labels() {
        Chart chart = UsageCharts.draw("Network", Unit.BYTES_PER_SECOND, FROM, TO, List.of(FROM, FROM + 15),
                List.of(new Series("in", List.of(2048, 1024)), new Series("out", List.of(0, 512))), 0,
                "1 hour ago", 45);
        String html = render(chart);
        assertThat(html).contains("<svg class=\"chart-frame\" viewBox=\"0 0 320 100\"")
                .contains("<path class=\"line line-in\" d=\"M0.0,14.0 L1.3,50.0\" data-points=\"2\">")
                .contains("<path class=\"line line-out\" d=\"M0.0,86.0 L1.3,68.0\" data-points=\"2\">")
                .contains(">2 KiB/s</text>").contains(">1 hour ago</text>").contains(">now</text>")
                .contains("id=\"chart-x\" data-points=\"4\"").doesNotContain("style=").doesNotContain("no readings");
    }

    private static String render(Chart chart) {
        StringOutput out = new StringOutput();
        TemplateEngine.createPrecompiled(ContentType.Html).render("usage_chart.jte",
                Map.of("chart", chart, "id", "chart-x"), out);
        return out.toString();
    }
}

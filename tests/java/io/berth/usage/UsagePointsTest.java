package io.berth.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory ring, the five-minute folding and the stored hour block, without an engine. */
class UsagePointsTest {

    private static Point point(long at, float cpu, float memory) {
        float[] v = new float[Measure.COUNT];
        v[Measure.CPU_CORES.ordinal()] = cpu;
        v[Measure.MEMORY_BYTES.ordinal()] = memory;
        v[Measure.NET_RX_PER_SECOND.ordinal()] = cpu * 10;
        return new Point(at, v);
    }

    @Test
    void a_full_ring_keeps_the_newest_points_in_order() {
        Ring ring = new Ring(4);
        for (int i = 0; i < 6; i++) {
            ring.add(point(100 + 15L * i, i, 0));
        }

        assertThat(ring.since(0)).extracting(Point::at).containsExactly(130L, 145L, 160L, 175L);
        assertThat(ring.since(150)).extracting(Point::at).containsExactly(160L, 175L);
        assertThat(ring.oldest()).isEqualTo(130);
        assertThat(ring.newest()).isEqualTo(175);
    }

    @Test
    void five_minutes_keep_the_mean_cpu_and_the_highest_memory() {
        Bucket bucket = new Bucket(300);
        assertThat(bucket.add(point(600, 1.0f, 100))).isNull();
        assertThat(bucket.add(point(615, 0.0f, 300))).isNull();
        assertThat(bucket.add(point(630, 0.5f, 200))).isNull();

        Point finished = bucket.add(point(900, 2.0f, 50));

        assertThat(finished.at()).isEqualTo(600);
        assertThat(finished.get(Measure.CPU_CORES)).isEqualTo(0.5f);
        assertThat(finished.get(Measure.MEMORY_BYTES)).isEqualTo(300f);
        assertThat(finished.get(Measure.NET_RX_PER_SECOND)).isEqualTo(5f);
        assertThat(bucket.current().at()).isEqualTo(900);
        assertThat(bucket.current().get(Measure.CPU_CORES)).isEqualTo(2.0f);
    }

    @Test
    void an_hour_block_stores_its_points_in_288_bytes_and_reads_them_back() {
        HourBlock block = new HourBlock(3600);
        block.set(point(3600, 1.5f, 1e9f));
        block.set(point(3600 + 11 * 300, 0.25f, 2e8f));
        block.set(point(7200, 9f, 9f)); // the next hour's: not this block's

        byte[] bytes = block.encode();
        List<Point> back = HourBlock.decode(3600, bytes).points();

        assertThat(bytes).hasSize(288);
        assertThat(back).extracting(Point::at).containsExactly(3600L, 3600L + 3300);
        assertThat(back.get(0).get(Measure.CPU_CORES)).isEqualTo(1.5f);
        assertThat(back.get(1).get(Measure.MEMORY_BYTES)).isEqualTo(2e8f);
    }
}

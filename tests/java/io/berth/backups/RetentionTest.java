package io.berth.backups;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.store.StackBackupStore.Row;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which backups retention keeps: the newest {@code keep}, and the newest of each of the last weeks. */
class RetentionTest {
    /** Daily backups at 03:00 UTC from 2026-10-01 to 2026-12-03, newest first (ids are days since the first). */
    private static List<Row> daily() {
        List<Row> rows = new ArrayList<>();
        Instant first = Instant.parse("2026-10-01T03:00:00Z");
        for (long day = 63; day >= 0; day--) {
            rows.add(new Row(day, 1L, "alice", "exp", "sacred", "f" + day, "schedule", "DONE",
                    first.plusSeconds(day * 86_400), null, 10L, null));
        }
        return rows;
    }

    @Test
    void seven_daily_and_four_weekly_keep_the_last_week_and_the_newest_of_each_of_four_weeks() {
        var kept = Retention.kept(daily(), 7, 4, ZoneOffset.UTC);
        // day 63 is Thursday 2026-12-03; ISO weeks start on Monday: the newest of the weeks before are the Sundays
        assertThat(kept).containsExactlyInAnyOrder(63L, 62L, 61L, 60L, 59L, 58L, 57L, 52L, 45L);
    }

    @Test
    void without_weekly_buckets_only_the_newest_are_kept() {
        assertThat(Retention.kept(daily(), 2, 0, ZoneOffset.UTC)).containsExactly(63L, 62L);
    }
}

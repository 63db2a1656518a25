package io.berth.backups;

import io.berth.store.StackBackupStore.Row;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which finished backups of one stack are kept: the {@code keep} newest, and the newest of each of the
 * {@code keepWeekly} latest calendar weeks (ISO weeks, the host's time zone) that have one — so {@code keep: 7,
 * keep_weekly: 4} holds a week of daily backups and a month of weekly ones.
 */
final class Retention {
    private Retention() { }

    /** The ids to keep of {@code done}, which is newest first. */
    static Set<Long> kept(List<Row> done, int keep, int keepWeekly, ZoneId zone) {
        Set<Long> kept = new LinkedHashSet<>();
        done.stream().limit(keep).forEach(r -> kept.add(r.id()));
        Set<String> weeks = new HashSet<>();
        for (Row row : done) {
            if (weeks.size() >= keepWeekly) {
                break;
            }
            var day = row.startedAt().atZone(zone).toLocalDate();
            if (weeks.add(day.get(IsoFields.WEEK_BASED_YEAR) + "-" + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR))) {
                kept.add(row.id());
            }
        }
        return kept;
    }
}

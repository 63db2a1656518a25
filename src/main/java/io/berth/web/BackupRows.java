package io.berth.web;

import io.berth.catalog.Template;
import io.berth.store.StackBackupStore;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * A stack's backups as its page shows them: whether its template declares any ({@code offered}), whether the viewer
 * may take, download and restore them ({@code mayChange}), and one line per backup, newest first.
 */
public record BackupRows(boolean offered, boolean mayChange, String what, List<Row> rows) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** {@code output}: why it failed, or null; {@code href}: the download of a finished one, or null. */
    public record Row(long id, String when, String size, String duration, String result, String reason,
                      String output, boolean done) { }

    static BackupRows of(Optional<Template> template, List<StackBackupStore.Row> rows, boolean mayChange) {
        List<String> parts = template.map(t -> t.backedUp().stream().map(s -> s.backup().dump()
                ? s.name() + " (a dump by its own command)"
                : s.name() + " (volumes " + String.join(", ", s.backup().volumes())
                + (s.backup().pause() ? ", stopped for a moment" : ", copied live") + ")").toList()).orElse(List.of());
        return new BackupRows(!parts.isEmpty(), mayChange, String.join("; ", parts), rows.stream().map(r -> new Row(
                r.id(), TIME.format(r.startedAt()), r.bytes() == null ? "" : UsageRows.bytes(r.bytes()),
                r.finishedAt() == null ? "" : seconds(Duration.between(r.startedAt(), r.finishedAt())),
                r.state().toLowerCase(java.util.Locale.ROOT), r.reason(), r.output(), r.done())).toList());
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}

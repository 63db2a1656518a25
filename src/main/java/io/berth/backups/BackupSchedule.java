package io.berth.backups;

import io.berth.catalog.Template;
import io.berth.config.DataBackups;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.stacks.StackService;
import io.berth.store.StackBackupStore;
import io.berth.store.StackStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily backups ({@code backups.schedule: daily} in berth.yaml, or {@code backups: {schedule: daily}} in a
 * template, which wins for its stacks either way): each stack whose template declares backups has a slot each
 * day, {@code backups.hour} plus an offset of its own within {@code backups.spread_minutes} (a hash of its owner and
 * name, so the slot stays put and stacks do not all start at once). A pass, every {@link #TICK} or so, begins a backup
 * of each running or stopped stack that has no backup (of any kind or outcome) since its latest slot, at most
 * {@link #PER_PASS} at a time; the backups' pool runs them a few at once. So a Berth that was down at a slot catches
 * up at its next pass, and a backup cut short by a crash is not retried until the next day's slot. A stack launched
 * after its latest slot waits for the next one (a new Sacred stack is not stopped for a backup a minute after its
 * launch). The pass also deletes the backups of deleted stacks
 * older than {@code backups.keep_deleted_days}.
 */
public final class BackupSchedule {
    public static final Duration TICK = Duration.ofSeconds(30);
    static final int PER_PASS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(BackupSchedule.class);

    private final BackupService backups;
    private final StackBackupStore rows;
    private final StackStore store;
    private final StackService stacks;
    private final DataBackups config;
    private final Clock clock;

    public BackupSchedule(BackupService backups, StackBackupStore rows, StackStore store, StackService stacks,
                          DataBackups config, Clock clock) {
        this.backups = backups;
        this.rows = rows;
        this.store = store;
        this.stacks = stacks;
        this.config = config;
        this.clock = clock;
    }

    /** One pass: begins the backups that are due and removes those of long-deleted stacks; returns how many began. */
    public int run() {
        forgetDeleted();
        int begun = 0;
        for (Stack stack : store.all()) {
            if (begun >= PER_PASS) {
                break;
            }
            if ((stack.state() != StackState.READY && stack.state() != StackState.STOPPED) || stacks.busy(stack.id())) {
                continue;
            }
            Template template = stacks.details().templateOf(stack).orElse(null);
            if (template == null || template.backedUp().isEmpty()
                    || !"daily".equals(template.backups().scheduleOr(config.schedule))) {
                continue;
            }
            Instant slot = latestSlot(stack);
            if (!stack.createdAt().isBefore(slot)) {
                continue; // launched after its slot: its first daily backup is at the next one
            }
            List<StackBackupStore.Row> had = rows.of(stack.owner(), stack.name());
            if (!had.isEmpty() && !had.get(0).startedAt().isBefore(slot)) {
                continue;
            }
            try {
                backups.start(stack, null, "schedule");
                begun++;
            } catch (BerthException e) {
                LOG.debug("scheduled backup of \"{}/{}\" not begun: {}", stack.owner(), stack.name(), e.getMessage());
            }
        }
        return begun;
    }

    /** The stack's slot today, or yesterday's when today's is still to come. */
    Instant latestSlot(Stack stack) {
        ZonedDateTime now = ZonedDateTime.now(clock);
        ZonedDateTime today = LocalDate.now(clock).atTime(config.hour, 0).atZone(clock.getZone())
                .plusMinutes(offsetMinutes(stack.owner() + "/" + stack.name()));
        return (today.isAfter(now) ? today.minusDays(1) : today).toInstant();
    }

    private long offsetMinutes(String key) {
        if (config.spreadMinutes == 0) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % config.spreadMinutes;
    }

    private void forgetDeleted() {
        Instant before = clock.instant().minus(Duration.ofDays(config.keepDeletedDays));
        for (StackBackupStore.Row row : rows.orphanedBefore(before)) {
            if (row.state().equals(StackBackupStore.RUNNING)) {
                continue;
            }
            try {
                backups.files().deleteAll(row.file());
                rows.delete(row.id());
                LOG.info("backup {} of deleted stack \"{}/{}\" removed (backups.keep_deleted_days)", row.id(),
                        row.owner(), row.stackName());
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("backup {} of \"{}/{}\": could not delete {}: {}", row.id(), row.owner(), row.stackName(),
                        row.file(), e.toString());
            }
        }
    }
}

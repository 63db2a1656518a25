package io.berth.catalog;

import java.util.Map;
import java.util.Set;

/**
 * A template's own say over its stacks' data backups, where it differs from berth.yaml's {@code backups:}: a
 * {@code schedule} ({@code daily} or {@code off}; null: berth.yaml's) and how many newest backups to {@code keep}
 * (null: berth.yaml's {@code backups.keep}). Written at the template's top level:
 * <pre>
 *   backups: {schedule: off}        # a scratch notebook: "Back up now" only
 *   backups: {keep: 30}             # a group's experiment database: a month of dailies
 * </pre>
 */
public record BackupPolicy(String schedule, Integer keep) {
    /** No say of its own: berth.yaml decides. */
    public static final BackupPolicy SITE = new BackupPolicy(null, null);
    static final int MAX_KEEP = 365;

    /** The schedule that applies, given berth.yaml's {@code backups.schedule}. */
    public String scheduleOr(String site) {
        return schedule != null ? schedule : site;
    }

    /** The number of newest backups kept, given berth.yaml's {@code backups.keep}. */
    public int keepOr(int site) {
        return keep != null ? keep : site;
    }

    static BackupPolicy parse(Map<String, YamlNode> top) throws TemplateException {
        var node = YamlNode.get(top, "backups");
        if (node.isEmpty()) {
            return SITE;
        }
        Map<String, YamlNode> fields = node.get().map(Set.of("schedule", "keep"));
        String schedule = null;
        if (fields.containsKey("schedule")) {
            schedule = fields.get("schedule").string();
            if (!schedule.equals("daily") && !schedule.equals("off")) {
                throw fields.get("schedule").error("is \"" + schedule + "\"; write daily (backed up once a day, at"
                        + " berth.yaml's backups.hour) or off (\"Back up now\" only)");
            }
        }
        Integer keep = null;
        if (fields.containsKey("keep")) {
            long n = fields.get("keep").integer();
            if (n < 1 || n > MAX_KEEP) {
                throw fields.get("keep").error("must be between 1 and " + MAX_KEEP + " (the newest backups kept)");
            }
            keep = (int) n;
        }
        return new BackupPolicy(schedule, keep);
    }
}

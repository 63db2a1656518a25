package io.berth.config;

/**
 * Backups of the data in users' stacks ({@code backups:} in berth.yaml; not Berth's own database, which
 * {@code berth backup} copies): where the files go, when they are taken and how many are kept. A template says per
 * service what is backed up ({@code backup:} in templates/README.md).
 */
public final class DataBackups {
    public static final String DEFAULT_DIR = "data/backups";
    public static final int DEFAULT_KEEP = 7;
    public static final int DEFAULT_KEEP_WEEKLY = 4;
    public static final int DEFAULT_HOUR = 3;
    public static final int DEFAULT_SPREAD_MINUTES = 60;
    public static final int DEFAULT_KEEP_DELETED_DAYS = 30;
    public static final String DEFAULT_MAX_UPLOAD = "10g";

    /**
     * Host folder holding one file per backup, under {@code <owner>/<stack>/}; created when missing. Put it on
     * another disk than the engine's volumes, or copy it off the host: a lost disk otherwise takes both.
     */
    public String dir = DEFAULT_DIR;
    /** When backups run by themselves: {@code daily} (at {@code hour}) or {@code off} ("Back up now" only). */
    public String schedule = "daily";
    /** Hour of the day (0-23, the host's time zone) when the daily backups begin. */
    public int hour = DEFAULT_HOUR;
    /** Minutes over which the daily backups are spread, each stack at a fixed offset, so they do not run at once. */
    public int spreadMinutes = DEFAULT_SPREAD_MINUTES;
    /** Finished backups kept per stack, newest first (older ones are deleted after each good backup; 1 to 1000). */
    public int keep = DEFAULT_KEEP;
    /**
     * Besides the {@code keep} newest, the newest backup of each of this many latest calendar weeks is kept (0 to
     * 520): {@code keep: 7, keep_weekly: 4} is a week of daily backups and a month of weekly ones.
     */
    public int keepWeekly = DEFAULT_KEEP_WEEKLY;
    /** Days the backups of a deleted stack are kept, for a restore into a new stack; 0 deletes them with it. */
    public int keepDeletedDays = DEFAULT_KEEP_DELETED_DAYS;
    /** The largest backup file accepted for upload: {@code 512m}, {@code 10g}. */
    public String maxUpload = DEFAULT_MAX_UPLOAD;
    /**
     * Bytes of finished backups one owner (a user, or a group's account) may hold, all their stacks together
     * ({@code 50g}); {@code 0}: no limit. A backup or upload is refused while the owner holds this much.
     */
    public String ownerQuota = "0";

    /** Throws a {@link ConfigException} naming the first key whose value cannot work. */
    public void check() {
        if (dir == null || dir.isBlank()) {
            throw new ConfigException("backups.dir is empty; name a folder, e.g. " + DEFAULT_DIR);
        }
        if (!schedule.equals("daily") && !schedule.equals("off")) {
            throw new ConfigException("backups.schedule is \"" + schedule + "\"; use daily or off");
        }
        if (hour < 0 || hour > 23) {
            throw new ConfigException("backups.hour is " + hour + "; use 0 to 23");
        }
        if (spreadMinutes < 0 || spreadMinutes > 23 * 60) {
            throw new ConfigException("backups.spread_minutes is " + spreadMinutes + "; use 0 to 1380");
        }
        if (keep < 1 || keep > 1000) {
            throw new ConfigException("backups.keep is " + keep + "; use 1 to 1000");
        }
        if (keepWeekly < 0 || keepWeekly > 520) {
            throw new ConfigException("backups.keep_weekly is " + keepWeekly + "; use 0 to 520");
        }
        if (keepDeletedDays < 0 || keepDeletedDays > 3650) {
            throw new ConfigException("backups.keep_deleted_days is " + keepDeletedDays + "; use 0 to 3650");
        }
        maxUploadBytes();
        ownerQuotaBytes();
    }

    /** {@link #ownerQuota} in bytes; 0: no limit. */
    public long ownerQuotaBytes() {
        return "0".equals(ownerQuota == null ? "" : ownerQuota.trim()) ? 0 : size("backups.owner_quota", ownerQuota);
    }

    /** {@link #maxUpload} in bytes. */
    public long maxUploadBytes() {
        return size("backups.max_upload", maxUpload);
    }

    private static long size(String key, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})([kmg])").matcher(
                text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new ConfigException(key + " is \"" + text + "\"; write a size like 512m or 10g");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            default -> 30;
        };
        return Long.parseLong(m.group(1)) << shift;
    }
}

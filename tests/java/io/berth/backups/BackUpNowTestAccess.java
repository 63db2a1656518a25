package io.berth.backups;

/** The test templates of this package, for the backup benchmark (io.berth.bench.BackupThroughput). */
public final class BackUpNowTestAccess {
    public static final String NOTES = BackUpNowTest.NOTES;

    private BackUpNowTestAccess() { }
}

package io.berth.backups;

/** A backup file that cannot be restored, with a sentence saying why; nothing was written when it is thrown. */
public final class BadArchiveException extends Exception {
    public BadArchiveException(String message) {
        super(message);
    }
}

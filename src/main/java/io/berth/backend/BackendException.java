package io.berth.backend;

/** A start that failed, with a reason written for the user who launched the stack. */
public class BackendException extends Exception {
    public BackendException(String reason) {
        super(reason);
    }

    public BackendException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

package io.berth.backend.engine;

/** Engine errors put briefly, for a page, a log stream's end or a log line. */
public final class Causes {
    private Causes() {
    }

    /** The innermost message of an error, on one line, short enough for a page or a log line. */
    public static String shortCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null || root.getMessage().isBlank()
                ? root.getClass().getSimpleName() : root.getMessage().strip().lines().findFirst().orElse("");
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}

package io.berth.backend;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Backend.LogSink} that keeps a log's lines as text, up to {@code maxChars} (then a cut marker), and the
 * reason its stream ended with: what a log download or an error message quotes once the stream is over.
 */
public final class LogText implements Backend.LogSink {
    private final int maxChars;
    private final StringBuilder text = new StringBuilder();
    private final CountDownLatch ended = new CountDownLatch(1);
    private String reason;

    public LogText(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public synchronized void line(String line) {
        if (text.length() + line.length() < maxChars) {
            text.append(line).append('\n');
        } else if (text.length() < maxChars) {
            text.append("[… cut at ").append(maxChars).append(" characters …]\n");
            text.setLength(maxChars);
        }
    }

    @Override
    public void end(String why) {
        synchronized (this) {
            reason = why;
        }
        ended.countDown();
    }

    /** Waits for the end of the stream; false when it did not come within {@code limit}. */
    public boolean await(Duration limit) throws InterruptedException {
        return ended.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The lines so far, each ending in a newline. */
    public synchronized String text() {
        return text.toString();
    }

    /** Why the stream ended, when it did not end normally; null otherwise (or while it runs). */
    public synchronized String reason() {
        return reason;
    }
}

package io.berth.backend;

/**
 * What a command run inside a service's container ({@link Backend#exec}) came to: its exit code ({@code null} when it
 * did not finish within its time), and the end of what it wrote to stdout and stderr — at most
 * {@link #MAX_OUTPUT} characters, the last ones kept, {@code cut} when more came.
 */
public record ExecResult(Integer exitCode, String output, boolean cut) {
    /** The most characters of output kept: a command that prints megabytes costs Berth this much, no more. */
    public static final int MAX_OUTPUT = 8 * 1024;

    public boolean succeeded() {
        return exitCode != null && exitCode == 0;
    }

    /** The last {@code n} lines of the output, for a message. */
    public String lastLines(int n) {
        String[] lines = output.strip().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - n), lines.length));
    }
}

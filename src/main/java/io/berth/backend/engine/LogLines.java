package io.berth.backend.engine;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.berth.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns the frames of a container's log into lines. Frames split and join lines as they please (docker-java reads at
 * most 1 KiB at a time; the engine splits lines over 16 KiB), so stdout and stderr each get their own buffer, never
 * longer than {@link Backend#MAX_LINE} bytes: a longer line is delivered cut there, ending in {@link #CUT_MARK}, and
 * the rest of it is skipped up to its newline. Lines are decoded (UTF-8) only once whole, so a character split
 * between two frames stays whole, and a cut never splits one. Not thread-safe: one reader feeds it.
 */
public final class LogLines {
    /** Ends a line that was cut at {@link Backend#MAX_LINE} bytes. */
    public static final String CUT_MARK = " [… cut]";
    private static final int FIRST_CAPACITY = 256;

    private final Consumer<String> out;
    private final Buffer stdout = new Buffer();
    private final Buffer stderr = new Buffer();

    /** Lines go to {@code out}, without their line break, on the thread that calls {@link #accept}. */
    public LogLines(Consumer<String> out) {
        this.out = out;
    }

    /** Takes one frame; a TTY's raw stream counts as stdout. */
    public void accept(Frame frame) {
        byte[] payload = frame.getPayload();
        if (payload != null) {
            (frame.getStreamType() == StreamType.STDERR ? stderr : stdout).append(payload);
        }
    }

    /** Delivers what is left in the buffers: the last line of a log that ends without a newline. */
    public void flush() {
        stdout.flush();
        stderr.flush();
    }

    /** One stream's line so far. */
    private final class Buffer {
        private byte[] bytes = new byte[FIRST_CAPACITY];
        private int length;
        /** Inside the rest of a line that was already delivered cut. */
        private boolean skipping;

        void append(byte[] data) {
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n') {
                    add(data, start, i);
                    if (skipping) {
                        skipping = false;
                    } else {
                        deliver("");
                    }
                    start = i + 1;
                }
            }
            add(data, start, data.length);
        }

        void flush() {
            if (length > 0 && !skipping) {
                deliver("");
            }
            skipping = false;
            length = 0;
        }

        private void add(byte[] data, int from, int to) {
            if (skipping || from == to) {
                return;
            }
            int room = Backend.MAX_LINE - length;
            int taken = Math.min(room, to - from);
            if (length + taken > bytes.length) {
                byte[] grown = new byte[Math.min(Backend.MAX_LINE, Math.max(length + taken, bytes.length * 2))];
                System.arraycopy(bytes, 0, grown, 0, length);
                bytes = grown;
            }
            System.arraycopy(data, from, bytes, length, taken);
            length += taken;
            if (to - from > room) {
                // Delivered now rather than at the newline, which may come much later or never.
                length = wholeCharacters(bytes, length);
                deliver(CUT_MARK);
                skipping = true;
            }
        }

        private void deliver(String suffix) {
            String line = new String(bytes, 0, length, StandardCharsets.UTF_8) + suffix;
            length = 0;
            out.accept(line);
        }
    }

    /** The length of the longest prefix of {@code bytes[0, length)} that does not end inside a UTF-8 character. */
    static int wholeCharacters(byte[] bytes, int length) {
        int lead = length - 1;
        while (lead >= 0 && length - lead < 4 && (bytes[lead] & 0xC0) == 0x80) {
            lead--; // back over continuation bytes to the character's first byte
        }
        if (lead < 0) {
            return length;
        }
        int first = bytes[lead] & 0xFF;
        int needed = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        return length - lead < needed ? lead : length;
    }
}

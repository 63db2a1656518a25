package io.berth.backend.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.berth.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the frames of a log become lines, without an engine. */
class LogLinesTest {
    @Test
    void frames_that_split_and_join_lines_are_reassembled_per_stream() {
        List<String> lines = new ArrayList<>();
        LogLines assembler = new LogLines(lines::add);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);

        assembler.accept(frame(StreamType.STDOUT, "one\ntw"));
        assembler.accept(frame(StreamType.STDERR, "err"));
        assembler.accept(frame(StreamType.STDOUT, "o\nthree "));
        assembler.accept(new Frame(StreamType.STDOUT, new byte[] {euro[0]}));
        assembler.accept(new Frame(StreamType.STDOUT, new byte[] {euro[1], euro[2], '\n'}));
        assembler.accept(frame(StreamType.STDERR, "or\n"));
        // Two bytes each, after one: the cut at MAX_LINE bytes falls inside an "é", which is left out whole.
        assembler.accept(frame(StreamType.STDOUT, "a" + "é".repeat(Backend.MAX_LINE) + "\nnext\nlast"));
        assembler.flush();

        assertThat(lines).containsExactly("one", "two", "three €", "error",
                "a" + "é".repeat(Backend.MAX_LINE / 2 - 1) + LogLines.CUT_MARK, "next", "last");
        assertThat(LogLines.wholeCharacters(euro, 2)).isZero();
    }

    private static Frame frame(StreamType type, String text) {
        return new Frame(type, text.getBytes(StandardCharsets.UTF_8));
    }
}

package io.berth.backend.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.backend.Backend;
import io.berth.backend.Backend.LogSink;
import io.berth.backend.Backend.LogStream;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.engine.LogLines;
import io.berth.backend.engine.LogStreams;
import io.berth.model.StackRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A service's logs on the real engine: the tail in order, following, long lines, and how a stream ends. */
class LogsTest extends RealEngineTest {
    /** Prints "tick 0", "tick 1", … every 100 ms while serving http. */
    private static final String TICKING =
            "(i=0; while true; do echo \"tick $i\"; i=$((i+1)); usleep 100000; done) & exec httpd -f -p 8080 -h /";

    @Test
    void tail_returns_the_last_lines_in_order() throws Exception {
        StackRef ref = new StackRef("alice", "tail");
        // Every tenth line goes to stderr, with a pause around it: Docker reads the two pipes separately, so lines
        // written to both within the same instant may be logged in either order.
        start(ref, "i=1; while [ $i -le 200 ]; do"
                + " if [ $((i % 10)) -eq 0 ]; then usleep 5000; echo \"line $i\" >&2; usleep 5000;"
                + " else echo \"line $i\"; fi; i=$((i+1)); done; exec httpd -f -p 8080 -h /");
        Recorder sink = new Recorder();

        backend.logs(ref, "web", 50, false, sink);

        assertThat(sink.awaitEnd(Duration.ofSeconds(5))).as("ended").isTrue();
        assertThat(sink.lines()).containsExactlyElementsOf(
                IntStream.rangeClosed(151, 200).mapToObj(i -> "line " + i).toList());
        assertThat(sink.ends()).containsExactly((String) null);
    }

    @Test
    void follow_delivers_lines_written_after_the_request_started() throws Exception {
        StackRef ref = new StackRef("alice", "follow");
        start(ref, TICKING);
        Recorder sink = new Recorder();
        Thread.sleep(300);

        LogStream stream = backend.logs(ref, "web", 2, true, sink);

        assertThat(sink.awaitLine(line -> line.startsWith("tick "), Duration.ofSeconds(3))).isTrue();
        int newestOfTail = sink.lines().stream().limit(2).mapToInt(LogsTest::tick).max().orElseThrow();
        assertThat(sink.awaitLine(line -> tick(line) > newestOfTail, Duration.ofSeconds(3)))
                .as("a tick after %d", newestOfTail).isTrue();
        stream.close();
        int atClose = sink.lines().size();
        Thread.sleep(500);
        assertThat(sink.lines()).hasSize(atClose);
        assertThat(sink.ends()).containsExactly((String) null);
        stream.close();
        assertThat(sink.ends()).hasSize(1);
    }

    @Test
    void a_very_long_line_is_cut_and_the_next_line_still_arrives() throws Exception {
        StackRef ref = new StackRef("alice", "long");
        start(ref, "head -c 102400 /dev/zero | tr '\\0' x; echo; echo after; exec httpd -f -p 8080 -h /");
        Recorder sink = new Recorder();

        backend.logs(ref, "web", -1, false, sink);

        assertThat(sink.awaitEnd(Duration.ofSeconds(5))).as("ended").isTrue();
        assertThat(sink.lines()).containsExactly("x".repeat(Backend.MAX_LINE) + LogLines.CUT_MARK, "after");
        assertThat(sink.ends()).containsExactly((String) null);
    }

    @Test
    void the_stream_ends_when_the_container_stops() throws Exception {
        StackRef ref = new StackRef("alice", "stops");
        start(ref, TICKING);
        Recorder sink = new Recorder();
        LogStream stream = backend.logs(ref, "web", 1, true, sink);
        assertThat(sink.awaitLine(line -> line.startsWith("tick "), Duration.ofSeconds(3))).isTrue();

        backend.stop(ref);

        assertThat(sink.awaitEnd(Duration.ofSeconds(5))).as("ended").isTrue();
        Thread.sleep(300);
        stream.close();
        assertThat(sink.ends()).containsExactly((String) null);
    }

    @Test
    void logs_of_an_unknown_service_end_at_once_with_a_reason() {
        Recorder sink = new Recorder();

        backend.logs(new StackRef("alice", "never-started"), "web", 10, true, sink).close();

        assertThat(sink.ends()).containsExactly("Service \"web\" has no container: the stack is not running.");
        assertThat(sink.lines()).isEmpty();
    }

    @Test
    void open_streams_are_limited_and_do_not_hold_up_other_calls() throws Exception {
        StackRef ref = new StackRef("alice", "many");
        backend.start(greeting(ref, "hi"), step -> { });
        List<Recorder> sinks = new ArrayList<>();
        List<LogStream> streams = new ArrayList<>();
        for (int i = 0; i < LogStreams.MAX_STREAMS; i++) {
            Recorder sink = new Recorder();
            sinks.add(sink);
            streams.add(backend.logs(ref, "web", 1, true, sink));
        }
        Recorder refused = new Recorder();

        backend.logs(ref, "web", 1, true, refused);

        assertThat(refused.ends()).singleElement().asString().startsWith("Too many log streams are open");
        long began = System.nanoTime();
        assertThat(backend.list()).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        streams.get(0).close();
        Recorder another = new Recorder();
        streams.add(backend.logs(ref, "web", 1, true, another));
        Thread.sleep(300);
        assertThat(another.ends()).isEmpty();
        streams.forEach(LogStream::close);
        sinks.add(another);
        assertThat(sinks).allSatisfy(sink -> assertThat(sink.ends()).containsExactly((String) null));
    }

    private void start(StackRef ref, String script) throws Exception {
        backend.start(new StackSpec(ref, List.of(new ServiceSpec("web", IMAGE, List.of("sh", "-c", script), Map.of(),
                8080))), step -> { });
    }

    private static int tick(String line) {
        return line.startsWith("tick ") ? Integer.parseInt(line.substring(5)) : -1;
    }

    /** Records what a stream delivers. */
    private static final class Recorder implements LogSink {
        private final List<String> lines = new ArrayList<>();
        private final List<String> ends = new ArrayList<>();
        private final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public synchronized void line(String text) {
            lines.add(text);
            notifyAll();
        }

        @Override
        public synchronized void end(String reason) {
            ends.add(reason);
            ended.countDown();
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }

        synchronized List<String> ends() {
            return new ArrayList<>(ends);
        }

        boolean awaitEnd(Duration timeout) throws InterruptedException {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        synchronized boolean awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
            long until = System.nanoTime() + timeout.toNanos();
            while (lines.stream().noneMatch(wanted)) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }
}

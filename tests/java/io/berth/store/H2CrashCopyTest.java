package io.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code kill -9} leaves of the H2 file is what the file holds the moment the process dies: a copy taken right
 * after a write returned is that state, without killing anything. Each round rewrites a few dozen rows (so H2 frees
 * old chunks and, with {@code RETENTION_TIME=0}, writes new ones into that space at once — what it does after 45 s by
 * default), stores the round's number, copies the file and opens the copy. Berth's store must find every number;
 * plain H2 loses the newest commit after such a jump (see {@link H2FileHeader}), which the second test checks so this
 * harness is known to catch the loss.
 */
class H2CrashCopyTest {
    private static final int ROUNDS = 120;

    @TempDir
    Path dir;

    @Test
    void a_copy_of_the_file_taken_right_after_each_write_holds_that_write() throws Exception {
        BerthConfig.Store config = new BerthConfig.Store();
        config.url = "jdbc:h2:file:" + dir.resolve("berth") + ";RETENTION_TIME=0";
        List<String> lost = new ArrayList<>();
        try (Database db = new Database(config)) {
            db.jdbi().useHandle(h -> {
                h.execute("CREATE TABLE churn (id INT PRIMARY KEY, n BIGINT, pad VARCHAR(2000))");
                h.execute("INSERT INTO churn SELECT X, 0, REPEAT('x', 1000) FROM SYSTEM_RANGE(0, 199)");
            });
            for (int round = 1; round <= ROUNDS; round++) {
                int r = round;
                db.jdbi().useHandle(h -> churnAndMark(h, r));
                long found = markInCopy(dir.resolve("berth.mv.db"), "berth");
                if (found != round) {
                    lost.add("round " + round + ": the copy has " + found);
                }
            }
        }
        assertThat(lost).as("writes missing from the file right after they were answered").isEmpty();
    }

    @Test
    void plain_h2_still_loses_the_newest_commit_this_way_so_berth_still_needs_its_header_fix() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("plain") + ";WRITE_DELAY=0;RETENTION_TIME=0";
        int lost = 0;
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE churn (id INT PRIMARY KEY, n BIGINT, pad VARCHAR(2000))");
            s.execute("INSERT INTO churn SELECT X, 0, REPEAT('x', 1000) FROM SYSTEM_RANGE(0, 199)");
            for (int round = 1; round <= ROUNDS; round++) {
                s.execute(churn(round));
                s.execute("UPDATE churn SET n = " + round + " WHERE id = 0");
                s.execute("CHECKPOINT SYNC");
                if (markInCopy(dir.resolve("plain.mv.db"), "sa") != round) {
                    lost++;
                }
            }
        }
        assertThat(lost).as("rounds whose commit a copy of the plain H2 file missed; none means this H2 finds its "
                + "newest chunk after a crash, and H2FileHeader may be removed").isPositive();
    }

    private static void churnAndMark(Handle h, int round) {
        h.execute(churn(round));
        h.execute("UPDATE churn SET n = " + round + " WHERE id = 0");
    }

    /** Rewrites a seventh of the rows with new lengths, so whole chunks fall empty as rounds go by. */
    private static String churn(int round) {
        return "UPDATE churn SET pad = REPEAT('" + (char) ('a' + round % 26) + "', 1000 + MOD(id * " + round
                + ", 900)) WHERE MOD(id, 7) = " + round % 7;
    }

    /** Copies the database file as a crash would leave it, opens the copy and reads the mark. */
    private long markInCopy(Path file, String user) throws SQLException, IOException {
        Path copy = dir.resolve("copy.mv.db");
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        String url = "jdbc:h2:file:" + dir.resolve("copy") + ";ACCESS_MODE_DATA=r";
        try (Connection c = DriverManager.getConnection(url, user, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT n FROM churn WHERE id = 0")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

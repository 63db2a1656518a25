package io.berth.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleCallbackDecorator;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * Makes a write to the embedded H2 file reach the disk before the store call that made it returns, so that what
 * Berth answered as done survives {@code kill -9} and a power cut.
 *
 * <p>Why it is needed: H2 2.x (MVStore) keeps a committed transaction in memory and writes it to the file up to
 * {@code WRITE_DELAY} ms later (default 500; a {@code kill -9} in between loses it). With {@code WRITE_DELAY=0}
 * H2 writes the chunk at commit ({@code TransactionStore.commit} calls {@code MVStore.commit} when the auto-commit
 * delay is 0), which survives the process dying, but MVStore never calls {@code fsync} on commit, so a power cut
 * can still lose it. {@code CHECKPOINT SYNC} forces the file to the device ({@code FileChannel.force}). And H2 can
 * lose the newest commits after a crash even when they are in the file, because its file header may name an older
 * chunk: {@link H2FileHeader} commits, rewrites the header and forces the file in one step instead.
 *
 * <p>Every outermost {@code withHandle}/{@code inTransaction} that changed a row ends with one such sync, after its
 * commit. Syncs are grouped: one {@code fsync} covers every write finished before it started, so callers that
 * wrote while another one synced wait for one more sync at most, not one each.
 */
final class DurableCommits implements HandleCallbackDecorator, StatementCustomizer {
    /** Per thread: how deep in nested handle callbacks, and whether a row changed since the outermost began. */
    private static final ThreadLocal<int[]> DEPTH_AND_WROTE = ThreadLocal.withInitial(() -> new int[2]);

    private final AtomicLong writes = new AtomicLong();
    private final Object syncLock = new Object();
    /** Null when H2's store cannot be reached (a future H2): then {@code CHECKPOINT SYNC} alone. */
    private final H2FileHeader header;
    private long synced;

    private DurableCommits(H2FileHeader header) {
        this.header = header;
    }

    /** Installs on {@code jdbi}; returns false when the header fix cannot be applied (only a sync per write then). */
    static boolean install(Jdbi jdbi) {
        H2FileHeader header = jdbi.withHandle(h -> H2FileHeader.of(h.getConnection())).orElse(null);
        DurableCommits d = new DurableCommits(header);
        jdbi.setHandleCallbackDecorator(d);
        jdbi.addCustomizer(d);
        return header != null;
    }

    @Override
    public void afterExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
        if (stmt.getUpdateCount() > 0) {
            DEPTH_AND_WROTE.get()[1] = 1;
        }
    }

    @Override
    public <R, X extends Exception> HandleCallback<R, X> decorate(HandleCallback<R, X> callback) {
        return handle -> {
            int[] state = DEPTH_AND_WROTE.get();
            if (state[0]++ == 0) {
                state[1] = 0;
            }
            R result;
            try {
                result = callback.withHandle(handle);
            } finally {
                state[0]--;
            }
            // Only the outermost callback syncs: an inner one may still be inside the outer one's transaction.
            if (state[0] == 0 && state[1] == 1) {
                state[1] = 0;
                sync(handle);
            }
            return result;
        };
    }

    private void sync(Handle handle) {
        long mine = writes.incrementAndGet();
        synchronized (syncLock) {
            if (synced >= mine) {
                return; // a sync that began after this write finished has covered it
            }
            long upTo = writes.get();
            if (header != null) {
                header.commitAndSync();
            } else {
                handle.execute("CHECKPOINT SYNC");
            }
            synced = upTo;
        }
    }
}

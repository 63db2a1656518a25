package io.berth.store;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;

/**
 * Commits an H2 file database, points its file header at the newest chunk, and forces the file to the device.
 *
 * <p>Why the header: H2 2.x (checked up to 2.5.252) writes each commit as a chunk, which points to where the next one
 * is expected. When a chunk goes elsewhere (into space freed by old chunks, which H2 reuses once they are older than
 * {@code RETENTION_TIME}), H2 rewrites the file header so a restart can find it — but {@code RandomAccessStore
 * .writeChunk} writes the header while {@code lastChunk} still names the chunk <em>before</em> the new one
 * ({@code FileStore.storeBuffer} updates it only afterwards). After a crash H2 opens the file at that older chunk, finds
 * nothing where it expected the next one, and loses every commit since — until 20 versions later, when H2 rewrites the
 * header for its own reasons. Berth saw deletes answered 5 ms before {@code kill -9} come back, and a copy of the file
 * taken right after a commit missed that commit in 189 of 200 tries once space was being reused ({@code
 * RETENTION_TIME=1000}; {@code H2CrashCopyTest} shows both).
 *
 * <p>The fix writes the header once more after the commit, under the lock H2 writes chunks with, so it names the
 * chunk that holds the commit. It needs two private members of H2's store; {@link #of} returns empty when a future H2
 * no longer has them, and Berth then says so at start.
 */
final class H2FileHeader {
    private final MVStore store;
    private final FileStore<?> file;
    private final ReentrantLock chunkLock;
    private final Method writeHeader;

    private H2FileHeader(MVStore store, FileStore<?> file, ReentrantLock chunkLock, Method writeHeader) {
        this.store = store;
        this.file = file;
        this.chunkLock = chunkLock;
        this.writeHeader = writeHeader;
    }

    /**
     * The header writer of the H2 file database behind {@code connection}, or empty with the reason logged by the
     * caller when it is not an embedded H2 file of the expected shape.
     */
    static Optional<H2FileHeader> of(Connection connection) {
        try {
            var session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            MVStore store = session.getDatabase().getStore().getMvStore();
            FileStore<?> file = store.getFileStore();
            if (!(file instanceof RandomAccessStore)) {
                return Optional.empty();
            }
            Method writeHeader = RandomAccessStore.class.getDeclaredMethod("writeStoreHeader");
            writeHeader.setAccessible(true);
            Field lock = FileStore.class.getDeclaredField("saveChunkLock");
            lock.setAccessible(true);
            return Optional.of(new H2FileHeader(store, file, (ReentrantLock) lock.get(file), writeHeader));
        } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes what is committed to the file, points the header at it, and forces the file to the device. */
    void commitAndSync() {
        store.commit();
        chunkLock.lock();
        try {
            writeHeader.invoke(file);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot write the H2 file header", e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            chunkLock.unlock();
        }
        store.sync();
    }
}

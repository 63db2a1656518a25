package io.berth.store;

import io.berth.config.BerthConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.h2.tools.Restore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of the embedded H2 database. {@code berth backup FILE} works while Berth runs: the running Berth answers
 * on a Unix socket next to its database ({@code data/berth.sock}, owner-only, like docker.sock) and writes a
 * consistent copy with H2's {@code BACKUP TO} (an online snapshot; requests go on meanwhile). With Berth stopped the
 * command opens the database itself. {@code berth restore FILE} needs Berth stopped: the current database is moved
 * aside ({@code berth.mv.db.before-restore-<time>}), never deleted. Stacks' data lives in Docker volumes, not here.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);

    private Backups() { }

    /** Where an H2 file database lives: {@code jdbc:h2:file:./data/berth;…} → folder ./data, name berth. */
    public record H2File(Path dir, String name) {
        public Path socket() {
            return dir.resolve(name + ".sock");
        }

        Path dataFile() {
            return dir.resolve(name + ".mv.db");
        }

        static Optional<H2File> of(String url) {
            String prefix = url.startsWith("jdbc:h2:file:") ? "jdbc:h2:file:" : "jdbc:h2:";
            if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:h2:tcp:")
                    || url.startsWith("jdbc:h2:ssl:")) {
                return Optional.empty();
            }
            String path = url.substring(prefix.length()).split(";", 2)[0];
            if (path.startsWith("~/")) {
                path = System.getProperty("user.home") + path.substring(1);
            }
            Path file = Path.of(path).toAbsolutePath().normalize();
            return Optional.of(new H2File(file.getParent(), file.getFileName().toString()));
        }
    }

    /** A refusal the command line prints as is. */
    public static final class BackupException extends RuntimeException {
        BackupException(String message) {
            super(message);
        }
    }

    public static H2File h2(BerthConfig.Store store) {
        return H2File.of(store.url).orElseThrow(() -> new BackupException("the database " + store.url
                + " is not an embedded H2 file; back it up with its own tools (e.g. pg_dump)"));
    }

    /** Runs while Berth runs: answers {@code backup <absolute path>} lines on the socket. */
    public static final class Control implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Path socket;
        private final Thread thread;

        Control(H2File file, Database db) throws IOException {
            socket = file.socket();
            Files.deleteIfExists(socket); // left by a Berth that was killed; the H2 file lock already proved we own it
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            thread = new Thread(() -> serve(db), "berth-backup-socket");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(Database db) {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    String line = readLine(client);
                    String answer;
                    try {
                        if (line.equals("ping")) {
                            client.write(ByteBuffer.wrap("pong\n".getBytes(StandardCharsets.UTF_8)));
                            continue;
                        }
                        if (!line.startsWith("backup /")) {
                            throw new BackupException("unknown request");
                        }
                        Path target = Path.of(line.substring("backup ".length()));
                        answer = "ok " + db.jdbi().withHandle(h -> writeBackup(h.getConnection(), target));
                        LOG.info("backup written to {}", target);
                    } catch (BackupException | UncheckedIOException e) {
                        answer = "error " + e.getMessage();
                    } catch (RuntimeException e) {
                        LOG.warn("backup failed", e);
                        answer = "error " + e.getMessage();
                    }
                    client.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    if (server.isOpen()) {
                        LOG.debug("backup socket: {}", e.toString());
                    }
                }
            }
        }

        @Override
        public void close() {
            try {
                server.close();
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.debug("closing backup socket: {}", e.toString());
            }
        }
    }

    /** Starts the socket for a file database; empty for other databases. */
    public static Optional<Control> serve(BerthConfig.Store store, Database db) {
        Optional<H2File> file = H2File.of(store.url);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Control(file.get(), db));
        } catch (IOException e) {
            LOG.warn("no backup socket at {} ({}): `berth backup` needs Berth stopped", file.get().socket(), e.toString());
            return Optional.empty();
        }
    }

    /** {@code berth backup FILE}: through the running Berth when it answers, else straight from the stopped database. */
    public static String backup(BerthConfig.Store store, Path target) {
        H2File file = h2(store);
        Path absolute = target.toAbsolutePath().normalize();
        Optional<String> running = ask(file.socket(), "backup " + absolute);
        if (running.isPresent()) {
            String answer = running.get();
            if (answer.startsWith("ok ")) {
                return "backup of the running Berth written to " + absolute + " (" + answer.substring(3) + " bytes)";
            }
            throw new BackupException(answer.startsWith("error ") ? answer.substring(6) : answer);
        }
        if (!Files.exists(file.dataFile())) {
            throw new BackupException("no database at " + file.dataFile() + " (is --config the one Berth uses?)");
        }
        try (Connection c = DriverManager.getConnection(store.url, store.user, store.password)) {
            return "backup of the stopped Berth written to " + absolute + " (" + writeBackup(c, absolute) + " bytes)";
        } catch (SQLException e) {
            throw new BackupException("cannot open " + file.dataFile() + ": " + e.getMessage());
        }
    }

    /** {@code berth restore FILE}: Berth must be stopped; the current database is kept beside the restored one. */
    public static String restore(BerthConfig.Store store, Path backup) {
        H2File file = h2(store);
        if (!Files.isRegularFile(backup)) {
            throw new BackupException("no backup file " + backup);
        }
        if (ask(file.socket(), "ping").isPresent()) {
            throw new BackupException("Berth is running on " + file.dataFile() + "; stop it first (systemctl stop berth)");
        }
        Path aside = null;
        try {
            Files.createDirectories(file.dir());
            if (Files.exists(file.dataFile())) {
                aside = file.dir().resolve(file.name() + ".mv.db.before-restore-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
                Files.move(file.dataFile(), aside, StandardCopyOption.ATOMIC_MOVE);
            }
            Restore.execute(backup.toString(), file.dir().toString(), file.name());
            if (!Files.exists(file.dataFile())) {
                throw new BackupException(backup + " holds no database named " + file.name() + " (is it a Berth backup?)");
            }
            return "restored " + backup + " into " + file.dataFile()
                    + (aside == null ? "" : "; the database it replaced is kept as " + aside)
                    + ". Start Berth; it migrates the database forward if the backup is older.";
        } catch (IOException | RuntimeException e) {
            putBack(aside, file);
            throw e instanceof BackupException b ? b
                    : new BackupException("restore failed: " + e.getMessage() + " (is " + backup + " a Berth backup?)");
        }
    }

    /** A failed restore leaves the database as it was. */
    private static void putBack(Path aside, H2File file) {
        if (aside == null) {
            return;
        }
        try {
            Files.move(aside, file.dataFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("could not put {} back as {}: {}", aside, file.dataFile(), e.toString());
        }
    }

    /** H2's online backup into a temporary file, renamed into place when complete; returns its size. */
    private static long writeBackup(Connection connection, Path target) {
        try {
            Path dir = target.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new BackupException("no folder " + dir + " to write the backup into");
            }
            Path partial = dir.resolve("." + target.getFileName() + ".partial");
            try (Statement s = connection.createStatement()) {
                s.execute("BACKUP TO '" + partial.toString().replace("'", "''") + "'");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(target);
        } catch (AccessDeniedException e) {
            throw new BackupException("cannot write " + target + ": permission denied");
        } catch (SQLException | IOException e) {
            throw new BackupException("cannot write " + target + ": " + e.getMessage());
        }
    }

    /** One request to the running Berth's socket; empty when nobody answers there. */
    private static Optional<String> ask(Path socket, String request) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return Optional.of(readLine(channel));
        } catch (IOException e) {
            return Optional.empty(); // a socket file left by a killed Berth
        }
    }

    private static String readLine(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0 || new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).contains("\n")) {
                break;
            }
        }
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}

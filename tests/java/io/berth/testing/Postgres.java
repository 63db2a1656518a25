package io.berth.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real PostgreSQL server for tests (Debian's postgresql package, which deploy/prepare-host.sh --test installs):
 * one private cluster per test JVM in a temporary folder, run as the postgres user on a free loopback port with
 * trust authentication, stopped and deleted when the JVM exits. {@link #newDatabase()} gives each test its own
 * database.
 */
public final class Postgres {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static Postgres shared;

    private final Path dir;
    private final int port;

    private Postgres() throws IOException, InterruptedException {
        if (!Files.isExecutable(BIN.resolve("pg_ctl"))) {
            throw new IllegalStateException("PostgreSQL 15 is not installed (" + BIN + "); deploy/prepare-host.sh --test installs it");
        }
        dir = Files.createTempDirectory("berth-pg-");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run("chown", "postgres:postgres", dir.toString());
        asPostgres(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync");
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
    }

    /** The test JVM's server, started on first use (about 2 s). */
    public static synchronized Postgres server() {
        if (shared == null) {
            try {
                shared = new Postgres();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start PostgreSQL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    /** A new empty database; its JDBC URL (user postgres, no password). */
    public String newDatabase() {
        String name = "berth_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void stop() {
        try {
            asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop");
            run("rm", "-rf", dir.toString());
        } catch (Exception e) {
            // the JVM is exiting
        }
    }

    private static void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        all.addAll(List.of(command));
        run(all.toArray(String[]::new));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}

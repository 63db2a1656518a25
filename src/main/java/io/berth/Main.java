package io.berth;

import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.config.ConfigLoader;
import io.berth.store.Backups;
import io.berth.store.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line:
 * <pre>
 *   berth [--config berth.yaml]                  serve
 *   berth backup FILE [--config berth.yaml]      consistent copy of the database (Berth running or not)
 *   berth restore FILE [--config berth.yaml]     put a backup in place (Berth stopped)
 * </pre>
 * The config path may also come from {@code BERTH_CONFIG}; without either, {@code berth.yaml} in the working folder is
 * read when present, else Berth runs on its defaults. Exit codes: 2 bad usage or configuration, 3 a database of a
 * newer Berth, 4 a backup or restore refused.
 */
public final class Main {
    private static final String USAGE = """
            usage: berth [--config berth.yaml]
                   berth backup FILE [--config berth.yaml]
                   berth restore FILE [--config berth.yaml]""";

    private Main() { }

    public static void main(String[] args) {
        Path file = null;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("-")) {
                exit(2, USAGE);
            } else {
                words.add(args[i]);
            }
        }
        BerthConfig config = config(file);
        if (words.isEmpty()) {
            serve(config);
        } else if (words.size() == 2 && (words.get(0).equals("backup") || words.get(0).equals("restore"))) {
            try {
                Path target = Path.of(words.get(1));
                System.out.println("berth: " + (words.get(0).equals("backup")
                        ? Backups.backup(config.store, target) : Backups.restore(config.store, target)));
            } catch (Backups.BackupException e) {
                exit(4, "berth " + words.get(0) + ": " + e.getMessage());
            }
        } else {
            exit(2, USAGE);
        }
    }

    private static void serve(BerthConfig config) {
        App app;
        try {
            app = App.start(config, System.getenv("BERTH_ADMIN_PASSWORD"));
        } catch (Database.TooNewException e) {
            exit(3, "berth: " + e.getMessage());
            return;
        } catch (ConfigException e) {
            exit(2, "berth: " + e.getMessage());
            return;
        } catch (Database.UnreachableException e) {
            exit(1, "berth: " + e.getMessage()); // may be temporary (the database server is starting): 1 lets systemd retry
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "berth-shutdown"));
    }

    private static BerthConfig config(Path file) {
        if (file == null && System.getenv("BERTH_CONFIG") != null) {
            file = Path.of(System.getenv("BERTH_CONFIG"));
        }
        if (file == null && Path.of("berth.yaml").toFile().isFile()) {
            file = Path.of("berth.yaml");
        }
        try {
            return new ConfigLoader().load(file, System.getenv());
        } catch (ConfigException e) {
            exit(2, "berth: " + e.getMessage());
            return null;
        }
    }

    private static void exit(int code, String message) {
        System.err.println(message);
        System.exit(code);
    }
}

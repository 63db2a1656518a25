package io.berth;

import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.config.ConfigLoader;
import java.nio.file.Path;

/**
 * Command line: {@code berth [--config berth.yaml]}. The config path may also come from {@code BERTH_CONFIG};
 * without either, Berth runs on its defaults ({@code berth.yaml} in the working folder is read when present).
 */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                System.err.println("usage: berth [--config berth.yaml]");
                System.exit(2);
            }
        }
        if (file == null && System.getenv("BERTH_CONFIG") != null) {
            file = Path.of(System.getenv("BERTH_CONFIG"));
        }
        if (file == null && Path.of("berth.yaml").toFile().isFile()) {
            file = Path.of("berth.yaml");
        }
        BerthConfig config;
        try {
            config = new ConfigLoader().load(file, System.getenv());
        } catch (ConfigException e) {
            System.err.println("berth: " + e.getMessage());
            System.exit(2);
            return;
        }
        App app;
        try {
            app = App.start(config, System.getenv("BERTH_ADMIN_PASSWORD"));
        } catch (io.berth.store.Database.TooNewException e) {
            System.err.println("berth: " + e.getMessage());
            System.exit(3);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "berth-shutdown"));
    }
}

package io.berth.auth.oidc;

import io.berth.config.ConfigException;
import io.berth.config.Oidc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The OIDC client secret: from the config (or BERTH_AUTH_OIDC_CLIENT_SECRET), else the first line of a file. */
final class ClientSecret {
    private ClientSecret() { }

    static String read(Oidc config) {
        if (!config.clientSecret.isEmpty() || config.clientSecretFile.isEmpty()) {
            return config.clientSecret;
        }
        Path file = Path.of(config.clientSecretFile);
        try {
            String secret = Files.readAllLines(file).stream().findFirst().orElse("").trim();
            if (secret.isEmpty()) {
                throw new ConfigException("auth.oidc.client_secret_file " + file + " is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new ConfigException("auth.oidc.client_secret_file " + file + " cannot be read: " + e.getMessage());
        }
    }
}

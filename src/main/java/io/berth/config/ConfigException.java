package io.berth.config;

/** A configuration that cannot be used; the message names the key at fault. Berth refuses to start with it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}

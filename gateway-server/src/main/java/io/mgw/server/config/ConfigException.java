package io.mgw.server.config;

/** A configuration error; the message names the key and, where known, the line in the file. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

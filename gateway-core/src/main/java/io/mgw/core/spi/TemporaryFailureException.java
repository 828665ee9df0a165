package io.mgw.core.spi;

/** The operation could not be done now but may succeed later; the sender should retry. */
public class TemporaryFailureException extends RuntimeException {

    public TemporaryFailureException(String message) {
        super(message);
    }

    public TemporaryFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}

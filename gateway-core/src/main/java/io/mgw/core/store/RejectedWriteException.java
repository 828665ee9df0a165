package io.mgw.core.store;

/**
 * The store refused a write for what it holds, not for the state it is in: the database took the write alone, in a
 * transaction of its own, and rejected one of its values or a constraint (SQLState class 22 or 23). Writing it again
 * fails the same way, so callers give it up (log, count, go on) instead of retrying it: retried, one such write stood
 * still whatever waited behind it. Unlike {@link io.mgw.core.spi.TemporaryFailureException}, it says nothing about
 * the store's health.
 */
public class RejectedWriteException extends RuntimeException {

    public RejectedWriteException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code t}, or a cause of it, is a {@link RejectedWriteException}. */
    public static boolean in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RejectedWriteException) {
                return true;
            }
        }
        return false;
    }
}

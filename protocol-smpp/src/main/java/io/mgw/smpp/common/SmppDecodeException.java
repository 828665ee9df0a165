package io.mgw.smpp.common;

/**
 * A PDU body could not be decoded or holds a value the gateway refuses. Carries the command_status to answer with;
 * the session stays up (the frame itself was sound).
 */
public final class SmppDecodeException extends Exception {

    private final int status;

    public SmppDecodeException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The command_status to put in the response. */
    public int status() {
        return status;
    }
}

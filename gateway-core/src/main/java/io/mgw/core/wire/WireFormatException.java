package io.mgw.core.wire;

/**
 * Bytes that are not a valid record of the {@link WireFormat} schema: truncated, corrupt, not Protobuf at all, or
 * missing a required field. The decoders throw only this (never another runtime exception), so a consumer can
 * count and park a poison record instead of crashing its partition.
 */
public class WireFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

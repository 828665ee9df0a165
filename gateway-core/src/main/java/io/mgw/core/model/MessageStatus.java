package io.mgw.core.model;

/**
 * The canonical message state. Values and numbering follow SMPP message_state (SMPP 3.4 §5.2.28), which the other
 * protocols' vocabularies map onto (PROTOCOLS.md §11).
 */
public enum MessageStatus {
    ENROUTE(1, "ENROUTE"),
    DELIVERED(2, "DELIVRD"),
    EXPIRED(3, "EXPIRED"),
    DELETED(4, "DELETED"),
    UNDELIVERABLE(5, "UNDELIV"),
    ACCEPTED(6, "ACCEPTD"),
    UNKNOWN(7, "UNKNOWN"),
    REJECTED(8, "REJECTD");

    private final int smppState;
    private final String receiptStat;

    MessageStatus(int smppState, String receiptStat) {
        this.smppState = smppState;
        this.receiptStat = receiptStat;
    }

    /** SMPP message_state value. */
    public int smppState() {
        return smppState;
    }

    /** The 7-letter "stat:" word of an SMPP receipt. */
    public String receiptStat() {
        return receiptStat;
    }

    /** DELIVERED, EXPIRED, DELETED, UNDELIVERABLE and REJECTED end a message's life. */
    public boolean isFinal() {
        return switch (this) {
            case DELIVERED, EXPIRED, DELETED, UNDELIVERABLE, REJECTED -> true;
            case ENROUTE, ACCEPTED, UNKNOWN -> false;
        };
    }

    public static MessageStatus fromSmppState(int state) {
        for (MessageStatus s : values()) {
            if (s.smppState == state) {
                return s;
            }
        }
        return UNKNOWN;
    }
}

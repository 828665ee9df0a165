package io.mgw.core.model;

/**
 * Which delivery reports the sender asked for (SMPP registered_delivery, MM7 DeliveryReport, REST notifyURL...).
 */
public enum ReportRequest {
    NONE,
    /** Final report on success or failure. */
    FINAL,
    /** Final report on failure only. */
    FAILURE,
    /** Final report on success only (SMPP 5.0). */
    SUCCESS,
    /** Final report plus intermediate notifications. */
    INTERMEDIATE;

    /** Whether a final report with the given status is to be sent. */
    public boolean wants(MessageStatus status) {
        return switch (this) {
            case NONE -> false;
            case FINAL, INTERMEDIATE -> true;
            case FAILURE -> status.isFinal() && status != MessageStatus.DELIVERED;
            case SUCCESS -> status == MessageStatus.DELIVERED;
        } || (this == INTERMEDIATE && !status.isFinal());
    }
}

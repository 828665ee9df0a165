package io.mgw.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The canonical delivery report for one of our messages.
 *
 * @param messageId      our id
 * @param status         the new status
 * @param errorCode      network or SMSC error code, 0 if none
 * @param errorSource    who gave the error ("smsc:&lt;connector&gt;", "gateway", "routing"), "" if none
 * @param submittedAt    when we accepted the message
 * @param doneAt         when this status was reached
 * @param partsDelivered segments delivered so far
 * @param partsTotal     segments in all (1 for a single-part message)
 * @param reason         human-readable reason (e.g. why REJECTED), "" if none
 */
public record DeliveryReport(
        MessageId messageId,
        MessageStatus status,
        int errorCode,
        String errorSource,
        Instant submittedAt,
        Instant doneAt,
        int partsDelivered,
        int partsTotal,
        String reason) {

    public DeliveryReport {
        requireNonNull(messageId, "messageId");
        requireNonNull(status, "status");
        requireNonNull(errorSource, "errorSource");
        requireNonNull(submittedAt, "submittedAt");
        requireNonNull(doneAt, "doneAt");
        requireNonNull(reason, "reason");
    }
}

package io.mgw.smpp.receipt;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.MessageStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A delivery receipt as read from a deliver_sm or data_sm (SMPP 3.4 Appendix B), before id normalisation and
 * correlation.
 *
 * @param remoteId   the SMSC's id of the receipted message, exactly as the peer wrote it (TLV or text)
 * @param submitted  the "sub:" count, if given
 * @param delivered  the "dlvrd:" count, if given
 * @param submitDate the "submit date:", read as UTC, if given and well-formed
 * @param doneDate   the "done date:", read as UTC, if given and well-formed
 * @param status     the state: message_state TLV if present, else the "stat:" word; UNKNOWN if neither is readable
 * @param errorCode  the network_error_code TLV's error if present, else the "err:" value; 0 if none
 * @param text       the "text:" excerpt, "" if none
 */
public record ParsedReceipt(
        String remoteId,
        OptionalInt submitted,
        OptionalInt delivered,
        Optional<Instant> submitDate,
        Optional<Instant> doneDate,
        MessageStatus status,
        int errorCode,
        String text) {

    public ParsedReceipt {
        requireNonNull(remoteId, "remoteId");
        requireNonNull(submitted, "submitted");
        requireNonNull(delivered, "delivered");
        requireNonNull(submitDate, "submitDate");
        requireNonNull(doneDate, "doneDate");
        requireNonNull(status, "status");
        requireNonNull(text, "text");
    }
}

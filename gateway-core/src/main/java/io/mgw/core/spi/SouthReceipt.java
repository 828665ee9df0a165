package io.mgw.core.spi;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.MessageStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * A delivery receipt as an outbound connector received it from its peer, before correlation to our id.
 *
 * @param connector  the connector it came in on
 * @param remoteId   the peer's id for the message, already normalised by the connector's id rule
 * @param status     the reported status
 * @param errorCode  the peer's error code, 0 if none
 * @param submitDate the peer's submit date, if given
 * @param doneDate   the peer's done date, if given
 * @param receivedAt when we received it
 * @param handset    the address the receipted message went to, as the peer wrote it (an SMPP receipt's source
 *                   address), "" if not known; with {@code excerpt}, what lets a receipt whose remote id we never
 *                   learned (the submit's response was lost) be matched to the message
 * @param excerpt    the start of the receipted message's text as the peer quotes it ("text:" of an SMPP receipt),
 *                   at most {@value #EXCERPT} characters kept, "" if none
 */
public record SouthReceipt(
        String connector,
        String remoteId,
        MessageStatus status,
        int errorCode,
        Optional<Instant> submitDate,
        Optional<Instant> doneDate,
        Instant receivedAt,
        String handset,
        String excerpt) {

    /** Characters of the quoted text kept: SMPP receipts quote the first 20 (SMPP 3.4 Appendix B). */
    public static final int EXCERPT = 20;

    public SouthReceipt {
        requireNonNull(handset, "handset");
        requireNonNull(excerpt, "excerpt");
        if (excerpt.length() > EXCERPT) {
            excerpt = excerpt.substring(0, EXCERPT);
        }
    }

    /** A receipt that names neither the handset nor the text. */
    public SouthReceipt(String connector, String remoteId, MessageStatus status, int errorCode,
            Optional<Instant> submitDate, Optional<Instant> doneDate, Instant receivedAt) {
        this(connector, remoteId, status, errorCode, submitDate, doneDate, receivedAt, "", "");
    }
}

package io.mgw.core.spi;

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
 */
public record SouthReceipt(
        String connector,
        String remoteId,
        MessageStatus status,
        int errorCode,
        Optional<Instant> submitDate,
        Optional<Instant> doneDate,
        Instant receivedAt) {}

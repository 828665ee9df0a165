package io.mgw.core.store;

import io.mgw.core.model.MessageEvent;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import java.time.Instant;
import java.util.List;

/**
 * What the store keeps of a message: enough to answer query_sm, REST status queries and the dashboard's trace, and to
 * render a receipt (source, destination, the start of the text).
 *
 * @param id          our id
 * @param account     the account (MT) or connector (MO) it came from
 * @param protocol    the inbound protocol
 * @param kind        the message kind name
 * @param direction   "MT" or "MO"
 * @param source      source address text
 * @param sourceTon   source TON
 * @param sourceNpi   source NPI
 * @param destination destination address text
 * @param destTon     destination TON
 * @param destNpi     destination NPI
 * @param textPreview the first characters of the text (at most 20), "" for binary
 * @param reportRequest the sender's report request name
 * @param receivedAt  when accepted
 * @param validUntil  expiry instant
 * @param status      the current status
 * @param updatedAt   when the status last changed
 * @param errorCode   last error code, 0 if none
 * @param history     events, oldest first
 */
public record MessageRecord(
        MessageId id,
        String account,
        String protocol,
        String kind,
        String direction,
        String source,
        int sourceTon,
        int sourceNpi,
        String destination,
        int destTon,
        int destNpi,
        String textPreview,
        String reportRequest,
        Instant receivedAt,
        Instant validUntil,
        MessageStatus status,
        Instant updatedAt,
        int errorCode,
        List<MessageEvent> history) {

    public MessageRecord {
        history = List.copyOf(history);
    }
}

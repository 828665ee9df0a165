package io.mgw.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One entry of a message's status history.
 *
 * @param at        when it happened
 * @param type      what happened
 * @param status    the message's status after it
 * @param connector the connector involved, "" if none
 * @param detail    free text: remote id, error code, reason; "" if none
 */
public record MessageEvent(Instant at, EventType type, MessageStatus status, String connector, String detail) {

    public MessageEvent {
        requireNonNull(at, "at");
        requireNonNull(type, "type");
        requireNonNull(status, "status");
        requireNonNull(connector, "connector");
        requireNonNull(detail, "detail");
    }
}

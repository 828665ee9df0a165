package io.mgw.core.store;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.MessageId;
import java.time.Instant;

/**
 * A message whose validity has ended without a final status, as found by {@link Store#unsettledExpired}. The
 * validity end doubles as the cursor for the next page.
 *
 * @param id         our id
 * @param validUntil when the message's validity ended
 */
public record UnsettledMessage(MessageId id, Instant validUntil) {

    public UnsettledMessage {
        requireNonNull(id, "id");
        requireNonNull(validUntil, "validUntil");
    }
}

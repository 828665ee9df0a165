package io.mgw.core.store;

import io.mgw.core.model.MessageId;
import java.time.Instant;

/** A (connector, remote id) -> our id mapping, for one part of a message. */
public record Correlation(String connector, String remoteId, MessageId messageId, int part, int parts, Instant createdAt) {}

package io.mgw.core.store;

import java.time.Instant;

/**
 * One part of a multi-part MO message waiting for its siblings.
 *
 * @param key       identifies the whole message (e.g. connector|source|destination|reference|total)
 * @param sequence  1-based part number
 * @param total     number of parts
 * @param payload   the part, encoded by the caller (the wire form of the part's Message)
 * @param expiresAt when the incomplete message is given up
 */
public record Fragment(String key, int sequence, int total, byte[] payload, Instant expiresAt) {}

package io.mgw.core.store;

import java.time.Instant;

/**
 * A receipt whose (connector, remote id) had no correlation yet when it arrived (it raced ahead of the submit
 * response). Kept, retried, and expired after a while — never silently dropped.
 *
 * @param parkId   store-assigned id (0 when parking a new one)
 * @param connector the connector it arrived on
 * @param remoteId  the normalised remote id
 * @param payload   the receipt, encoded by the caller
 * @param parkedAt  when parked
 */
public record ParkedReceipt(long parkId, String connector, String remoteId, byte[] payload, Instant parkedAt) {}

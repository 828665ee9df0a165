package io.mgw.core.model;

import static java.util.Objects.requireNonNull;

/**
 * Where a message came from.
 *
 * @param protocol  the inbound protocol ("smpp", "mm7", "snpp", "rest", ...)
 * @param account   the authenticated account (for MO: the connector it came in on)
 * @param node      the node that accepted it
 * @param reference the sender's own reference (SMPP sequence number, MM7 TransactionID, ...), "" if none
 */
public record Origin(String protocol, String account, String node, String reference) {

    public Origin {
        requireNonNull(protocol, "protocol");
        requireNonNull(account, "account");
        requireNonNull(node, "node");
        requireNonNull(reference, "reference");
    }
}

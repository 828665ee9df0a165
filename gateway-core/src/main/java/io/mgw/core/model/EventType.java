package io.mgw.core.model;

/** A step in a message's life, as recorded in its history. */
public enum EventType {
    /** Accepted from the sender and durable in Kafka. */
    ACCEPTED,
    /** A route rule chose a connector. */
    ROUTED,
    /** Submitted to a connector and acknowledged by the peer (remote id known). */
    SUBMITTED,
    /** Outcome of a submit unknown (response timeout): may or may not have reached the peer. */
    SUBMIT_UNKNOWN,
    /** A submit attempt failed temporarily and will be retried. */
    RETRY,
    /** A delivery report from the south changed the status. */
    REPORT,
    /** Rejected by the gateway (unroutable, not allowed, invalid) or permanently by the peer. */
    REJECTED,
    /** Validity ran out before delivery. */
    EXPIRED,
    /** Cancelled by the sender (cancel_sm). */
    CANCELLED,
    /** A report or MO was handed to the client (deliver_sm_resp, callback 2xx). */
    DELIVERED_TO_CLIENT
}

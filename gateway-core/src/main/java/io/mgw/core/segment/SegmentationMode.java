package io.mgw.core.segment;

/**
 * How a message too long for one SMS is sent (PROTOCOLS.md §1.9; never combine two on one message).
 */
public enum SegmentationMode {
    /** Concatenation UDH with an 8-bit reference, IEI 0x00 (3GPP TS 23.040 §9.2.3.24.1); esm_class UDHI set. */
    UDH8,
    /** Concatenation UDH with a 16-bit reference, IEI 0x08 (3GPP TS 23.040 §9.2.3.24.8); esm_class UDHI set. */
    UDH16,
    /** Plain parts with the SMPP sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs (SMPP 3.4 §5.3.2.22-24). */
    SAR,
    /** One PDU with the whole text in the message_payload TLV 0x0424 (SMPP 3.4 §5.3.2.32); the SMSC segments. */
    PAYLOAD
}

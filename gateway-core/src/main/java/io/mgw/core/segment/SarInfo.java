package io.mgw.core.segment;

/**
 * The SMPP SAR TLVs of one part (SMPP 3.4 §5.3.2.22-24).
 *
 * @param reference sar_msg_ref_num, 0..65535
 * @param total     sar_total_segments, 1..255
 * @param sequence  sar_segment_seqnum, 1..total
 */
public record SarInfo(int reference, int total, int sequence) {

    public SarInfo {
        if (reference < 0 || reference > 0xFFFF) {
            throw new IllegalArgumentException("reference: " + reference + " (expected: 0..65535)");
        }
        if (total < 1 || total > 255) {
            throw new IllegalArgumentException("total: " + total + " (expected: 1..255)");
        }
        if (sequence < 1 || sequence > total) {
            throw new IllegalArgumentException("sequence: " + sequence + " (expected: 1.." + total + ")");
        }
    }
}

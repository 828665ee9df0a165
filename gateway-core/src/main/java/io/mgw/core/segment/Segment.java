package io.mgw.core.segment;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;

/**
 * One PDU's worth of a message, ready for submit_sm / deliver_sm / data_sm.
 *
 * <p>The array is not copied (these are made per message at high rates): neither the producer nor the consumer may
 * modify it.
 *
 * @param sequence     1-based position among the PDUs of this message
 * @param total        number of PDUs of this message
 * @param shortMessage the octets to send: the UDH first when {@code udhi}; the message_payload value when
 *                     {@code payloadTlv} (then sm_length is 0)
 * @param udhi         whether {@code shortMessage} starts with a user data header (set esm_class 0x40)
 * @param dataCoding   the SMPP data_coding to send
 * @param sar          the SAR TLVs to add, in {@link SegmentationMode#SAR} with more than one part
 * @param payloadTlv   whether the octets go in the message_payload TLV instead of short_message
 */
public record Segment(int sequence, int total, byte[] shortMessage, boolean udhi, int dataCoding,
        Optional<SarInfo> sar, boolean payloadTlv) {

    public Segment {
        requireNonNull(shortMessage, "shortMessage");
        requireNonNull(sar, "sar");
        if (total < 1) {
            throw new IllegalArgumentException("total: " + total + " (expected: >= 1)");
        }
        if (sequence < 1 || sequence > total) {
            throw new IllegalArgumentException("sequence: " + sequence + " (expected: 1.." + total + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Segment s && sequence == s.sequence && total == s.total && udhi == s.udhi
                && dataCoding == s.dataCoding && payloadTlv == s.payloadTlv && sar.equals(s.sar)
                && Arrays.equals(shortMessage, s.shortMessage);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(shortMessage);
        h = 31 * h + sequence;
        h = 31 * h + total;
        h = 31 * h + dataCoding;
        h = 31 * h + sar.hashCode();
        return 31 * h + (udhi ? 1 : 0) + (payloadTlv ? 2 : 0);
    }

    @Override
    public String toString() {
        return "Segment[" + sequence + "/" + total + ", " + shortMessage.length + "B, udhi=" + udhi + ", dcs=0x"
                + Integer.toHexString(dataCoding) + sar.map(s -> ", " + s).orElse("")
                + (payloadTlv ? ", message_payload" : "") + "]";
    }
}

package io.mgw.smpp.common;

import static io.mgw.smpp.common.SmppStatus.*;

import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.segment.UserDataHeader;
import io.mgw.core.text.DataCoding;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Turns the user data of a submit_sm, deliver_sm or data_sm into canonical content (SMPP 3.4 §5.2.19, §5.3.2.32;
 * TS 23.040 §9.2.3.24).
 *
 * <ul>
 *   <li>The octets come from short_message, or from message_payload when that TLV is present; a PDU with both
 *       (sm_length &gt; 0 and message_payload) is refused with ESME_RINVMSGLEN (3.4 §5.3.2.32 says sm_length must
 *       then be 0).</li>
 *   <li>esm_class bit 0x40 (UDHI): the octets start with a user data header; its concatenation element (IEI 0x00 or
 *       0x08) becomes the {@link Concat}; text is decoded from the octets after it. A header longer than the data
 *       is ESME_RINVESMCLASS.</li>
 *   <li>SAR TLVs (sar_msg_ref_num, sar_total_segments, sar_segment_seqnum) become a 16-bit {@link Concat}; only
 *       some of them is ESME_RMISSINGTLV, values out of range ESME_RINVTLVVAL.</li>
 *   <li>Text data codings are decoded to Unicode ({@link DataCoding#decode}); binary ones become
 *       {@link Content.Binary} with the UDH kept apart. Octets that do not decode are {@code invalidDcsStatus}.</li>
 *   <li>One exception: a UCS-2 part of a concatenated message that starts or ends inside a surrogate pair (the
 *       sender split an emoji between parts, {@link DataCoding#cutsSurrogatePair}) stays {@link Content.Binary}
 *       with its UCS-2 data_coding, so that the octets go on unchanged and the handset (or the MO reassembly)
 *       joins the pair; decoded alone, each half would become U+FFFD. {@link #isText} still says text.</li>
 * </ul>
 */
public final class UserData {

    /**
     * The canonical form of a PDU's user data.
     *
     * @param content   text or binary
     * @param concat    the sender's concatenation info, if any
     * @param udh       the raw user data header (empty if none), kept for the egress
     * @param octets    the user data length in octets (without UDH), for segment estimates
     */
    public record Decoded(Content content, Optional<Concat> concat, byte[] udh, int octets) {}

    private UserData() {}

    /**
     * @param invalidDcsStatus the status for an invalid data_coding or undecodable text (ESME_RINVDCS for 5.0
     *                         peers, ESME_RSUBMITFAIL before 5.0, which has no such code)
     */
    public static Decoded decode(int dataCoding, int esmClass, byte[] shortMessage, List<Tlv> tlvs,
            int invalidDcsStatus) throws SmppDecodeException {
        if (!DataCoding.isValid(dataCoding)) {
            throw new SmppDecodeException(invalidDcsStatus, String.format("data_coding: 0x%02X not supported", dataCoding));
        }
        byte[] octets = shortMessage;
        Tlv payload = find(tlvs, Tlv.MESSAGE_PAYLOAD);
        if (payload != null) {
            if (shortMessage.length > 0) {
                throw new SmppDecodeException(ESME_RINVMSGLEN,
                        "message_payload together with sm_length " + shortMessage.length + " (expected: 0)");
            }
            octets = payload.value();
        }
        byte[] udh = new byte[0];
        Optional<Concat> concat = Optional.empty();
        if ((esmClass & 0x40) != 0) {
            UserDataHeader header;
            try {
                header = UserDataHeader.parse(octets);
            } catch (IllegalArgumentException e) {
                throw new SmppDecodeException(ESME_RINVESMCLASS, "UDHI set but no valid user data header: "
                        + e.getMessage());
            }
            int udhLength = header.length();
            if (udhLength > octets.length) {
                throw new SmppDecodeException(ESME_RINVESMCLASS, "user data header longer than the data");
            }
            udh = Arrays.copyOf(octets, udhLength);
            octets = Arrays.copyOfRange(octets, udhLength, octets.length);
            concat = header.concat();
        }
        Optional<Concat> sar = sar(tlvs);
        if (sar.isPresent()) {
            if (concat.isPresent()) {
                throw new SmppDecodeException(ESME_RINVTLVVAL, "SAR TLVs and a concatenation UDH on one message");
            }
            concat = sar;
        }
        var text = DataCoding.textEncoding(dataCoding);
        Content content;
        if (concat.isPresent() && DataCoding.cutsSurrogatePair(octets, dataCoding)) {
            // the sender split a character between two parts: decoded alone, each half would be U+FFFD
            content = new Content.Binary(udh, octets, dataCoding);
        } else if (text.isPresent()) {
            try {
                content = new Content.Text(DataCoding.decode(octets, dataCoding));
            } catch (IllegalArgumentException e) {
                throw new SmppDecodeException(invalidDcsStatus, "user data does not decode as data_coding "
                        + String.format("0x%02X: %s", dataCoding, e.getMessage()));
            }
        } else {
            content = new Content.Binary(udh, octets, dataCoding);
        }
        return new Decoded(content, concat, udh, octets.length);
    }

    private static Optional<Concat> sar(List<Tlv> tlvs) throws SmppDecodeException {
        Tlv ref = find(tlvs, Tlv.SAR_MSG_REF_NUM);
        Tlv total = find(tlvs, Tlv.SAR_TOTAL_SEGMENTS);
        Tlv seq = find(tlvs, Tlv.SAR_SEGMENT_SEQNUM);
        if (ref == null && total == null && seq == null) {
            return Optional.empty();
        }
        if (ref == null || total == null || seq == null) {
            throw new SmppDecodeException(ESME_RMISSINGTLV,
                    "SAR needs sar_msg_ref_num, sar_total_segments and sar_segment_seqnum together");
        }
        if (ref.value().length != 2 || total.value().length != 1 || seq.value().length != 1) {
            throw new SmppDecodeException(ESME_RINVTLVLEN, "SAR TLV lengths must be 2, 1 and 1");
        }
        int t = total.intValue();
        int s = seq.intValue();
        if (t < 1 || s < 1 || s > t) {
            throw new SmppDecodeException(ESME_RINVTLVVAL,
                    "sar_segment_seqnum " + s + " of sar_total_segments " + t);
        }
        return Optional.of(new Concat(ref.intValue(), t, s, true));
    }

    private static Tlv find(List<Tlv> tlvs, int tag) {
        for (Tlv t : tlvs) {
            if (t.tag() == tag) {
                return t;
            }
        }
        return null;
    }

    /**
     * Whether the content is text to the user: {@link Content.Text}, or UCS-2 octets kept as {@link Content.Binary}
     * because a surrogate pair was cut at the part's edge.
     */
    public static boolean isText(Content content) {
        return switch (content) {
            case Content.Text t -> true;
            case Content.Binary b -> DataCoding.isUcs2Octets(b.data(), b.dataCoding());
            case Content.Multipart m -> false;
        };
    }

    /** Hex of octets, for attributes. */
    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}

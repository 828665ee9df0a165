package io.mgw.smpp.client;

import static java.util.Objects.requireNonNull;

import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.Message;
import io.mgw.core.segment.SarInfo;
import io.mgw.core.segment.Segment;
import io.mgw.core.segment.SegmentationMode;
import io.mgw.core.segment.SegmentationPolicy;
import io.mgw.core.segment.Segmenter;
import io.mgw.core.text.DataCoding;
import io.mgw.core.text.Gsm7;
import io.mgw.core.text.SmsEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The body of one submit_sm: what varies per segment (SMPP 3.4 §4.4.1, PROTOCOLS.md §1.9).
 *
 * @param esmClass     esm_class (0x40 when short_message starts with a UDH)
 * @param dataCoding   data_coding
 * @param shortMessage short_message octets (empty when the text goes in message_payload)
 * @param payload      message_payload TLV octets, if the text goes there (sm_length is then 0)
 * @param sar          sar_msg_ref_num / sar_total_segments / sar_segment_seqnum, if SAR is used
 */
record SubmitPdu(int esmClass, int dataCoding, byte[] shortMessage, Optional<byte[]> payload, Optional<SarInfo> sar) {

    SubmitPdu {
        requireNonNull(shortMessage, "shortMessage");
        requireNonNull(payload, "payload");
        requireNonNull(sar, "sar");
    }

    /**
     * The PDUs for {@code message} under {@code policy}: split by the {@link Segmenter}, or, when the sender already
     * split it ({@link Message#concat()}), the one part with its concatenation rebuilt in this connector's form.
     *
     * @param reference the concatenation reference for a message we split
     * @throws IllegalArgumentException if the content cannot be sent over SMPP (multipart, too many segments,
     *                                  characters the encoding cannot carry)
     */
    static List<SubmitPdu> of(Message message, SegmentationPolicy policy, int reference) {
        Content content = message.content();
        if (content instanceof Content.Multipart) {
            throw new IllegalArgumentException("multipart content cannot be sent as SMS");
        }
        if (message.concat().isPresent() && content instanceof Content.Binary b
                && DataCoding.isUcs2Octets(b.data(), b.dataCoding())) {
            // UCS-2 octets of a part that begins or ends inside a surrogate pair: sent on unchanged (UserData)
            return List.of(framed(b.data(), b.dataCoding(), message.concat().get(), policy));
        }
        if (content instanceof Content.Binary b && b.udh().length > 0) {
            byte[] sm = concat(b.udh(), b.data());
            return List.of(new SubmitPdu(0x40, b.dataCoding(), sm, Optional.empty(), Optional.empty()));
        }
        if (message.concat().isPresent() && content instanceof Content.Text t) {
            return List.of(prePart(t.text(), message.concat().get(), policy));
        }
        if (message.concat().isPresent() && content instanceof Content.Binary b) {
            Concat c = message.concat().get();
            return List.of(new SubmitPdu(0x40, b.dataCoding(), concat(udh(c), b.data()), Optional.empty(),
                    Optional.empty()));
        }
        List<Segment> segments = Segmenter.split(content, policy, reference);
        List<SubmitPdu> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            if (s.payloadTlv()) {
                out.add(new SubmitPdu(s.udhi() ? 0x40 : 0, s.dataCoding(), new byte[0],
                        Optional.of(s.shortMessage()), Optional.empty()));
            } else {
                out.add(new SubmitPdu(s.udhi() ? 0x40 : 0, s.dataCoding(), s.shortMessage(), Optional.empty(),
                        s.sar()));
            }
        }
        return out;
    }

    /** One part of a message the sender split: its own text, re-encoded, with the same reference/total/seq. */
    private static SubmitPdu prePart(String text, Concat c, SegmentationPolicy policy) {
        SmsEncoding enc = DataCoding.choose(text, policy.encoding());
        return framed(DataCoding.encode(text, enc), DataCoding.dataCodingFor(enc), c, policy);
    }

    /** An encoded part (GSM 7-bit unpacked) with the concatenation in this connector's form: SAR TLVs or a UDH. */
    private static SubmitPdu framed(byte[] body, int dc, Concat c, SegmentationPolicy policy) {
        boolean pack = DataCoding.encodingOf(dc) == SmsEncoding.GSM7 && policy.packGsm7();
        if (policy.mode() == SegmentationMode.SAR) {
            return new SubmitPdu(0, dc, pack ? Gsm7.pack(body, 0) : body, Optional.empty(),
                    Optional.of(new SarInfo(c.reference(), c.total(), c.sequence())));
        }
        byte[] udh = udh(c);
        return new SubmitPdu(0x40, dc, concat(udh, pack ? Gsm7.pack(body, Gsm7.fillBits(udh.length)) : body),
                Optional.empty(), Optional.empty());
    }

    /** TS 23.040 §9.2.3.24.1 / .8: IEI 0x00 (8-bit reference) or 0x08 (16-bit reference). */
    static byte[] udh(Concat c) {
        if (c.wide()) {
            return new byte[] {0x06, 0x08, 0x04, (byte) (c.reference() >>> 8), (byte) c.reference(),
                (byte) c.total(), (byte) c.sequence()};
        }
        return new byte[] {0x05, 0x00, 0x03, (byte) c.reference(), (byte) c.total(), (byte) c.sequence()};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

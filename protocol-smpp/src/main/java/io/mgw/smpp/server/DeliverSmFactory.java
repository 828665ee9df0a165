package io.mgw.smpp.server;

import io.mgw.core.config.AccountConfig;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.segment.Segment;
import io.mgw.core.segment.SegmentationMode;
import io.mgw.core.segment.SegmentationPolicy;
import io.mgw.core.segment.Segmenter;
import io.mgw.core.segment.UserDataHeader;
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.text.DataCoding;
import io.mgw.core.text.EncodingPreference;
import io.mgw.core.text.SmsEncoding;
import io.mgw.smpp.common.ShortMessageDecoder;
import io.mgw.smpp.common.ShortMessagePdu;
import io.mgw.smpp.common.SmppAddress;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.SmppTime;
import io.mgw.smpp.common.Tlv;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Builds the deliver_sm PDUs (SMPP 3.4 §4.6.1) that carry a {@link ClientDelivery} to an ESME.
 *
 * <p><b>Receipts</b>: esm_class 0x04 (0x20 for a non-final, intermediate status), source and destination swapped
 * relative to the original message, data_coding 0 with text whose octets read the same as ASCII
 * ({@link #receiptSafe}), the de-facto text of SMPP 3.4 Appendix B
 * <pre>id:&lt;id&gt; sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:&lt;20 chars&gt;</pre>
 * with the id as the account sees it, dates in UTC, and (3.4 and 5.0 binds) TLVs receipted_message_id, message_state
 * and, when err is not 0, network_error_code (type 3 = GSM, then the code in two octets). err in the text is at most
 * 999 (larger codes are clamped there; network_error_code keeps the full code).
 *
 * <p><b>MO</b>: text in GSM 7-bit (unpacked, data_coding 0) when every character fits, else UCS-2 (0x08); binary as
 * received. A part of a longer message carries its concatenation UDH. Longer than 254 octets: one deliver_sm with
 * message_payload on a 3.4/5.0 bind; on a 3.3 bind (no TLVs) UDH-concatenated parts of at most 153 GSM septets or 67
 * UCS-2 characters, never splitting an escape pair or a surrogate pair.
 */
final class DeliverSmFactory {

    private static final int MAX_SM = 254;
    private static final SegmentationPolicy SPLIT_33 =
            new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 255, false);

    private DeliverSmFactory() {}

    static List<byte[]> build(ClientDelivery delivery, AccountConfig account, int interfaceVersion,
            IntSupplier sequences, IntSupplier concatRefs) {
        return switch (delivery) {
            case ClientDelivery.Report r -> List.of(receipt(r, account, interfaceVersion, sequences.getAsInt()));
            case ClientDelivery.MobileOriginated mo -> mo(mo.message(), interfaceVersion, sequences, concatRefs);
        };
    }

    static String receiptText(DeliveryReport r, String id, String preview) {
        String text = receiptSafe(preview.length() > 20 ? preview.substring(0, 20) : preview);
        int sub = Math.max(1, r.partsTotal());
        int dlvrd = r.status() == MessageStatus.DELIVERED ? Math.max(r.partsDelivered(), sub) : r.partsDelivered();
        return String.format("id:%s sub:%03d dlvrd:%03d submit date:%s done date:%s stat:%s err:%03d text:%s", id,
                sub, Math.min(dlvrd, 999), SmppTime.formatReceipt(r.submittedAt()), SmppTime.formatReceipt(r.doneAt()),
                r.status().receiptStat(), receiptErr(r.errorCode()), text);
    }

    /** Highest error code the receipt text's three-digit err field can show. */
    static final int MAX_RECEIPT_ERR = 999;

    /**
     * The receipt text's err field is three digits: a code outside 0..999 is shown as 999 (clamped, so that it still
     * reads as "an error", never as a different, smaller code). The full code travels in network_error_code.
     */
    static int receiptErr(int errorCode) {
        return errorCode < 0 || errorCode > MAX_RECEIPT_ERR ? MAX_RECEIPT_ERR : errorCode;
    }

    /**
     * Receipt parsers read the text as ASCII; GSM 7-bit (data_coding 0) and ASCII agree on letters, digits, space and
     * most punctuation. Anything else in the preview (accents, '@', '$', '_', brackets, other scripts) becomes '?', so
     * the octets mean the same under either reading and never contain a NUL.
     */
    static String receiptSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean same = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || " !\"#%&'()*+,-./:;<=>?".indexOf(c) >= 0;
            b.append(same ? c : '?');
        }
        return b.toString();
    }

    private static byte[] receipt(ClientDelivery.Report r, AccountConfig account, int version, int seq) {
        DeliveryReport report = r.report();
        String id = MessageIds.render(report.messageId(), account);
        byte[] sm = DataCoding.encode(receiptText(report, id, r.textPreview()), SmsEncoding.GSM7);
        List<Tlv> tlvs = new ArrayList<>(3);
        if (version >= 0x34) {
            tlvs.add(Tlv.ofCString(Tlv.RECEIPTED_MESSAGE_ID, id));
            tlvs.add(Tlv.ofByte(Tlv.MESSAGE_STATE, report.status().smppState()));
            if (report.errorCode() != 0) {
                int err = report.errorCode() & 0xFFFF;
                tlvs.add(new Tlv(Tlv.NETWORK_ERROR_CODE, new byte[] {3, (byte) (err >>> 8), (byte) err}));
            }
        }
        int esm = report.status().isFinal() ? 0x04 : 0x20;
        return deliver(seq, SmppAddress.fromCanonical(r.destination()),
                SmppAddress.fromCanonical(r.source()), esm, 0, DataCoding.SMSC_DEFAULT, sm, tlvs);
    }

    private static List<byte[]> mo(Message m, int version, IntSupplier sequences, IntSupplier concatRefs) {
        SmppAddress src = SmppAddress.fromCanonical(m.source());
        SmppAddress dst = SmppAddress.fromCanonical(m.destination());
        int pid = m.attribute("smpp.protocol_id").map(Integer::parseInt).orElse(0);
        List<Tlv> extra = version >= 0x34 ? tlvsFromAttributes(m.attributes()) : List.of();
        byte[] udh;
        byte[] body;
        int dc;
        int esm = 0;
        switch (m.content()) {
            case Content.Text t -> {
                SmsEncoding enc = DataCoding.choose(t.text(), EncodingPreference.GSM7_OR_UCS2);
                dc = DataCoding.dataCodingFor(enc);
                udh = m.concat().map(DeliverSmFactory::concatUdh).orElse(new byte[0]);
                body = DataCoding.encode(t.text(), enc);
                if (udh.length + body.length > MAX_SM && version < 0x34) {
                    return splitText(t.text(), src, dst, pid, sequences, concatRefs.getAsInt() & 0xFF);
                }
            }
            case Content.Binary b -> {
                dc = b.dataCoding();
                udh = b.udh().length > 0 ? b.udh() : m.concat().map(DeliverSmFactory::concatUdh).orElse(new byte[0]);
                body = b.data();
            }
            case Content.Multipart mp -> throw new IllegalArgumentException("multipart content cannot go in deliver_sm");
        }
        if (udh.length > 0) {
            esm |= 0x40;
        }
        byte[] ud = concat(udh, body);
        if (ud.length <= MAX_SM) {
            return List.of(deliver(sequences.getAsInt(), src, dst, esm, pid, dc, ud, extra));
        }
        if (version < 0x34) {
            throw new IllegalArgumentException("binary MO of " + ud.length + " octets does not fit a 3.3 deliver_sm");
        }
        List<Tlv> tlvs = new ArrayList<>(extra);
        tlvs.add(new Tlv(Tlv.MESSAGE_PAYLOAD, ud));
        return List.of(deliver(sequences.getAsInt(), src, dst, esm, pid, dc, new byte[0], tlvs));
    }

    /** Splits text into UDH-concatenated parts (8-bit reference) for binds without message_payload. */
    private static List<byte[]> splitText(String text, SmppAddress src, SmppAddress dst, int pid,
            IntSupplier sequences, int ref) {
        List<byte[]> pdus = new ArrayList<>();
        for (Segment seg : Segmenter.split(new Content.Text(text), SPLIT_33, ref)) {
            pdus.add(deliver(sequences.getAsInt(), src, dst, seg.udhi() ? 0x40 : 0, pid, seg.dataCoding(),
                    seg.shortMessage(), List.of()));
        }
        return pdus;
    }

    static byte[] concatUdh(Concat c) {
        return c.wide() ? UserDataHeader.concat16(c.reference(), c.total(), c.sequence())
                : UserDataHeader.concat8(c.reference(), c.total(), c.sequence());
    }

    private static List<Tlv> tlvsFromAttributes(Map<String, String> attrs) {
        List<Tlv> out = new ArrayList<>();
        for (var e : attrs.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("smpp.tlv.") && k.length() == 13) {
                try {
                    int tag = Integer.parseInt(k.substring(9), 16);
                    if (tag != Tlv.MESSAGE_PAYLOAD) {
                        out.add(new Tlv(tag, HexFormat.of().parseHex(e.getValue())));
                    }
                } catch (IllegalArgumentException ignored) {
                    // not a TLV we wrote: skip it
                }
            }
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream(a.length + b.length);
        o.writeBytes(a);
        o.writeBytes(b);
        return o.toByteArray();
    }

    private static byte[] deliver(int seq, SmppAddress src, SmppAddress dst, int esm, int pid, int dc, byte[] sm,
            List<Tlv> tlvs) {
        return ShortMessageDecoder.encode(new ShortMessagePdu(SmppCommand.DELIVER_SM, seq, "", src,
                List.of(new ShortMessagePdu.Destination.Sme(dst)), esm, pid, 0, "", "", 0, 0, dc, 0, sm, tlvs));
    }
}

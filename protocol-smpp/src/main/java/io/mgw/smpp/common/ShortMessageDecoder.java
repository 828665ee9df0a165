package io.mgw.smpp.common;

import static io.mgw.smpp.common.SmppStatus.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Strict decoders for the message-carrying PDUs, from whole PDU octets (header included). Field limits follow
 * SMPP 3.4 §4 (C-Octet String maxima include the NUL). Errors carry the status the peer gets:
 * <ul>
 *   <li>body ends inside a mandatory field: ESME_RINVCMDLEN (the frame length lies about its content);
 *   <li>sm_length larger than what is left: ESME_RINVMSGLEN;
 *   <li>an over-long address or time: ESME_RINVSRCADR / ESME_RINVDSTADR / ESME_RINVSCHED / ESME_RINVEXPIRY;
 *   <li>a broken TLV: ESME_RINVTLVSTREAM or ESME_RINVTLVLEN.
 * </ul>
 */
public final class ShortMessageDecoder {

    private ShortMessageDecoder() {}

    public static int commandId(byte[] pdu) {
        return ((pdu[4] & 0xFF) << 24) | ((pdu[5] & 0xFF) << 16) | ((pdu[6] & 0xFF) << 8) | (pdu[7] & 0xFF);
    }

    public static int sequence(byte[] pdu) {
        return ((pdu[12] & 0xFF) << 24) | ((pdu[13] & 0xFF) << 16) | ((pdu[14] & 0xFF) << 8) | (pdu[15] & 0xFF);
    }

    /** submit_sm (SMPP 3.4 §4.4.1) or deliver_sm (§4.6.1), which share one layout. */
    public static ShortMessagePdu submitOrDeliver(byte[] pdu) throws SmppDecodeException {
        PduBodyReader r = new PduBodyReader(pdu, 16);
        String serviceType = r.cString("service_type", 6, ESME_RINVSERTYP);
        SmppAddress source = address(r, "source_addr", 21, ESME_RINVSRCADR);
        SmppAddress dest = address(r, "destination_addr", 21, ESME_RINVDSTADR);
        return rest(pdu, r, serviceType, source, List.of(new ShortMessagePdu.Destination.Sme(dest)));
    }

    /** submit_multi (SMPP 3.4 §4.5.1). */
    public static ShortMessagePdu submitMulti(byte[] pdu) throws SmppDecodeException {
        PduBodyReader r = new PduBodyReader(pdu, 16);
        String serviceType = r.cString("service_type", 6, ESME_RINVSERTYP);
        SmppAddress source = address(r, "source_addr", 21, ESME_RINVSRCADR);
        int n = r.u8("number_of_dests");
        if (n < 1 || n > 254) {
            throw new SmppDecodeException(ESME_RINVNUMDESTS, "number_of_dests: " + n + " (expected: 1..254)");
        }
        List<ShortMessagePdu.Destination> dests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int flag = r.u8("dest_flag");
            switch (flag) {
                case 1 -> dests.add(new ShortMessagePdu.Destination.Sme(
                        address(r, "destination_addr", 21, ESME_RINVDSTADR)));
                case 2 -> dests.add(new ShortMessagePdu.Destination.DistributionList(
                        r.cString("dl_name", 21, ESME_RINVDLNAME)));
                default -> throw new SmppDecodeException(ESME_RINVDESTFLAG, "dest_flag: " + flag);
            }
        }
        return rest(pdu, r, serviceType, source, dests);
    }

    /** data_sm (SMPP 3.4 §4.7.1): the payload travels in message_payload. */
    public static ShortMessagePdu dataSm(byte[] pdu) throws SmppDecodeException {
        PduBodyReader r = new PduBodyReader(pdu, 16);
        String serviceType = r.cString("service_type", 6, ESME_RINVSERTYP);
        SmppAddress source = address(r, "source_addr", 65, ESME_RINVSRCADR);
        SmppAddress dest = address(r, "destination_addr", 65, ESME_RINVDSTADR);
        int esmClass = r.u8("esm_class");
        int registeredDelivery = r.u8("registered_delivery");
        int dataCoding = r.u8("data_coding");
        List<Tlv> tlvs = r.tlvs();
        return new ShortMessagePdu(commandId(pdu), sequence(pdu), serviceType, source,
                List.of(new ShortMessagePdu.Destination.Sme(dest)), esmClass, 0, 0, "", "", registeredDelivery, 0,
                dataCoding, 0, new byte[0], tlvs);
    }

    private static ShortMessagePdu rest(byte[] pdu, PduBodyReader r, String serviceType, SmppAddress source,
            List<ShortMessagePdu.Destination> dests) throws SmppDecodeException {
        int esmClass = r.u8("esm_class");
        int protocolId = r.u8("protocol_id");
        int priority = r.u8("priority_flag");
        String schedule = r.cString("schedule_delivery_time", 17, ESME_RINVSCHED);
        String validity = r.cString("validity_period", 17, ESME_RINVEXPIRY);
        int registeredDelivery = r.u8("registered_delivery");
        int replace = r.u8("replace_if_present_flag");
        int dataCoding = r.u8("data_coding");
        int defaultMsgId = r.u8("sm_default_msg_id");
        int smLength = r.u8("sm_length");
        byte[] sm = r.octets("short_message", smLength, ESME_RINVMSGLEN);
        List<Tlv> tlvs = r.tlvs();
        return new ShortMessagePdu(commandId(pdu), sequence(pdu), serviceType, source, dests, esmClass, protocolId,
                priority, schedule, validity, registeredDelivery, replace, dataCoding, defaultMsgId, sm, tlvs);
    }

    private static SmppAddress address(PduBodyReader r, String field, int max, int tooLong)
            throws SmppDecodeException {
        int ton = r.u8(field + "_ton");
        int npi = r.u8(field + "_npi");
        return new SmppAddress(ton, npi, r.cString(field, max, tooLong));
    }

    /** Encodes a submit_sm or deliver_sm body from a decoded form (used for deliver_sm toward ESMEs). */
    public static byte[] encode(ShortMessagePdu m) {
        PduWriter w = new PduWriter(m.commandId(), 0, m.sequence(), 64 + m.shortMessage().length);
        w.cString(m.serviceType());
        w.u8(m.source().ton()).u8(m.source().npi()).cString(m.source().address());
        SmppAddress d = m.destination();
        w.u8(d.ton()).u8(d.npi()).cString(d.address());
        w.u8(m.esmClass()).u8(m.protocolId()).u8(m.priority());
        w.cString(m.scheduleDeliveryTime()).cString(m.validityPeriod());
        w.u8(m.registeredDelivery()).u8(m.replaceIfPresent()).u8(m.dataCoding()).u8(m.smDefaultMsgId());
        w.u8(m.shortMessage().length).octets(m.shortMessage());
        w.tlvs(m.tlvs());
        return w.toBytes();
    }
}

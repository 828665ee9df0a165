package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;

import io.mgw.smpp.common.PduBodyReader;
import io.mgw.smpp.common.SmppAddress;
import io.mgw.smpp.common.SmppDecodeException;
import java.util.Set;

/**
 * The request bodies {@link ServerSession} reads itself, apart from the message-carrying ones
 * ({@link io.mgw.smpp.common.ShortMessageDecoder}): the bind, screened before jSMPP decodes it, and the query_sm and
 * cancel_sm bodies. No session state: a body that cannot be read ends in an {@link SmppDecodeException} carrying the
 * status to answer with. C-Octet Strings are read with their SMPP 3.4 maximum (NUL included): a string without a NUL
 * within it is refused with the field's status, a body that ends first with ESME_RINVCMDLEN.
 */
final class RequestBodies {

    /** NPI values jSMPP 3.0.2 has constants for (SMPP 3.4 §5.2.6). */
    static final Set<Integer> KNOWN_NPI = Set.of(0, 1, 3, 4, 6, 8, 9, 10, 14, 18);

    private RequestBodies() {}

    /**
     * A bind body as the ESME sent it (SMPP 3.4 §4.1.1).
     *
     * @param systemId         at most 15 octets
     * @param password         at most 8 octets
     * @param systemType       at most 12 octets
     * @param interfaceVersion as sent
     * @param addrTon          as sent
     * @param addrNpi          as sent
     * @param addressRange     at most 40 octets
     * @param effectiveVersion the version the session is served with: 0x33, 0x34 or 0x50
     */
    record Bind(String systemId, String password, String systemType, int interfaceVersion, int addrTon, int addrNpi,
            String addressRange, int effectiveVersion) {}

    /**
     * Reads a bind PDU's body and rewrites, in {@code pdu}, the values jSMPP cannot represent, so that its decoder
     * and {@code BindRequest} accept what passes: interface versions below 0x33 and 0x35-0x4F become 0x34, above
     * 0x50 become 0x50; addr_ton above 6 and addr_npi values jSMPP lacks become 0 (we do not use address_range).
     * Octets after address_range are left as they are (jSMPP ignores them).
     *
     * @param pdu the whole bind PDU, header included; changed in place as above
     * @throws SmppDecodeException ESME_RINVSYSID, ESME_RINVPASWD, ESME_RINVSYSTYP or ESME_RBINDFAIL (address_range)
     *                             for a string too long, ESME_RINVCMDLEN for a body that ends before address_range's
     *                             NUL
     */
    static Bind screenBind(byte[] pdu) throws SmppDecodeException {
        PduBodyReader r = new PduBodyReader(pdu, 16);
        String systemId = r.cString("system_id", 16, ESME_RINVSYSID);
        String password = r.cString("password", 9, ESME_RINVPASWD);
        String systemType = r.cString("system_type", 13, ESME_RINVSYSTYP);
        int versionAt = r.position();
        int version = r.u8("interface_version");
        int tonAt = r.position();
        int ton = r.u8("addr_ton");
        int npi = r.u8("addr_npi");
        String addressRange = r.cString("address_range", 41, ESME_RBINDFAIL);
        // jSMPP's BindRequest maps addr_ton/addr_npi to enums and fails the bind on values it lacks; we do not use
        // address_range, so unknown values become 0 (unknown) rather than a refused bind.
        if (ton > 6) {
            pdu[tonAt] = 0;
        }
        if (!KNOWN_NPI.contains(npi)) {
            pdu[tonAt + 1] = 0;
        }
        int effective = version == 0x33 || version == 0x34 || version == 0x50 ? version
                : version > 0x50 ? 0x50 : 0x34;
        if (effective != version) {
            pdu[versionAt] = (byte) effective;
        }
        return new Bind(systemId, password, systemType, version, ton, npi, addressRange, effective);
    }

    /**
     * A query_sm body (SMPP 3.4 §4.8.1).
     *
     * @param messageId at most 64 octets, as sent (not yet parsed against the account's id format)
     * @param source    source_addr at most 20 octets
     */
    record Query(String messageId, SmppAddress source) {}

    /**
     * Reads a query_sm PDU's body; octets after source_addr are ignored.
     *
     * @throws SmppDecodeException ESME_RINVMSGID or ESME_RINVSRCADR for a string too long, ESME_RINVCMDLEN for a body
     *                             that ends before source_addr's NUL
     */
    static Query query(byte[] pdu) throws SmppDecodeException {
        PduBodyReader r = new PduBodyReader(pdu, 16);
        String messageId = r.cString("message_id", 65, ESME_RINVMSGID);
        int ton = r.u8("source_addr_ton");
        int npi = r.u8("source_addr_npi");
        String source = r.cString("source_addr", 21, ESME_RINVSRCADR);
        return new Query(messageId, new SmppAddress(ton, npi, source));
    }

    /**
     * A cancel_sm body (SMPP 3.4 §4.9.1).
     *
     * @param serviceType at most 5 octets
     * @param messageId   at most 64 octets, never empty, as sent (not yet parsed against the account's id format)
     * @param source      source_addr at most 20 octets
     * @param destination destination_addr at most 20 octets
     */
    record Cancel(String serviceType, String messageId, SmppAddress source, SmppAddress destination) {}

    /**
     * Reads a cancel_sm PDU's body; octets after destination_addr are ignored.
     *
     * @throws SmppDecodeException ESME_RINVSERTYP, ESME_RINVMSGID, ESME_RINVSRCADR or ESME_RINVDSTADR for a string too
     *                             long, ESME_RINVCMDLEN for a body that ends before destination_addr's NUL, then
     *                             ESME_RCANCELFAIL for an empty message_id (cancelling by service_type and addresses
     *                             is not supported)
     */
    static Cancel cancel(byte[] pdu) throws SmppDecodeException {
        PduBodyReader r = new PduBodyReader(pdu, 16);
        String serviceType = r.cString("service_type", 6, ESME_RINVSERTYP);
        String messageId = r.cString("message_id", 65, ESME_RINVMSGID);
        int sourceTon = r.u8("source_addr_ton");
        int sourceNpi = r.u8("source_addr_npi");
        String source = r.cString("source_addr", 21, ESME_RINVSRCADR);
        int destTon = r.u8("dest_addr_ton");
        int destNpi = r.u8("dest_addr_npi");
        String destination = r.cString("destination_addr", 21, ESME_RINVDSTADR);
        if (messageId.isEmpty()) {
            throw new SmppDecodeException(ESME_RCANCELFAIL, "cancel_sm without message_id is not supported");
        }
        return new Cancel(serviceType, messageId, new SmppAddress(sourceTon, sourceNpi, source),
                new SmppAddress(destTon, destNpi, destination));
    }
}

package io.mgw.testkit.smsc;

import java.util.Map;
import java.util.Optional;

/**
 * A submit_sm the simulator took, as it came off the wire (SMPP 3.4 §4.4.1), for assertions in tests.
 *
 * @param systemId           the bind's system_id
 * @param sequence           the PDU's sequence_number
 * @param serviceType        service_type
 * @param sourceTon          source_addr_ton
 * @param sourceNpi          source_addr_npi
 * @param source             source_addr
 * @param destTon            dest_addr_ton
 * @param destNpi            dest_addr_npi
 * @param destination        destination_addr
 * @param esmClass           esm_class (0x40 = UDHI)
 * @param registeredDelivery registered_delivery
 * @param dataCoding         data_coding
 * @param shortMessage       short_message octets (with the UDH when esm_class has UDHI)
 * @param tlvs               optional parameters: tag -> value octets
 * @param messageId          the id the simulator answered with ("" when it did not answer)
 * @param validityPeriod     validity_period as sent ("" for the SMSC default)
 * @param priority           priority_flag
 */
public record ReceivedSubmit(
        String systemId,
        int sequence,
        String serviceType,
        int sourceTon,
        int sourceNpi,
        String source,
        int destTon,
        int destNpi,
        String destination,
        int esmClass,
        int registeredDelivery,
        int dataCoding,
        byte[] shortMessage,
        Map<Integer, byte[]> tlvs,
        String messageId,
        String validityPeriod,
        int priority) {

    public ReceivedSubmit {
        tlvs = Map.copyOf(tlvs);
    }

    /** True when esm_class has the UDHI bit (0x40). */
    public boolean udhi() {
        return (esmClass & 0x40) != 0;
    }

    /** The value of one optional parameter, if present. */
    public Optional<byte[]> tlv(int tag) {
        return Optional.ofNullable(tlvs.get(tag));
    }

    /** The text octets: message_payload when present, else short_message. */
    public byte[] payload() {
        return tlv(0x0424).orElse(shortMessage);
    }
}

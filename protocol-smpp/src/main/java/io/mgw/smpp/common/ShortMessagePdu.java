package io.mgw.smpp.common;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The decoded body of submit_sm, deliver_sm, data_sm or submit_multi (SMPP 3.4 §4.4.1, §4.6.1, §4.7.1, §4.5.1). For
 * data_sm the fields it lacks (protocol_id, priority, times, replace flag, default message id, short_message) are 0 or
 * empty.
 *
 * @param commandId          which PDU
 * @param sequence           its sequence_number
 * @param serviceType        service_type, "" for default
 * @param source             source address
 * @param destinations       one destination, several for submit_multi
 * @param esmClass           esm_class
 * @param protocolId         protocol_id
 * @param priority           priority_flag
 * @param scheduleDeliveryTime schedule_delivery_time text, "" for immediate
 * @param validityPeriod     validity_period text, "" for default
 * @param registeredDelivery registered_delivery
 * @param replaceIfPresent   replace_if_present_flag
 * @param dataCoding         data_coding
 * @param smDefaultMsgId     sm_default_msg_id
 * @param shortMessage       short_message octets (sm_length of them)
 * @param tlvs               optional parameters, in wire order
 */
public record ShortMessagePdu(
        int commandId,
        int sequence,
        String serviceType,
        SmppAddress source,
        List<Destination> destinations,
        int esmClass,
        int protocolId,
        int priority,
        String scheduleDeliveryTime,
        String validityPeriod,
        int registeredDelivery,
        int replaceIfPresent,
        int dataCoding,
        int smDefaultMsgId,
        byte[] shortMessage,
        List<Tlv> tlvs) {

    public ShortMessagePdu {
        requireNonNull(serviceType, "serviceType");
        requireNonNull(source, "source");
        destinations = List.copyOf(destinations);
        requireNonNull(scheduleDeliveryTime, "scheduleDeliveryTime");
        requireNonNull(validityPeriod, "validityPeriod");
        requireNonNull(shortMessage, "shortMessage");
        tlvs = List.copyOf(tlvs);
    }

    /** A submit_multi destination (SMPP 3.4 §4.5.1.1): an SME address or a distribution list name. */
    public sealed interface Destination {
        /** dest_flag 1. */
        record Sme(SmppAddress address) implements Destination {}

        /** dest_flag 2. */
        record DistributionList(String name) implements Destination {}
    }

    /** The first TLV with this tag. */
    public Optional<Tlv> tlv(int tag) {
        for (Tlv t : tlvs) {
            if (t.tag() == tag) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The single destination of submit_sm, deliver_sm or data_sm. */
    public SmppAddress destination() {
        return ((Destination.Sme) destinations.get(0)).address();
    }
}

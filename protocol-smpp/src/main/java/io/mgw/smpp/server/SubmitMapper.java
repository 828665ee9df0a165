package io.mgw.smpp.server;

import static io.mgw.smpp.common.SmppStatus.*;

import io.mgw.core.config.AccountConfig;
import io.mgw.core.model.Content;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import io.mgw.core.segment.SegmentationMode;
import io.mgw.core.segment.SegmentationPolicy;
import io.mgw.core.segment.Segmenter;
import io.mgw.core.text.EncodingPreference;
import io.mgw.smpp.common.ShortMessagePdu;
import io.mgw.smpp.common.SmppAddress;
import io.mgw.smpp.common.SmppCommand;
import io.mgw.smpp.common.SmppDecodeException;
import io.mgw.smpp.common.SmppTime;
import io.mgw.smpp.common.Tlv;
import io.mgw.smpp.common.UserData;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a decoded submit_sm, data_sm or submit_multi onto the canonical {@link Message} (one per destination).
 *
 * <ul>
 *   <li>Destination: empty or not allowed for the account ({@link AccountConfig#mayReach}) is ESME_RINVDSTADR.</li>
 *   <li>priority_flag above 3 is ESME_RINVPRTFLG.</li>
 *   <li>registered_delivery bits 1-0: 0 none, 1 final, 2 failure only, 3 success only (5.0); bit 4 (0x10) adds
 *       intermediate notifications (SMPP 3.4 §5.2.17), honoured only together with bits 1-0 = 1 (0x11): with
 *       failure-only, success-only or no final report the intermediate notifications are dropped, as
 *       {@link ReportRequest} cannot express those combinations.</li>
 *   <li>schedule_delivery_time / validity_period: absolute or relative (SMPP 3.4 §7.1.1); unparsable is
 *       ESME_RINVSCHED / ESME_RINVEXPIRY; no validity means the account's default; a validity already past is
 *       ESME_RINVEXPIRY.</li>
 *   <li>User data: {@link UserData#decode}; invalid data_coding is ESME_RINVDCS (0x104) on a 5.0 bind and
 *       ESME_RSUBMITFAIL (0x45) on 3.3/3.4 binds, which have no code for it.</li>
 *   <li>Attributes: service_type, protocol_id, esm_class, data_coding and a text message's UDH as "smpp.*"; every
 *       TLV not consumed here kept verbatim as "smpp.tlv.&lt;hex tag&gt;" = hex value.</li>
 * </ul>
 */
final class SubmitMapper {

    private SubmitMapper() {}

    /** The decoded user data plus the parts of the PDU shared by all destinations. */
    record Prepared(UserData.Decoded data, ReportRequest reportRequest, Optional<Instant> scheduleAt,
            Instant validUntil, Map<String, String> attributes, int segments) {}

    static Prepared prepare(ShortMessagePdu p, AccountConfig account, int interfaceVersion, Instant now)
            throws SmppDecodeException {
        if (p.priority() > 3) {
            throw new SmppDecodeException(ESME_RINVPRTFLG, "priority_flag: " + p.priority() + " (expected: 0..3)");
        }
        ReportRequest report = reportRequest(p.registeredDelivery());
        Optional<Instant> schedule;
        try {
            schedule = SmppTime.parse(p.scheduleDeliveryTime(), now);
        } catch (IllegalArgumentException e) {
            throw new SmppDecodeException(ESME_RINVSCHED, e.getMessage());
        }
        Instant validUntil;
        try {
            validUntil = SmppTime.parse(p.validityPeriod(), now).orElse(now.plus(account.defaultValidity()));
        } catch (IllegalArgumentException e) {
            throw new SmppDecodeException(ESME_RINVEXPIRY, e.getMessage());
        }
        if (!validUntil.isAfter(now)) {
            throw new SmppDecodeException(ESME_RINVEXPIRY, "validity_period already past: " + validUntil);
        }
        int invalidDcs = interfaceVersion >= 0x50 ? ESME_RINVDCS : ESME_RSUBMITFAIL;
        UserData.Decoded data = UserData.decode(p.dataCoding(), p.esmClass(), p.shortMessage(), p.tlvs(), invalidDcs);
        Map<String, String> attrs = new HashMap<>();
        if (!p.serviceType().isEmpty()) {
            attrs.put("smpp.service_type", p.serviceType());
        }
        if (p.protocolId() != 0) {
            attrs.put("smpp.protocol_id", Integer.toString(p.protocolId()));
        }
        if (p.esmClass() != 0) {
            attrs.put("smpp.esm_class", Integer.toString(p.esmClass()));
        }
        if (p.dataCoding() != 0) {
            attrs.put("smpp.data_coding", Integer.toString(p.dataCoding()));
        }
        if (p.commandId() == SmppCommand.DATA_SM) {
            attrs.put("smpp.command", "data_sm");
        }
        if (data.udh().length > 0 && data.content() instanceof Content.Text) {
            attrs.put("smpp.udh", UserData.hex(data.udh()));
        }
        for (Tlv t : p.tlvs()) {
            switch (t.tag()) {
                case Tlv.MESSAGE_PAYLOAD, Tlv.SAR_MSG_REF_NUM, Tlv.SAR_TOTAL_SEGMENTS, Tlv.SAR_SEGMENT_SEQNUM -> { }
                default -> attrs.put(t.attributeKey(), t.hexValue());
            }
        }
        return new Prepared(data, report, schedule, validUntil, attrs, segments(data));
    }

    /** Checks one destination and builds its message. */
    static Message message(ShortMessagePdu p, Prepared prep, SmppAddress dest, AccountConfig account, String node,
            MessageId id, Instant now) throws SmppDecodeException {
        checkDestination(dest, account);
        return new Message(id,
                UserData.isText(prep.data().content()) ? Kind.SMS_TEXT : Kind.SMS_BINARY,
                Direction.MT,
                new Origin("smpp", account.id(), node, Integer.toString(p.sequence())),
                p.source().toCanonical(),
                java.util.List.of(dest.toCanonical()),
                prep.data().content(),
                p.priority(),
                now,
                prep.validUntil(),
                prep.scheduleAt(),
                prep.reportRequest(),
                prep.data().concat(),
                prep.attributes());
    }

    static void checkDestination(SmppAddress dest, AccountConfig account) throws SmppDecodeException {
        if (dest.address().isEmpty()) {
            throw new SmppDecodeException(ESME_RINVDSTADR, "destination_addr empty");
        }
        if (!account.mayReach(dest.address())) {
            throw new SmppDecodeException(ESME_RINVDSTADR, "destination not allowed for this account");
        }
    }

    static ReportRequest reportRequest(int registeredDelivery) {
        ReportRequest base = switch (registeredDelivery & 0x03) {
            case 1 -> ReportRequest.FINAL;
            case 2 -> ReportRequest.FAILURE;
            case 3 -> ReportRequest.SUCCESS;
            default -> ReportRequest.NONE;
        };
        // Bits 1-0 decide which final reports go out. ReportRequest can only add intermediate notifications to "all
        // final reports", so bit 4 counts only with bits 1-0 = 1 (0x11). With any other bits 1-0 (0x10 none, 0x12
        // failure only, 0x13 success only) the intermediate notifications are dropped: sending a final report the
        // client did not ask for would be worse than missing an intermediate one.
        return base == ReportRequest.FINAL && (registeredDelivery & 0x10) != 0 ? ReportRequest.INTERMEDIATE : base;
    }

    /** The split an SMSC connector typically uses; only for counting segments against the account's rate. */
    private static final SegmentationPolicy COUNTING =
            new SegmentationPolicy(EncodingPreference.GSM7_OR_UCS2, SegmentationMode.UDH8, 255, false);

    /**
     * Segments the message will take toward an SMSC, for the account's rate limit: a part the client split itself is
     * one; otherwise what {@link Segmenter#count} says for GSM 7-bit/UCS-2 with UDH (160/153 septets, 70/67 UCS-2
     * characters, 140/134 octets).
     */
    static int segments(UserData.Decoded d) {
        if (d.concat().isPresent()) {
            return 1;
        }
        try {
            return Segmenter.count(d.content(), COUNTING);
        } catch (IllegalArgumentException e) {
            int octets = d.octets();
            return octets <= 140 ? 1 : (octets + 133) / 134;
        }
    }
}

package io.mgw.core.wire;

import io.mgw.core.model.Address;
import io.mgw.core.model.AddressType;
import io.mgw.core.model.Concat;
import io.mgw.core.model.Content;
import io.mgw.core.model.DeliveryReport;
import io.mgw.core.model.Direction;
import io.mgw.core.model.Kind;
import io.mgw.core.model.Message;
import io.mgw.core.model.MessageId;
import io.mgw.core.model.MessageStatus;
import io.mgw.core.model.Origin;
import io.mgw.core.model.ReportRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Records with every field set to a non-default value, shared by the wire tests. */
final class Fixtures {

    static final MessageId ID = new MessageId(0x0123456789ABCDEFL, 0xFEDCBA9876543210L);
    static final Instant RECEIVED = Instant.parse("2026-11-23T09:15:30.123456789Z");

    private Fixtures() {}

    /** A message with every field, including the optional ones, set. */
    static Message fullMessage() {
        return new Message(
                ID,
                Kind.SMS_TEXT,
                Direction.MO,
                new Origin("smpp", "acme", "node-7", "seq:4711"),
                new Address(AddressType.ALPHANUMERIC, "ACME", 5, 0),
                List.of(Address.msisdn("4915112345678"), new Address(AddressType.SHORT_CODE, "12345", 3, 9)),
                new Content.Text("Grüße 👋 Ωμέγα 漢字 €"),
                3,
                RECEIVED,
                RECEIVED.plusSeconds(86_400),
                Optional.of(RECEIVED.plusSeconds(600)),
                ReportRequest.INTERMEDIATE,
                Optional.of(new Concat(0xBEEF, 3, 2, true)),
                Map.of("smpp.tlv.1403", "0a0b", "smpp.service_type", "CMT", "ünï", "cödé ✓"));
    }

    /** A message with every optional field absent and every defaultable field at its default. */
    static Message minimalMessage() {
        return new Message(
                new MessageId(0, 0),
                Kind.SMS_TEXT,
                Direction.MT,
                new Origin("", "", "", ""),
                new Address(AddressType.UNKNOWN, "", 0, 0),
                List.of(new Address(AddressType.UNKNOWN, "", 0, 0)),
                new Content.Text(""),
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                Optional.empty(),
                ReportRequest.NONE,
                Optional.empty(),
                Map.of());
    }

    static DeliveryReport fullReport() {
        return new DeliveryReport(ID, MessageStatus.UNDELIVERABLE, -17, "smsc:vodafone-de", RECEIVED,
                RECEIVED.plusMillis(2_345), 2, 3, "absent subscriber – ✗");
    }
}

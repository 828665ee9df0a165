package io.mgw.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
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
import io.mgw.core.spi.ClientDelivery;
import io.mgw.core.spi.SouthReceipt;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rolling-upgrade compatibility (ARCHITECTURE.md §4): a node running today's {@link WireFormat} must read what an
 * older node ("v1": knows only a subset of the fields) and a newer node ("v2-future": adds fields, enum values and
 * a higher format_version) write, and each of them must read what today's code writes. The v1 and v2 codecs here
 * are written independently of {@link WireFormat}, from the field numbers of the schema only.
 */
class WireEvolutionTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00.5Z");

    // =============================================================================================
    // "v1": an older node that knew id, kind, direction, origin, source, destinations, text content,
    // received_at and valid_until, nothing else.
    // =============================================================================================

    /** What a v1 node understands of a message. */
    record V1Message(long idHi, long idLo, int kind, int direction, String account, String source,
            List<String> destinations, String text, Instant receivedAt, Instant validUntil) {}

    static byte[] v1Write(V1Message m) {
        var w = new ProtoWriter().uint32(1, 1).fixed64(2, m.idHi()).fixed64(3, m.idLo()).uint32(4, m.kind())
                .uint32(5, m.direction())
                .nested(6, new ProtoWriter().string(1, "smpp").string(2, m.account()))
                .nested(7, new ProtoWriter().uint32(1, 1).string(2, m.source()));
        for (String d : m.destinations()) {
            w.nested(8, new ProtoWriter().uint32(1, 1).string(2, d).uint32(3, 1).uint32(4, 1));
        }
        return w.nested(9, new ProtoWriter().string(1, m.text()))
                .timestamp(13, m.receivedAt()).timestamp(14, m.validUntil()).toBytes();
    }

    static V1Message v1Read(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        long hi = 0;
        long lo = 0;
        int kind = 0;
        int direction = 0;
        String account = "";
        String source = "";
        List<String> destinations = new ArrayList<>();
        String text = null;
        Instant received = null;
        Instant valid = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag >>> 3) {
                case 2 -> hi = in.readFixed64();
                case 3 -> lo = in.readFixed64();
                case 4 -> kind = in.readUInt32();
                case 5 -> direction = in.readUInt32();
                case 6 -> account = v1StringField(in.readByteArray(), 2);
                case 7 -> source = v1StringField(in.readByteArray(), 2);
                case 8 -> destinations.add(v1StringField(in.readByteArray(), 2));
                case 9 -> text = v1StringField(in.readByteArray(), 1);
                case 13 -> received = v1Timestamp(in.readByteArray());
                case 14 -> valid = v1Timestamp(in.readByteArray());
                default -> in.skipField(tag); // v1 skips what it does not know
            }
        }
        return new V1Message(hi, lo, kind, direction, account, source, destinations, text, received, valid);
    }

    private static String v1StringField(byte[] nested, int field) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(nested);
        String value = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag >>> 3 == field) {
                value = in.readString();
            } else {
                in.skipField(tag);
            }
        }
        return value;
    }

    private static Instant v1Timestamp(byte[] nested) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(nested);
        long s = 0;
        int n = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag >>> 3) {
                case 1 -> s = in.readInt64();
                case 2 -> n = in.readInt32();
                default -> in.skipField(tag);
            }
        }
        return Instant.ofEpochSecond(s, n);
    }

    @Test
    void newReaderReadsOldWriterAndDefaultsTheFieldsItDidNotSend() {
        V1Message old = new V1Message(7, 8, 1, 2, "acme", "491701", List.of("4242"), "hello from v1", T0,
                T0.plusSeconds(3600));

        Message m = WireFormat.decodeMessage(v1Write(old));

        assertThat(m.id()).isEqualTo(new MessageId(7, 8));
        assertThat(m.kind()).isEqualTo(Kind.SMS_TEXT);
        assertThat(m.direction()).isEqualTo(Direction.MO);
        assertThat(m.origin()).isEqualTo(new Origin("smpp", "acme", "", ""));
        assertThat(m.source()).isEqualTo(new Address(AddressType.MSISDN, "491701", 0, 0));
        assertThat(m.destinations()).containsExactly(Address.msisdn("4242"));
        assertThat(m.content()).isEqualTo(new Content.Text("hello from v1"));
        assertThat(m.receivedAt()).isEqualTo(T0);
        assertThat(m.validUntil()).isEqualTo(T0.plusSeconds(3600));
        // fields v1 never wrote take their defaults
        assertThat(m.priority()).isZero();
        assertThat(m.scheduleAt()).isEmpty();
        assertThat(m.reportRequest()).isEqualTo(ReportRequest.NONE);
        assertThat(m.concat()).isEmpty();
        assertThat(m.attributes()).isEmpty();
    }

    @Test
    void oldReaderReadsNewWriterAndSkipsTheFieldsItDoesNotKnow() throws IOException {
        Message m = Fixtures.fullMessage(); // has schedule_at, concat, attributes, priority, report_request

        V1Message old = v1Read(WireFormat.encodeMessage(m));

        assertThat(old.idHi()).isEqualTo(m.id().hi());
        assertThat(old.idLo()).isEqualTo(m.id().lo());
        assertThat(old.kind()).isEqualTo(1);
        assertThat(old.direction()).isEqualTo(2);
        assertThat(old.account()).isEqualTo("acme");
        assertThat(old.source()).isEqualTo("ACME");
        assertThat(old.destinations()).containsExactly("4915112345678", "12345");
        assertThat(old.text()).isEqualTo("Grüße 👋 Ωμέγα 漢字 €");
        assertThat(old.receivedAt()).isEqualTo(m.receivedAt());
        assertThat(old.validUntil()).isEqualTo(m.validUntil());
    }

    /** What a v1 node understands of a delivery report: id, status and the two times. */
    record V1Report(long idHi, long idLo, int status, Instant submittedAt, Instant doneAt) {}

    @Test
    void newReaderReadsOldReport() {
        byte[] v1 = new ProtoWriter().uint32(1, 1).fixed64(2, 5).fixed64(3, 6).uint32(4, 2)
                .timestamp(7, T0).timestamp(8, T0.plusSeconds(1)).toBytes();

        DeliveryReport r = WireFormat.decodeReport(v1);

        assertThat(r).isEqualTo(new DeliveryReport(new MessageId(5, 6), MessageStatus.DELIVERED, 0, "", T0,
                T0.plusSeconds(1), 0, 0, ""));
    }

    @Test
    void oldReaderReadsNewReport() throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(WireFormat.encodeReport(Fixtures.fullReport()));
        long hi = 0;
        long lo = 0;
        int status = 0;
        Instant submitted = null;
        Instant done = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag >>> 3) {
                case 2 -> hi = in.readFixed64();
                case 3 -> lo = in.readFixed64();
                case 4 -> status = in.readUInt32();
                case 7 -> submitted = v1Timestamp(in.readByteArray());
                case 8 -> done = v1Timestamp(in.readByteArray());
                default -> in.skipField(tag);
            }
        }

        DeliveryReport full = Fixtures.fullReport();
        assertThat(new V1Report(hi, lo, status, submitted, done)).isEqualTo(new V1Report(full.messageId().hi(),
                full.messageId().lo(), 5, full.submittedAt(), full.doneAt()));
    }

    // =============================================================================================
    // "v2-future": a newer node that writes format_version 2, new fields at every level, new enum values.
    // =============================================================================================

    /** Writes today's full message the way a future node would: every field today knows, plus new ones. */
    static byte[] v2WriteMessage(Message m, int futureKind, int futureAddressType, int futureReportRequest) {
        Concat c = m.concat().orElseThrow();
        var w = new ProtoWriter()
                .uint32(1, 2) // format_version 2
                .fixed64(2, m.id().hi()).fixed64(3, m.id().lo())
                .uint32(4, futureKind)
                .uint32(5, m.direction() == Direction.MT ? 1 : 2)
                .nested(6, new ProtoWriter().string(1, m.origin().protocol()).string(2, m.origin().account())
                        .string(3, m.origin().node()).string(4, m.origin().reference())
                        .string(5, "tenant-9") // future: origin.tenant
                        .fixed32(6, 0xCAFE)) // future: origin.region id
                .nested(7, new ProtoWriter().uint32(1, futureAddressType).string(2, m.source().value())
                        .uint32(3, m.source().ton()).uint32(4, m.source().npi())
                        .string(5, "DE")); // future: address.country
        for (Address d : m.destinations()) {
            w.nested(8, new ProtoWriter().uint32(1, WireSchema.code(d.type())).string(2, d.value()).uint32(3, d.ton()).uint32(4, d.npi())
                    .bool(6, true)); // future: address.ported
        }
        w.nested(9, new ProtoWriter().string(1, ((Content.Text) m.content()).text())
                        .string(2, "de")) // future: text.language
                .uint32(12, m.priority())
                .timestamp(13, m.receivedAt())
                .nested(14, new ProtoWriter().int64(1, m.validUntil().getEpochSecond())
                        .int32(2, m.validUntil().getNano()).uint32(3, 1)) // future: timestamp.precision
                .timestamp(15, m.scheduleAt().orElseThrow())
                .uint32(16, futureReportRequest)
                .nested(17, new ProtoWriter().uint32(1, c.reference()).uint32(2, c.total()).uint32(3, c.sequence())
                        .bool(4, c.wide()).uint32(5, 99)); // future: concat.port
        m.attributes().forEach((k, v) -> w.nested(18, new ProtoWriter().string(1, k).string(2, v)));
        return w.string(19, "future tracing id")
                .uint32(20, 123_456)
                .fixed64(21, -1L)
                .fixed32(22, 7)
                .nested(23, new ProtoWriter().string(1, "future nested").nested(2, new ProtoWriter().uint32(1, 1)))
                .int64(1000, -5) // a high field number, negative varint
                .toBytes();
    }

    @Test
    void newReaderReadsFutureWriterWithKnownEnumValues() {
        Message m = Fixtures.fullMessage();

        Message back = WireFormat.decodeMessage(v2WriteMessage(m, 1, 3, 5));

        // everything today knows comes through; the source type 3 = ALPHANUMERIC as in the fixture
        assertThat(back).isEqualTo(m);
    }

    @Test
    void newReaderMapsFutureEnumValuesToFallbacks() {
        Message m = Fixtures.fullMessage();

        Message back = WireFormat.decodeMessage(v2WriteMessage(m, 42, 42, 42));

        assertThat(back.kind()).as("kind follows the content").isEqualTo(Kind.SMS_TEXT);
        assertThat(back.source().type()).isEqualTo(AddressType.UNKNOWN);
        assertThat(back.reportRequest()).isEqualTo(ReportRequest.FINAL);
        assertThat(back.withDestinations(m.destinations())).isEqualTo(new Message(m.id(), Kind.SMS_TEXT,
                m.direction(), m.origin(), new Address(AddressType.UNKNOWN, "ACME", 5, 0), m.destinations(),
                m.content(), m.priority(), m.receivedAt(), m.validUntil(), m.scheduleAt(), ReportRequest.FINAL,
                m.concat(), m.attributes()));
    }

    @Test
    void newReaderReadsFutureReport() {
        DeliveryReport r = Fixtures.fullReport();
        byte[] v2 = new ProtoWriter().uint32(1, 2)
                .fixed64(2, r.messageId().hi()).fixed64(3, r.messageId().lo())
                .uint32(4, 5).int32(5, r.errorCode()).string(6, r.errorSource())
                .timestamp(7, r.submittedAt()).timestamp(8, r.doneAt())
                .uint32(9, r.partsDelivered()).uint32(10, r.partsTotal()).string(11, r.reason())
                .string(12, "future: network name").nested(13, new ProtoWriter().uint32(1, 1))
                .toBytes();

        assertThat(WireFormat.decodeReport(v2)).isEqualTo(r);
    }

    @Test
    void newReaderMapsFutureStatusToUnknown() {
        byte[] v2 = new ProtoWriter().uint32(1, 2).fixed64(2, 1).fixed64(3, 2).uint32(4, 9)
                .timestamp(7, T0).timestamp(8, T0).toBytes();

        assertThat(WireFormat.decodeReport(v2).status()).isEqualTo(MessageStatus.UNKNOWN);
    }

    @Test
    void newReaderReadsFutureClientDeliveries() {
        DeliveryReport r = Fixtures.fullReport();
        byte[] report = WireFormat.encodeReport(r);
        byte[] v2Report = new ProtoWriter().uint32(1, 2).string(2, "acme")
                .nested(3, new ProtoWriter().bytes(1, report)
                        .nested(2, new ProtoWriter().uint32(1, 1).string(2, "4915").uint32(7, 3))
                        .nested(3, new ProtoWriter().uint32(1, 2).string(2, "4242"))
                        .string(4, "preview")
                        .string(5, "future: callback url"))
                .uint32(9, 77) // future top-level field
                .toBytes();
        byte[] v2Mo = new ProtoWriter().uint32(1, 2).string(2, "acme")
                .nested(4, new ProtoWriter().bytes(1, v2WriteMessage(Fixtures.fullMessage(), 1, 3, 5))
                        .uint32(2, 5)) // future: mo.priority hint
                .toBytes();

        assertThat(WireFormat.decodeClientDelivery(v2Report)).isEqualTo(new ClientDelivery.Report("acme", r,
                new Address(AddressType.MSISDN, "4915", 0, 0), new Address(AddressType.SHORT_CODE, "4242", 0, 0),
                "preview"));
        assertThat(WireFormat.decodeClientDelivery(v2Mo))
                .isEqualTo(new ClientDelivery.MobileOriginated("acme", Fixtures.fullMessage()));
    }

    @Test
    void newReaderReadsFutureReceiptAndOldReceipt() {
        byte[] v2 = new ProtoWriter().uint32(1, 2).string(2, "smsc-1").string(3, "ABC").uint32(4, 2)
                .int32(5, 11).timestamp(6, T0).timestamp(8, T0.plusSeconds(2))
                .string(11, "future: raw receipt text").toBytes();
        byte[] v1 = new ProtoWriter().uint32(1, 1).string(2, "smsc-1").string(3, "ABC")
                .timestamp(8, T0).toBytes();

        assertThat(WireFormat.decodeReceipt(v2)).isEqualTo(new SouthReceipt("smsc-1", "ABC",
                MessageStatus.DELIVERED, 11, Optional.of(T0), Optional.empty(), T0.plusSeconds(2)));
        assertThat(WireFormat.decodeReceipt(v1)).isEqualTo(new SouthReceipt("smsc-1", "ABC",
                MessageStatus.UNKNOWN, 0, Optional.empty(), Optional.empty(), T0));
    }

    @Test
    void fieldsComeInAnyOrder() {
        // protobuf does not require field order; a future writer may put new fields first
        byte[] shuffled = new ProtoWriter().timestamp(14, T0).string(99, "x").timestamp(13, T0)
                .nested(9, new ProtoWriter().string(1, "t")).nested(8, new ProtoWriter().string(2, "d"))
                .nested(7, new ProtoWriter().string(2, "s")).nested(6, new ProtoWriter().string(2, "a"))
                .uint32(5, 1).fixed64(3, 2).fixed64(2, 1).uint32(1, 1).toBytes();

        Message m = WireFormat.decodeMessage(shuffled);

        assertThat(m.id()).isEqualTo(new MessageId(1, 2));
        assertThat(m.attributes()).isEqualTo(Map.of());
        assertThat(m.content()).isEqualTo(new Content.Text("t"));
    }
}
